"""``govmedia import``: turn an existing ledger (台账, .xlsx/.csv/.json) into a register.

The way most districts start. Every row that cannot be imported is reported with its row number
and column, in Chinese (in English with ``--lang en``); the rows that are fine are written. See docs/ledger.md.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from govmedia.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Msg, add_lang, iso_date, msg, say, unwritable_folder
from govmedia.dialect.files import read_regular
from govmedia.register.lifecycle import STATUS_LABELS
from govmedia.register.loader import load
from govmedia.schemas import Governance
from govmedia.staff import ledger
from govmedia.staff.demo import TEMPLATES, write
from govmedia.staff.importer import Importer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="把现有台账（Excel）导入为名录",
        description="把现有台账（.xlsx，也可以是 .csv/.json）导入为名录文件。"
        "表头可以是 govmedia export 导出的格式，也可以是常见的写法；列的顺序不限。",
    )
    p.add_argument("ledger", metavar="LEDGER.xlsx", help="台账文件")
    p.add_argument("--out", required=True, help="输出目录（应为空或不存在）")
    p.add_argument(
        "--governance",
        default=None,
        help="本地区的 governance.yaml（默认：王益区模板；也可以是已有名录的根目录）",
    )
    p.add_argument("--today", type=iso_date, default=None, help="导入日期，YYYY-MM-DD（默认：今天）")
    add_lang(p)
    p.set_defaults(func=run)


def _governance(arg: str | None) -> tuple[Governance | None, str, Msg]:
    """(model, text, problem) of the governance.yaml to use."""
    path = TEMPLATES / "governance.yaml" if arg is None else Path(arg)
    if path.is_dir():
        path = path / "policies" / "governance.yaml"
    if not path.is_file():
        return (
            None,
            "",
            Msg(
                f"找不到 {path}：--governance 应指向 governance.yaml 或名录根目录。",
                f"{path} does not exist: --governance names a governance.yaml or the root of a register.",
            ),
        )
    try:
        text = read_regular(str(path)).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return (
            None,
            "",
            Msg(
                f"无法读取 {path}（{type(exc).__name__}）：governance.yaml 应是 UTF-8 编码的普通文件。",
                f"{path} cannot be read ({type(exc).__name__}): governance.yaml must be a regular UTF-8 file.",
            ),
        )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "policies").mkdir()
        (Path(tmp) / "policies" / "governance.yaml").write_text(text, encoding="utf-8")
        registry = load(Path(tmp))
    if registry.governance is None:
        return (
            None,
            "",
            Msg(
                f"{path} 有错误：请先在原名录中运行 govmedia check 修正。",
                f"{path} has errors: run govmedia check in its register first and fix them.",
            ),
        )
    return registry.governance.model, text, Msg("", "")


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        say(
            "import",
            lang,
            msg(
                lang,
                f"输出目录 {out} 不是空的：请换一个新目录，导入不会覆盖已有文件。",
                f"the output folder {out} is not empty: choose a new folder; an import never overwrites files.",
            ),
        )
        return EXIT_USAGE
    blocked = unwritable_folder(out)
    if blocked is not None:
        say("import", lang, blocked.get(lang))
        return EXIT_USAGE
    gov, gov_text, problem = _governance(args.governance)
    if gov is None:
        say("import", lang, problem.get(lang))
        return EXIT_USAGE
    sheet = ledger.read_ledger(Path(args.ledger))
    if not sheet.rows:
        for p in sheet.problems:
            say("import", lang, p.text(lang))
        print(msg(lang, "没有写入任何文件。", "No file was written."), file=sys.stderr)
        return EXIT_USAGE
    org = next((r[1:].split("/")[0] for s in gov.stages.values() for r in s.reviewers if "/" in r), "org")
    result = Importer(gov, args.today or date.today(), org).run(sheet.rows)
    files = {"policies/governance.yaml": gov_text, **result.files}
    write(files, out)
    problems = sheet.problems + result.problems
    errors = [p for p in problems if p.error]
    for p in sorted(problems, key=lambda p: (p.sheet or "", p.row or 0)):
        kind = msg(lang, "错误 " if p.error else "提示 ", "error: " if p.error else "note: ")
        print(kind + p.text(lang), file=sys.stderr)
    imported = sum(result.statuses.values())
    if lang == "zh":
        counts = "，".join(f"{STATUS_LABELS[s][0]} {n} 个" for s, n in sorted(result.statuses.items()))
        print(f"\n已导入 {result.units} 个单位、{imported} 个账号（{counts or '无'}）到 {out}。", file=sys.stderr)
    else:
        counts = ", ".join(f"{n} {STATUS_LABELS[s][1]}" for s, n in sorted(result.statuses.items()))
        print(
            f"\nImported {result.units} unit{'s' * (result.units != 1)} and {imported} "
            f"account{'s' * (imported != 1)} ({counts or 'none'}) into {out}.",
            file=sys.stderr,
        )
    if result.skipped_rows:
        print(
            msg(
                lang,
                f"有 {result.skipped_rows} 行没有导入：按上面的提示修正台账后，导入到一个新的空目录。",
                f"{result.skipped_rows} rows were not imported: correct the ledger as said above, then import "
                "it into a new, empty folder.",
            ),
            file=sys.stderr,
        )
    print(
        msg(
            lang,
            f"下一步：govmedia check --root {out}，核对无误后把 {out} 中的文件提交到名录仓库。",
            f"Next: govmedia check --lang en --root {out}; when it is clean, commit the files of {out} to "
            "the register repository.",
        ),
        file=sys.stderr,
    )
    return EXIT_FINDINGS if errors else EXIT_OK
