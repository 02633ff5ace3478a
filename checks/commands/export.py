"""``govmedia export``: the register as a ledger (台账) in JSON, CSV (UTF-8 with BOM) or Excel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import ledger
from ..cli import EXIT_OK, EXIT_USAGE, add_common, msg
from ..loader import load


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="把名录导出为台账（json / csv / xlsx）",
        description="把名录导出为台账：每个账号一行，中文表头，列的含义见 docs/ledger.md。",
    )
    add_common(p, today=False)
    p.add_argument(
        "--format", choices=("json", "csv", "xlsx"), default=None, help="格式（默认按 --out 的扩展名）"
    )
    p.add_argument("--out", required=True, help="输出文件，如 台账.xlsx；写 - 输出到屏幕（json/csv）")
    p.set_defaults(func=run)


def _error(lang: str, zh: str, en: str) -> int:
    print(msg(lang, f"govmedia export：{zh}", f"govmedia export: {en}"), file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    root = Path(args.root)
    if not root.is_dir():
        return _error(
            lang,
            f"找不到名录目录 {root}：请在名录仓库根目录运行，或用 --root 指定。",
            f"the register folder {root} does not exist: run this at the root of the register repository, "
            "or name it with --root.",
        )
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in ("json", "csv", "xlsx"):
        return _error(
            lang,
            "请用 --format 指定 json、csv 或 xlsx，或让 --out 以 .json/.csv/.xlsx 结尾。",
            "choose json, csv or xlsx with --format, or end --out with .json, .csv or .xlsx.",
        )
    registry = load(root)
    rows = ledger.ledger_rows(registry)
    skipped = sum(1 for a in registry.accounts.values() if a.record is None)
    if args.out == "-":
        if fmt == "xlsx":
            return _error(
                lang,
                "xlsx 不能输出到屏幕：请用 --out 文件名.xlsx。",
                "xlsx cannot be written to the screen: use --out FILE.xlsx.",
            )
        out_bytes = ledger.to_json(rows).encode("utf-8") if fmt == "json" else ledger.to_csv(rows)
        sys.stdout.buffer.write(out_bytes)
    else:
        out = Path(args.out)
        if out.parent and not out.parent.is_dir():
            return _error(
                lang,
                f"目录 {out.parent} 不存在：请先创建它，或换一个输出位置。",
                f"the folder {out.parent} does not exist: create it first, or write somewhere else.",
            )
        if fmt == "json":
            out.write_text(ledger.to_json(rows), encoding="utf-8")
        elif fmt == "csv":
            out.write_bytes(ledger.to_csv(rows))
        else:
            ledger.to_xlsx(rows, out)
        print(msg(lang, f"已导出 {len(rows)} 个账号到 {out}", f"Exported {len(rows)} accounts to {out}"), file=sys.stderr)
    if skipped:
        print(
            msg(
                lang,
                f"注意：有 {skipped} 个账号的 account.yaml 有错误，没有导出：请运行 govmedia check 查看并修正。",
                f"Note: {skipped} accounts were not exported because their account.yaml has errors: "
                "run govmedia check --lang en to see and fix them.",
            ),
            file=sys.stderr,
        )
    return EXIT_OK
