"""``govmedia export``: the register as a ledger (台账) in JSON, CSV (UTF-8 with BOM) or Excel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import ledger
from ..cli import EXIT_OK, EXIT_USAGE, add_common
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


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not root.is_dir():
        print(
            f"govmedia export：找不到名录目录 {root}：请在名录仓库根目录运行，或用 --root 指定。",
            file=sys.stderr,
        )
        return EXIT_USAGE
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in ("json", "csv", "xlsx"):
        print(
            "govmedia export：请用 --format 指定 json、csv 或 xlsx，或让 --out 以 .json/.csv/.xlsx 结尾。",
            file=sys.stderr,
        )
        return EXIT_USAGE
    registry = load(root)
    rows = ledger.ledger_rows(registry)
    skipped = sum(1 for a in registry.accounts.values() if a.record is None)
    if args.out == "-":
        if fmt == "xlsx":
            print("govmedia export：xlsx 不能输出到屏幕：请用 --out 文件名.xlsx。", file=sys.stderr)
            return EXIT_USAGE
        out_bytes = ledger.to_json(rows).encode("utf-8") if fmt == "json" else ledger.to_csv(rows)
        sys.stdout.buffer.write(out_bytes)
    else:
        out = Path(args.out)
        if out.parent and not out.parent.is_dir():
            print(
                f"govmedia export：目录 {out.parent} 不存在：请先创建它，或换一个输出位置。", file=sys.stderr
            )
            return EXIT_USAGE
        if fmt == "json":
            out.write_text(ledger.to_json(rows), encoding="utf-8")
        elif fmt == "csv":
            out.write_bytes(ledger.to_csv(rows))
        else:
            ledger.to_xlsx(rows, out)
        print(f"已导出 {len(rows)} 个账号到 {out}", file=sys.stderr)
    if skipped:
        print(
            f"注意：有 {skipped} 个账号的 account.yaml 有错误，没有导出：请运行 govmedia check 查看并修正。",
            file=sys.stderr,
        )
    return EXIT_OK
