"""``govmedia``: argument parsing and the one place where exit codes are decided.

Subcommands live in ``govmedia/commands/<name>.py``; each exports ``register(subparsers)`` and sets
``func(args) -> int`` on its parser. They are discovered, so adding one touches no shared file
(docs/architecture.md, "Adding a command"). What commands share (exit codes, common options, ``say``) is
in govmedia/commands/__init__.py. Exit codes: 0 no errors, 1 errors found, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

from govmedia import __version__, commands

# What commands and staff tools imported from here before they moved (kept until every caller imports them
# from govmedia.commands or govmedia.findings.message).
from govmedia.commands import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    add_common,
    add_lang,
    iso_date,
    missing_root,
    say,
    unwritable_folder,
)
from govmedia.findings.message import Msg, msg

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "Msg", "add_common", "add_lang", "build_parser", "iso_date",
           "main", "missing_root", "msg", "say", "unwritable_folder"]

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 (README.md, "CLI")
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
