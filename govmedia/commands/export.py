"""``govmedia export``: the register as a ledger (台账) in JSON, CSV (UTF-8 with BOM) or Excel."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from govmedia.commands import EXIT_OK, EXIT_USAGE, add_common, missing_root, say, unwritable_folder
from govmedia.findings.message import Msg, msg
from govmedia.register.loader import load
from govmedia.staff import ledger


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
    say("export", lang, msg(lang, zh, en))
    return EXIT_USAGE


def _cannot_write(out: Path) -> Msg | None:
    """What stops the ledger from being written to the file ``out`` (None: nothing)."""
    if out.is_dir():
        return Msg(
            f"{out} 是一个文件夹：--out 应是一个文件名，如 台账.xlsx。",
            f"{out} is a folder: --out names a file, such as ledger.xlsx.",
        )
    if not out.parent.is_dir():
        return unwritable_folder(out.parent) or Msg(
            f"目录 {out.parent} 不存在：请先创建它，或换一个输出位置。",
            f"the folder {out.parent} does not exist: create it first, or write somewhere else.",
        )
    return None


def _write_fix(exc: OSError) -> Msg:
    """What to do about a failed write, by its cause."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Msg("磁盘空间不足：请清理磁盘，或换一个输出位置。", "The disk is full: free some space, or write somewhere else.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):  # Windows: the file is open in Excel
        return Msg("请关闭打开它的程序，或换一个有写入权限的输出位置。",
                   "Close the program that has it open, or write somewhere you may write.")
    return Msg("请换一个输出位置。", "Write somewhere else.")


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    root = Path(args.root)
    problem = missing_root(root)
    if problem is not None:
        return _error(lang, problem.zh, problem.en)
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
        problem = _cannot_write(out)
        if problem is not None:
            return _error(lang, problem.zh, problem.en)
        try:
            if fmt == "json":
                out.write_text(ledger.to_json(rows), encoding="utf-8")
            elif fmt == "csv":
                out.write_bytes(ledger.to_csv(rows))
            else:
                ledger.to_xlsx(rows, out)
        except OSError as exc:  # no permission, disk full, a file held open by Excel on Windows...
            fix = _write_fix(exc)
            return _error(lang, f"无法写入 {out}：{exc.strerror or exc}。{fix.zh}",
                          f"{out} cannot be written: {exc.strerror or exc}. {fix.en}")
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
