"""One question of a form, and what is purely about asking it: turning typed text into a value.

A :class:`Field` is data: its answer's name (which is also its command-line flag and the key a bot's
answers use), its labels in Chinese and English, its type, where in which document the answer goes, and
the register-dependent parts as small functions of :class:`Env` (default, choices, whether it is asked,
what an answer refers to). Whether a value is *valid* is not decided here: the document models and the
rules say that (govmedia/staff/candidate.py). This module only parses — a yes/no, a number, a list, a
date, a choice typed as its number, its id or its label — and says when text cannot be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from govmedia.findings.message import Msg, text
from govmedia.register.registry import Registry
from govmedia.schemas.governance import Governance

Values = dict[str, Any]  # answer name -> value
Choices = list[tuple[str, str]]  # (id, label)
TYPES = ("str", "bool", "int", "list", "date", "choice")
_TRUE = {"是", "y", "yes", "true", "1", "对", "开", "开启"}
_FALSE = {"否", "n", "no", "false", "0", "不", "关", "关闭"}
_LIST_SEP = re.compile(r"[,，、;；]")


@dataclass
class Env:
    """What the questions may know: the loaded register, its governance, the date and the user's language."""

    registry: Registry
    governance: Governance
    today: date
    lang: str = "zh"

    def stage_title(self, stage: str) -> str:
        s = self.governance.stages.get(stage)
        return s.title if s else stage

    def reviewers_of(self, stage: str, unit_id: str | None) -> list[str]:
        s = self.governance.stages.get(stage)
        if s is None:
            return []
        if s.from_unit and unit_id:
            unit = self.registry.units.get(unit_id)
            if unit and unit.record:
                return list(unit.record.model.reviewers)
        return list(s.reviewers)


Default = Callable[[Env, Values], Any]
ChoiceList = Callable[[Env, Values], Choices]
Condition = Callable[[Env, Values], bool]
Lookup = Callable[[Env, Values, Any], Msg | None]


@dataclass(frozen=True)
class Field:
    """One question. ``to`` is ``<document>.<dotted path>`` (``account.verification.subject``), or empty
    for an answer that names a file or folder instead (a unit id, a date in a folder name)."""

    name: str
    zh: str
    en: str
    to: str = ""
    type: str = "str"  # one of TYPES
    required: bool = True
    default: Default | None = None
    choices: ChoiceList | None = None  # for "choice": the only values; otherwise listed as suggestions
    when: Condition | None = None  # asked only when this holds for the answers so far
    refers: Lookup | None = None  # what the answer names must be in the register (a unit, an account)
    per_action: bool = False  # asked only when the chosen action lists it (see forms.Action)
    place: str = ""  # for an answer that names a file or folder: the file's path, {name} for the answers
    hint: str = ""
    hint_en: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def document(self) -> str:
        return self.to.split(".", 1)[0] if self.to else ""

    @property
    def path(self) -> tuple[str, ...]:
        """Where the answer goes inside its document."""
        return tuple(self.to.split(".")[1:]) if self.to else ()

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" or not self.en else self.en

    def hint_in(self, lang: str) -> str:
        return self.hint if lang == "zh" or not self.hint_en else self.hint_en


def choose(given: str, choices: Choices, numbered: bool = False) -> str | None:
    """The id of the choice ``given`` names: its id, its label (as displayed, in either language's table),
    or — where the list was shown numbered — its number. None if it names none."""
    wanted = given.strip()
    for value, _ in choices:
        if wanted == value:
            return value
    folded = wanted.casefold()
    for value, label in choices:
        if folded and folded in (label.strip().casefold(), value.casefold()):
            return value
    if numbered and wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1][0]
    return None


def parse(field: Field, given: str, choices: Choices | None = None, numbered: bool = False) -> tuple[Any, Msg | None]:
    """Turn typed text into a value of the field's type, or say what is expected."""
    given = given.strip()
    if field.type == "bool":
        low = given.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, text("answer.bool")
    if field.type == "int":
        if re.fullmatch(r"[0-9]{1,6}", given):
            return int(given), None
        return None, text("answer.int")
    if field.type == "list":
        return [p.strip() for p in _LIST_SEP.split(given) if p.strip()], None
    if field.type == "date":
        try:
            date.fromisoformat(given)
        except ValueError:
            return None, text("answer.date", day=date.today().isoformat())
        return given, None
    if choices:
        chosen = choose(given, choices, numbered)
        if chosen is not None:
            return chosen, None
        if field.type == "choice" and field.refers is None:  # a reference says itself what is wrong
            return None, not_a_choice(field, choices)
    return given, None


def not_a_choice(field: Field, choices: Choices) -> Msg:
    ids = [v for v, _ in choices]
    return Msg(text("answer.choice", label=field.zh, listed="、".join(ids)).zh,
               text("answer.choice", label=field.label("en"), listed=", ".join(ids)).en)


def empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def shown(value: Any, lang: str) -> str:
    """An answer as a prompt shows it back (a default in brackets, a value in a message)."""
    if isinstance(value, bool):
        return text("word.yes" if value else "word.no").get(lang)
    if isinstance(value, list):
        return text("word.list_sep").get(lang).join(str(v) for v in value)
    return str(value)


def safe_name(value: Any) -> Msg | None:
    """An answer that becomes a file or folder name must be one name: never a way out of the register."""
    given = str(value)
    if not given or given in (".", "..") or any(c in given for c in "/\\\0"):
        return text("answer.safe_name", given=given)
    return None
