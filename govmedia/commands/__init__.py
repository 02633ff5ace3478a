"""The commands of ``govmedia`` (one module each, discovered by govmedia/cli.py), and what they share: exit
codes, the common options, how a command reports a problem (:func:`say`)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from govmedia.findings.finding import printable
from govmedia.findings.message import Msg, msg

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
TODAY_ENV = "GOVMEDIA_TODAY"


def say(command: str, lang: str, text: str) -> None:
    """One line of a command's report on stderr, framed ``govmedia <command>：…`` in the user's language.
    Each line is made printable (:func:`govmedia.findings.finding.printable`): a value the user typed may hold
    bytes that are not UTF-8, which would fail to print."""
    shown = "\n".join(printable(line) for line in text.split("\n"))
    print(msg(lang, f"govmedia {command}：{shown}", f"govmedia {command}: {shown}"), file=sys.stderr)


def missing_root(root: Path) -> Msg | None:
    """What to say when the register folder given with ``--root`` is not a folder (None: it is)."""
    if root.is_dir():
        return None
    return Msg(
        f"找不到名录目录 {root}：请在名录仓库的根目录运行，或用 --root 指定。",
        f"the register folder {root} does not exist: run this at the root of the register repository, "
        "or name it with --root.",
    )


def unwritable_folder(out: Path) -> Msg | None:
    """What to say when the folder ``out`` cannot be created or written into (None: it can)."""
    for folder in (out, *out.parents):
        if folder.exists() or folder.is_symlink():
            break
    if folder.is_dir() and os.access(folder, os.W_OK):
        return None
    if folder.is_dir():
        return Msg(
            f"没有权限在 {folder} 中写入：请换一个输出位置。",
            f"{folder} cannot be written to (no permission): write somewhere else.",
        )
    return Msg(
        f"{folder} 是一个文件，不是文件夹，无法在其中写入：请换一个输出位置。",
        f"{folder} is a file, not a folder, so nothing can be written in it: write somewhere else.",
    )


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / expected YYYY-MM-DD: {text!r}") from None


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default=os.environ.get("GOVMEDIA_LANG", "zh"),
                        help="消息语言（默认 zh）")


def add_common(parser: argparse.ArgumentParser, today: bool = True) -> None:
    """--root, --lang and (where dates matter) --today: shared by every command that reads a register."""
    parser.add_argument("--root", default=".", help="名录仓库根目录（默认：当前目录）")
    add_lang(parser)
    if today:
        # GOVMEDIA_TODAY pins the date for a whole session (tests, CI, the site build): nothing that must
        # give the same answer tomorrow may read the real date. --today still wins.
        parser.add_argument("--today", type=iso_date, default=os.environ.get(TODAY_ENV) or None,
                            help=f"以哪一天为“今天”检查日期规则，YYYY-MM-DD（默认：环境变量 {TODAY_ENV}，否则今天）")
