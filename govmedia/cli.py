"""``govmedia``: argument parsing and the one place where exit codes are decided.

Subcommands live in ``checks/commands/<name>.py``; each exports ``register(subparsers)`` and sets
``func(args) -> int`` on its parser. They are discovered, so adding one touches no shared file.
Exit codes: 0 no errors, 1 errors found, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple, NoReturn

from govmedia import commands

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
TODAY_ENV = "GOVMEDIA_TODAY"


def msg(lang: str, zh: str, en: str) -> str:
    """The message in the user's language: Chinese unless ``--lang en``."""
    return zh if lang == "zh" else en


class Msg(NamedTuple):
    """A message kept in both languages until it is shown (like a finding's ``zh``/``en``)."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def say(command: str, lang: str, text: str) -> None:
    """One line of a command's report on stderr, framed ``govmedia <command>：…`` in the user's language.
    Each line is made printable (:func:`checks.findings.printable`): a value the user typed may hold bytes
    that are not UTF-8, which would fail to print."""
    from govmedia.findings.finding import printable

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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 (README: exit codes)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"govmedia: 用法错误 / usage error: {message}\n")


def _command_modules(argv: Sequence[str] | None) -> list[str]:
    """The command modules to import: only the one named on the command line when it can be told
    (``check`` -> check.py, ``import`` -> ledger_import.py), else all of them (for help and errors).
    A pre-commit run of ``govmedia check`` then imports nothing it does not use."""
    names = sorted(i.name for i in pkgutil.iter_modules(commands.__path__) if not i.name.startswith("_"))
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    if words:
        hit = [n for n in names if n == words[0] or n.endswith("_" + words[0])]
        if len(hit) == 1:
            return hit
    return names


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="govmedia", description="政务新媒体名录：检查、生成与发布。")
    from govmedia import __version__

    parser.add_argument("--version", action="version", version=f"govmedia {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _command_modules(argv):
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal error, not bad input: say so, exit 2
        if os.environ.get("GOVMEDIA_DEBUG"):
            raise
        print(f"govmedia: 内部错误 / internal error: {type(exc).__name__}: {exc}\n"
              "请设置 GOVMEDIA_DEBUG=1 重新运行以查看详情，并报告此问题。", file=sys.stderr)
        return EXIT_USAGE
