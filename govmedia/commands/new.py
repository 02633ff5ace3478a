"""``govmedia new unit|account|request|approval|announcement``: write a new file in the right place.

At a terminal every question is asked (in Chinese, or in English with ``--lang en``); in scripts every
answer is a flag and ``--yes`` never asks. The flags and questions come from the form descriptions
(govmedia/staff/forms.py). Before anything is written the files are put into the loaded register in memory
and checked by the same rules as ``govmedia check`` (govmedia/staff/draft.py): what check would refuse is
refused with check's own code and words, and nothing that exists is ever overwritten.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.commands import EXIT_OK, EXIT_USAGE, add_common, missing_root, say
from govmedia.findings.finding import Finding
from govmedia.findings.message import Msg, text
from govmedia.register.loader import load
from govmedia.staff import draft as dr
from govmedia.staff.candidate import Checker
from govmedia.staff.fields import Env, Field
from govmedia.staff.forms import FORMS, Form, Table
from govmedia.staff.prompt import Ended, interview
from govmedia.staff.steps import after_writing, write

_METAVARS = {"date": "YYYY-MM-DD", "bool": "是|否", "int": "N", "list": "甲,乙", "choice": "编号"}


def _dest(f: Field) -> str:
    return "f_" + f.name


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("new", help="按提示新建单位、账号、申请、审批或公告文件",
                       description="新建一个合规的名录文件，放在正确的位置。在终端中运行时逐项提问；"
                       "在脚本中用参数给出全部内容并加 --yes。")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=type(p))
    kinds.required = True
    for kind, form in FORMS.items():
        sp = kinds.add_parser(kind, help=form.zh, description=form.zh)
        add_common(sp)
        sp.add_argument("--yes", "-y", action="store_true", help="不提问：缺少的必填项直接报错（用于脚本）")
        if kind == "request":
            sp.add_argument("--set", dest="sets", action="append", default=[], metavar="字段=新值",
                            help="变更申请要修改的字段，可重复，如 --set name=王益教育 --set url=https://…")
        for f in form.fields:
            sp.add_argument(f.flag, dest=_dest(f), default=None, action="append" if f.type == "list" else "store",
                            metavar=_metavar(f), help=f.zh + (f"（{f.hint}）" if f.hint else ""))
        sp.set_defaults(func=run)


def _metavar(f: Field) -> str:
    if isinstance(f.choices, Table) and 0 < len(f.choices.keys) <= 5:
        return "|".join(f.choices.keys)
    return _METAVARS.get(f.type, "值")


def _interactive(args: argparse.Namespace) -> bool:
    if args.yes:
        return False
    forced = os.environ.get("GOVMEDIA_INTERACTIVE")
    if forced is not None:
        return forced == "1"
    return sys.stdin.isatty()


def _answers(form: Form, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    """The flags given, as answers (a list flag's repetitions joined; a request folder relative to the root)."""
    out: dict[str, Any] = {}
    for f in form.fields:
        raw = getattr(args, _dest(f), None)
        if raw is not None:
            out[f.name] = "，".join(raw) if isinstance(raw, list) else str(raw)
    if "request" in out:
        out["request"] = _folder(root, out["request"])
    if getattr(args, "sets", None):
        out["set"] = list(args.sets)
    return out


def _folder(root: Path, given: str) -> str:
    """A request folder as the register names it, from a path given relative to here or to the root."""
    path = Path(given)
    full = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        rel = full.relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix().strip("/")
    return rel.rsplit("/", 1)[0] if rel.endswith(".yaml") else rel


def _fail(lines: list[str], lang: str) -> int:
    for line in lines:
        say("new", lang, line)
    print(text("files.none").get(lang), file=sys.stderr)
    return EXIT_USAGE


def _finding_line(f: Finding, lang: str) -> str:
    return text("finding.line", path=f.path, line=f.line, column=f.column, code=f.code,
                message=f.message("en" if lang == "en" else "zh")).get(lang)


def _missing(result: dr.Draft, env: Env) -> str:
    lang = env.lang
    lines = []
    for f in result.missing:
        choices = f.choices(env, result.values) if f.choices is not None and f.type == "choice" else []
        if lang == "zh":
            listed = "、".join(f"{v}（{label}）" for v, label in choices[:12])
            hint = f.hint or (text("word.one_of", listed=listed).zh if listed else "")
        else:
            hint = f.hint_in(lang) or (text("word.one_of", listed=", ".join(v for v, _ in choices[:12])).en
                                       if choices else "")
        lines.append(f"  {f.flag:<24} {f.label(lang)}" + (text("word.hint", hint=hint).get(lang) if hint else ""))
    return text("answer.missing").get(lang) + "\n" + "\n".join(lines)


def refusal(result: dr.Draft, env: Env) -> list[str]:
    """What stops ``result``, one line each: missing answers, unusable answers, then the findings."""
    lang, form = env.lang, result.form
    lines = [_missing(result, env)] if result.missing else []
    for p in result.problems:
        flag = form.field(p.field).flag if p.field in {f.name for f in form.fields} else "--set"
        if p.field is None or p.given is None:
            lines.append((f"{flag} " if p.field else "") + p.message.get(lang))
        elif p.from_default:
            lines.append(text("answer.default", flag=flag, given=p.given, problem=p.message.get(lang)).get(lang))
        else:
            lines.append(text("answer.flag", flag=flag, given=p.given, problem=p.message.get(lang)).get(lang))
    for f in sorted(result.findings, key=lambda f: (f.severity != "error", f.sort_key)):
        name = result.field_of(f)
        flag = (form.field(name).flag if name != "set" else "--set") + " " if name else ""
        lines.append(flag + _finding_line(f, lang))
    return lines


def run(args: argparse.Namespace) -> int:
    lang: str = args.lang
    root = Path(args.root)
    problem = missing_root(root)
    if problem is not None:
        return _fail([problem.get(lang)], lang)
    registry = load(root)
    today = args.today or date.today()
    env = dr.env_for(registry, today, lang)
    if env is None:
        return _fail([text("governance.broken").get(lang)], lang)
    checker = Checker(registry, today)
    form = FORMS[args.kind]
    answers = _answers(form, args, root)
    try:
        result = interview(form, env, checker, answers) if _interactive(args) else dr.draft(form.kind, answers, env, checker)
    except Ended as exc:
        return _fail([exc.message.get(lang)], lang)
    if not result.ok or result.files is None:
        if form.kind == "approval" and "request" not in result.values and not answers.get("request"):
            return _fail([text("request.folder_missing").get(lang)], lang)
        return _fail(refusal(result, env), lang)
    try:
        paths = write(root, result.files)
    except FileExistsError as exc:
        return _fail([Msg(*exc.args).get(lang) if len(exc.args) == 2 else str(exc)], lang)
    after_writing(result, env, paths, [_finding_line(f, lang) for f in result.findings],
                  [_finding_line(f, lang) for f in result.elsewhere])
    return EXIT_OK
