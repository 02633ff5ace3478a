"""``govmedia check``: every rule over the whole register (docs/rules.md); PATH or --changed narrow the report;
exit codes as README.md says."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from govmedia.commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_common
from govmedia.findings.finding import Finding
from govmedia.findings.reporters import REPORTERS
from govmedia.register.context import Context
from govmedia.register.walk import count_files
from govmedia.run.engine import check_outcome, has_errors, plan_for
from govmedia.run.precommit import changed_paths
from govmedia.run.preexisting import demote
from govmedia.run.progress import progress_bar


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="检查名录是否符合细则", description="检查整个名录；PATH 只限定报告哪些文件的问题。")
    add_common(p)
    p.add_argument("--base", default=None, help="与该 git 版本比较，启用历史规则 GM6xx")
    p.add_argument("--format", choices=sorted(REPORTERS), default="text", help="输出格式（默认 text）")
    p.add_argument("--verify-signatures", action="store_true", help="要求 --base 以来新增的审批文件有合规签名")
    p.add_argument("--strict", action="store_true",
                   help="与 --base 同用：基准版本已有、本次未改动文件上的错误也算失败（默认只报告为警告）")
    p.add_argument("--no-cache", action="store_true", help="不使用缓存（$XDG_CACHE_HOME/govmedia）")
    p.add_argument("--changed", action="store_true",
                   help="只报告 git 显示有改动的文件中的问题（暂存的文件，或 pre-commit 的推送范围；都没有时报告全部）")
    p.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件或目录中的问题")
    p.set_defaults(func=run)


def _selector(root: Path, paths: list[str]) -> list[str] | None:
    if not paths:
        return None
    out = []
    for raw in paths:
        p = Path(raw)
        full = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            out.append(full.relative_to(root.resolve()).as_posix())
        except ValueError:
            out.append(p.as_posix())
    return out


def _selected(finding: Finding, prefixes: list[str] | None) -> bool:
    if prefixes is None:
        return True
    return any(p in (".", "") or finding.path == p or finding.path.startswith(p.rstrip("/") + "/")
               for p in prefixes)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.is_dir():
        print(f"govmedia: 找不到名录目录 {root}", file=sys.stderr)
        return EXIT_USAGE
    if args.verify_signatures and not args.base:
        print("govmedia: --verify-signatures 需要同时给出 --base（与哪个版本比较）。" if args.lang == "zh" else
              "govmedia: --verify-signatures needs --base.", file=sys.stderr)
        return EXIT_USAGE
    ctx = Context(root=root, today=args.today or date.today(), base=args.base,
                  verify_signatures=args.verify_signatures, cache=not args.no_cache)
    plan = None
    if ctx.base is not None:
        plan = plan_for(ctx)  # read the base once, up front: a bad --base is a usage error, not a traceback
        problem = plan.base_problem(args.lang)
        if problem is not None:
            print(f"govmedia: {problem}", file=sys.stderr)
            return EXIT_USAGE
    with progress_bar(args.lang) as progress:
        outcome = check_outcome(ctx, progress, plan)
    findings = outcome.findings
    if ctx.base is not None and not args.strict:
        findings = demote(ctx, findings)
    paths = list(args.paths)
    if args.changed and not paths:
        paths = changed_paths(root) or []
    prefixes = _selector(root, paths)
    shown = [f for f in findings if _selected(f, prefixes)]
    sys.stdout.write(REPORTERS[args.format](shown, args.lang))
    if args.format == "text":
        print(_summary(root, shown, args.lang, outcome.files), file=sys.stderr)
    return EXIT_FINDINGS if has_errors(shown) else EXIT_OK


def _summary(root: Path, shown: list[Finding], lang: str, files: int | None) -> str:
    """The last line of a text report (on stderr: stdout holds only findings)."""
    errors = sum(f.severity == "error" for f in shown)
    warnings = len(shown) - errors
    if shown:
        return f"共 {errors} 个错误，{warnings} 个警告。" if lang == "zh" else f"{errors} errors, {warnings} warnings."
    files = count_files(str(root)) if files is None else files  # a run answered without its own scan
    return f"检查了 {files} 个文件：没有发现问题。" if lang == "zh" else f"checked {files} files: no problems found."

