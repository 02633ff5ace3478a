"""``govmedia codeowners [--root DIR] [--gitlab] [--check]``: write .github/CODEOWNERS from governance.yaml.

Each stage's approval files go to that stage's reviewers, a ``from_unit`` stage's files to each
unit's own reviewers, each unit folder to the unit, and the files that decide who approves (policies/,
schemas/, govmedia/, mkdocs.yml, .github/ ...) to the district office. ``--check`` only
compares (pre-commit and CI): exit 1 when the file is missing or differs.

GitLab does not read ``.github/``: ``--gitlab`` writes the same text to ``.gitlab/CODEOWNERS`` too, and
once that file exists every later run (and ``--check``) keeps it in step.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from govmedia.commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_common, missing_root, say
from govmedia.findings.message import Msg
from govmedia.history.codeowners import GITLAB_TARGET, TARGET, generate, unit_reviewers
from govmedia.register.loader import load


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("codeowners", help="由 governance.yaml 生成 .github/CODEOWNERS",
                       description="由 governance.yaml 与各单位 unit.yaml 生成 .github/CODEOWNERS（审核随路径）。")
    add_common(p, today=False)
    p.add_argument("--gitlab", action="store_true", help="同时写 .gitlab/CODEOWNERS（GitLab 不读取 .github/）")
    p.add_argument("--check", action="store_true", help="只检查 CODEOWNERS 是否最新，不写文件")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    zh = args.lang == "zh"
    absent = missing_root(root)
    if absent is not None:
        say("codeowners", args.lang, absent.get(args.lang))
        return EXIT_USAGE
    registry = load(root)
    if registry.governance is None:
        print("govmedia: policies/governance.yaml 缺失或有错误，无法生成 CODEOWNERS：请先运行 govmedia check 修正。"
              if zh else "govmedia: policies/governance.yaml is missing or invalid: run govmedia check first.",
              file=sys.stderr)
        return EXIT_FINDINGS
    broken = sorted(u.path for u in registry.units.values() if u.record is None)
    if broken:
        print(("以下 unit.yaml 有错误，其单位的审核人无法写入 CODEOWNERS，请先修正：\n" if zh else
               "these unit.yaml files are invalid, so their reviewers are missing: fix them first:\n")
              + "\n".join(broken), file=sys.stderr)
        return EXIT_FINDINGS
    text = generate(registry.governance.model, unit_reviewers(registry))
    targets = [TARGET]
    if args.gitlab or os.path.lexists(root / GITLAB_TARGET):
        targets.append(GITLAB_TARGET)
    if args.check:
        stale = [t for t in targets if _current(root / t) != text]
        for target in stale:
            print(f"{target} 与 governance.yaml / unit.yaml 不一致：请运行 govmedia codeowners 并提交结果。" if zh
                  else f"{target} is out of date: run `govmedia codeowners` and commit it.", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    for target in targets:  # every target checked before anything is written
        problem = _unwritable(root, target)
        if problem is not None:
            say("codeowners", args.lang, f"{target} {problem.zh}" if zh else f"{target} {problem.en}")
            return EXIT_USAGE
    for target in targets:
        path = root / target
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            say("codeowners", args.lang, f"无法写入 {path}（{exc.strerror}）：请检查该路径后重试。" if zh
                else f"cannot write {path} ({exc.strerror}): check the path and try again.")
            return EXIT_USAGE
        print(f"已写入 {path}" if zh else f"wrote {path}")
    return EXIT_OK


def _unwritable(root: Path, target: str) -> Msg | None:
    """Why ``target`` cannot be (re)written as a plain file of the repository, or None."""
    path = root / target
    if path.is_symlink():
        return Msg("是符号链接：写入会改动仓库外的文件。请删除该链接后重新运行。",
                   "is a symbolic link: writing would change a file outside the repository. Delete the link and run again.")
    if path.exists() and not path.is_file():  # a folder, a FIFO (writing it would wait for ever), a device
        return Msg("是文件夹或特殊文件，不是普通文件：请删除或改名后重新运行。",
                   "is a folder or a special file, not a plain file: delete or rename it and run again.")
    for parent in path.relative_to(root).parents:
        folder = root / parent
        if parent != Path(".") and (folder.is_symlink() or (folder.exists() and not folder.is_dir())):
            return Msg(f"所在的 {parent} 不是普通文件夹：请删除或改名后重新运行。",
                       f"cannot be written: {parent} is not a plain folder. Delete or rename it and run again.")
    return None


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None
    except (OSError, UnicodeDecodeError):
        return None
