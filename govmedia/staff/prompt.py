"""Asking at a terminal: one question at a time, each answer re-asked until it can be used.

A question shows its choices numbered (a choice may be typed as its number, its id or the label shown),
its hint and its default. An answer is parsed and, where it fills a document, read by the document model
at once; once every question is answered the files are checked by the rules
(govmedia/staff/draft.check), and each field a finding points at is asked again, with the finding's
words, until the rules accept the files or the input ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govmedia.findings.message import Msg, text
from govmedia.staff import draft as dr
from govmedia.staff.candidate import Checker
from govmedia.staff.fields import Env, Field, Values, empty, shown
from govmedia.staff.forms import ACTIONS, Form

ROUNDS = 20  # the rules are asked at most this often before the form gives up


class Ended(Exception):
    """The input ended (Ctrl-D) before the form was answered."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.zh)
        self.message = message


def _retry(problem: Msg, lang: str) -> None:
    print(text("answer.retry", problem=problem.get(lang)).get(lang))


def _read(prompt: str, f: Field | None, lang: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        label = f.label(lang) if f is not None else ""
        raise Ended(Msg(text("answer.ended", label=f.zh if f else "").zh,
                        text("answer.ended", label=label).en)) from None


def ask(form: Form, f: Field, env: Env, checker: Checker, values: Values) -> Any:
    """Ask ``f`` until its answer can be used; returns the value (None: an optional field left empty)."""
    lang = env.lang
    choices = f.choices(env, values) if f.choices is not None else None
    colon = text("word.colon").get(lang)
    listed = bool(choices) and (f.type == "choice" or len(choices or []) <= 30)
    if listed:
        print(f"{f.label(lang)}{colon}", flush=True)
        for i, (value, label) in enumerate(choices or [], 1):
            print(f"  {i}) {value}  {label}")
    hint = f.hint_in(lang)
    hint = text("word.hint", hint=hint).get(lang) if hint else ""
    fallback = dr.default(f, env, values)
    bracket = f" [{shown(fallback, lang)}]" if not empty(fallback) else ""
    while True:
        typed = _read(f"{f.label(lang)}{hint}{bracket}{colon}", f, lang)
        if not typed and not empty(fallback):
            value, problem = dr.accept(f, env, values, fallback)
        elif not typed and not dr.required(f, values):
            return None
        else:
            value, problem = dr.accept(f, env, values, typed, numbered=listed)
        if problem is None and value is not None:
            problem = dr.document_problem(form, f, env, checker, {**values, f.name: value})
        if problem is None:
            return value
        _retry(problem, lang)


def _change_lines(env: Env) -> list[str]:
    print(text("change.prompt").get(env.lang))
    lines = []
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if not line:
            break
        lines.append(line)
    return lines


def interview(form: Form, env: Env, checker: Checker, given: Mapping[str, Any]) -> dr.Draft:
    """Every question of ``form``: answered by ``given`` (flags) where it can be used, else asked."""
    result = dr.Draft(form, {})
    values = result.values
    for f in form.fields:
        if not dr.asked(form, f, env, values):
            continue
        value = None
        if not empty(given.get(f.name)):
            value, problem = dr.accept(f, env, values, given[f.name])
            if problem is not None:
                print(text("answer.flag", flag=f.flag, given=given[f.name], problem=problem.get(env.lang)).get(env.lang))
        if value is None:
            value = ask(form, f, env, checker, values)
        if value is not None:
            values[f.name] = value
    answers: dict[str, Any] = {"set": list(given.get("set") or [])}
    action = ACTIONS.get(str(values.get("action")))
    if form.kind == "request" and action is not None and action.changes and not answers["set"]:
        answers["set"] = _change_lines(env)
    dr.changes(result, env, answers)
    return _settle(result, env, checker)


def _settle(result: dr.Draft, env: Env, checker: Checker) -> dr.Draft:
    """Check the files; ask again each field that a problem or an error finding points at."""
    form = result.form
    for _ in range(ROUNDS):
        if result.missing or any(p.field is None for p in result.problems):
            return result
        result = dr.check(result, env, checker)
        refused = result.refused()
        unplaced = [f for f in result.findings if f.severity == "error" and f not in result.blame]
        if not refused or unplaced or "set" in refused:
            return result
        for name, problems in refused.items():
            for problem in problems:
                _retry(problem, env.lang)
            result.values[name] = ask(form, form.field(name), env, checker, result.values)
        result = dr.Draft(form, result.values)
    return result
