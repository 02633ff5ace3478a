"""``govmedia import``: turn an existing ledger (台账, .xlsx/.csv/.json) into a register.

The way most districts start. Every row that cannot be imported is reported with its row number
and column, in Chinese (in English with ``--lang en``); the rows that are fine are written. See docs/ledger.md.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from govmedia.commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_lang, iso_date, say, unwritable_folder
from govmedia.dialect.files import read_regular
from govmedia.findings.message import Msg, msg
from govmedia.register.lifecycle import STATUS_LABELS
from govmedia.register.loader import load
from govmedia.schemas import Governance
from govmedia.staff.demo import TEMPLATES, write
from govmedia.staff.import_docs import STATUS_WORDS
from govmedia.staff.importer import Importer, Options, Result, write_files
from govmedia.staff.ledger_cells import STATUS_VARIANTS, lookup
from govmedia.staff.ledger_columns import IMPORT_HEADERS
from govmedia.staff.ledger_read import read_ledger
from govmedia.staff.ledger_table import Problem
from govmedia.staff.vocabulary import Vocabulary, unknown_header_keys, vocabulary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="把现有台账（Excel）导入为名录",
        description="把现有台账（.xlsx，也可以是 .csv/.json）导入为名录文件。表头可以是 govmedia export 导出的格式，"
        "也可以是各地常见的写法（governance.yaml 的 ledger 一节，可自行增加）；列的顺序不限，表头上方可以有标题行。"
        "已有的账号按“存量登记”记入，导入结果经与 govmedia check 相同的规则检查。",
    )
    p.add_argument("ledger", metavar="LEDGER.xlsx", help="台账文件")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="输出目录（应为空或不存在）")
    target.add_argument("--merge", metavar="ROOT", help="导入到已有名录（根目录）：与已登记账号冲突的行不导入")
    p.add_argument("--governance", default=None,
                   help="本地区的 governance.yaml（默认：王益区模板；也可以是已有名录的根目录；--merge 时用该名录的）")
    p.add_argument("--unit", default=None, help="台账没有写主办单位的行，记在这个单位（全称）名下")
    p.add_argument("--platform", default=None, help="台账没有写平台的行，按这个平台导入（如 微信公众号 或 wechat_official）")
    p.add_argument("--status", default=None, help="台账没有写状态的行，按这个状态导入（如 关停注销名单用 已注销关停）")
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


def _target(args: argparse.Namespace, lang: str) -> Path | None:
    """The folder the files go to: a new, empty --out, or the register of --merge."""
    if args.merge is not None:
        root = Path(args.merge)
        if not (root / "policies" / "governance.yaml").is_file():
            say("import", lang, msg(lang, f"{root} 不是名录的根目录（没有 policies/governance.yaml）。",
                                    f"{root} is not the root of a register (no policies/governance.yaml)."))
            return None
        return root
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        say("import", lang, msg(lang, f"输出目录 {out} 不是空的：请换一个新目录，导入不会覆盖已有文件。",
                                f"the output folder {out} is not empty: choose a new folder; an import never "
                                "overwrites files."))
        return None
    blocked = unwritable_folder(out)
    if blocked is not None:
        say("import", lang, blocked.get(lang))
        return None
    return out


def _options(args: argparse.Namespace, gov: Governance, voc: Vocabulary, lang: str) -> Options | None:
    platform = voc.platform(args.platform) if args.platform else None
    if args.platform and platform is None:
        say("import", lang, msg(lang, f"--platform “{args.platform}” 不是 governance.yaml 中的平台：可用 "
                                f"{'、'.join(voc.labels.values())}。",
                                f"--platform “{args.platform}” is not a platform of governance.yaml: use one of "
                                f"{', '.join(voc.labels)}."))
        return None
    status = lookup(args.status, STATUS_WORDS, STATUS_VARIANTS) if args.status else None
    if args.status and status is None:
        say("import", lang, msg(lang, f"--status “{args.status}” 无法识别：应为 {'、'.join(STATUS_WORDS.values())} 之一。",
                                f"--status “{args.status}” is not known: use one of {', '.join(STATUS_WORDS)}."))
        return None
    org = next((r[1:].split("/")[0] for s in gov.stages.values() for r in s.reviewers if "/" in r), "org")
    return Options(args.today or date.today(), org, args.unit, platform, status,
                   Path(args.merge) if args.merge else None)


def _summary(result: Result, target: Path, lang: str, merge: bool) -> None:
    imported = sum(result.statuses.values())
    if lang == "zh":
        counts = "，".join(f"{STATUS_LABELS[s][0]} {n} 个" for s, n in sorted(result.statuses.items()))
        print(f"\n已导入 {result.units} 个单位、{imported} 个账号（{counts or '无'}）到 {target}。", file=sys.stderr)
    else:
        counts = ", ".join(f"{n} {STATUS_LABELS[s][1]}" for s, n in sorted(result.statuses.items()))
        print(f"\nImported {result.units} unit{'s' * (result.units != 1)} and {imported} "
              f"account{'s' * (imported != 1)} ({counts or 'none'}) into {target}.", file=sys.stderr)
    if result.to_complete:
        print(msg(lang, f"其中 {result.to_complete} 处存量账号或单位的档案待补全（GM108 警告）："
                  f"govmedia report 按单位列出。",
                  f"{result.to_complete} existing accounts or units have dossier fields to complete (GM108 "
                  "warnings): govmedia report lists them per unit."), file=sys.stderr)
    if result.skipped_rows:
        print(msg(lang, f"有 {result.skipped_rows} 行没有导入：按上面的提示修正台账后重新导入。",
                  f"{result.skipped_rows} rows were not imported: correct the ledger as said above and import "
                  "again."), file=sys.stderr)
    where = "" if merge else f" --root {target}"
    print(msg(lang, f"下一步：govmedia check{where}，核对无误后把新文件提交到名录仓库（合并请求由区政府办公室审核）。",
              f"Next: govmedia check --lang en{where}; when it is clean, commit the new files to the register "
              "repository (the district office reviews the merge request)."), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    target = _target(args, lang)
    if target is None:
        return EXIT_USAGE
    gov, gov_text, problem = _governance(args.merge if args.merge is not None else args.governance)
    if gov is None:
        say("import", lang, problem.get(lang))
        return EXIT_USAGE
    voc = vocabulary(gov, IMPORT_HEADERS, ())
    options = _options(args, gov, voc, lang)
    if options is None:
        return EXIT_USAGE
    sheet = read_ledger(Path(args.ledger), voc)
    for key in unknown_header_keys(gov, IMPORT_HEADERS):
        sheet.problems.append(Problem(None, None, f"governance.yaml 的 ledger.headers 中的“{key}”不是台账的列：请核对拼写"
                                      "（全部列见 docs/ledger.md）。",
                                      f"“{key}” under ledger.headers in governance.yaml is not a ledger column: "
                                      "check the spelling (docs/ledger.md lists them).", error=False))
    if not sheet.rows:
        for p in sheet.problems:
            say("import", lang, p.text(lang))
        print(msg(lang, "没有写入任何文件。", "No file was written."), file=sys.stderr)
        return EXIT_USAGE
    result = Importer(gov, gov_text, voc, options).run(sheet.rows)
    if options.merge is None:
        write({"policies/governance.yaml": gov_text, **result.files}, target)
    else:
        write_files(result.files, target)
    problems = sheet.problems + result.problems
    for p in sorted(problems, key=lambda p: (p.sheet or "", p.row or 0)):
        kind = msg(lang, "错误 " if p.error else "提示 ", "error: " if p.error else "note: ")
        print(kind + p.text(lang), file=sys.stderr)
    _summary(result, target, lang, options.merge is not None)
    return EXIT_FINDINGS if any(p.error for p in problems) else EXIT_OK
