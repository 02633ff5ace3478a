"""Types shared by every document model.

Every model is strict and forbids unknown keys. Values come from our own YAML loader
(``govmedia/dialect/yamlload.py``), which yields only ``str``, ``int``, ``float``, ``bool``, ``None``,
``list`` and ``dict``: dates arrive as ISO strings and are parsed here, strictly.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

import re2
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX = 64
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Real-person and post names: short single-line text.
_NAME_MAX = 64


def problem(field: str, zh: str, en: str) -> ValueError:
    """A validation error that names the field it is about and says the fix in both languages.

    govmedia/register/schema_errors.py turns it into a finding at that field's line with the Chinese text.
    """
    return ValueError(f"{field}::{zh}::{en}")


def _parse_iso_date(value: Any) -> Any:
    """Accept ``YYYY-MM-DD`` strings only (and dates built in code)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("date must be a quoted or plain ISO date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:  # e.g. 2024-02-30
        raise ValueError(f"not a calendar date: {value}") from exc


IsoDate = Annotated[
    date,
    BeforeValidator(_parse_iso_date),
    Field(json_schema_extra={"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}),
]


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise problem("", "只能写一行：请删除换行", "must be a single line: remove the line breaks")
    if value != value.strip():
        raise problem("", "首尾不能有空格：请删除", "must not start or end with spaces: remove them")
    return value


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX)]
# Stage and platform ids are snake_case (unit_head, wechat_official).
KEY_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=ID_MAX)]
Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_single_line)]
ShortLine = Annotated[str, Field(min_length=1, max_length=_NAME_MAX), AfterValidator(_single_line)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Reviewer = Annotated[str, Field(pattern=r"^@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$")]
# A user name on the code host (a GitHub login, a GitLab username), without the "@".
Login = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=_NAME_MAX)]
# The pattern is valid in both Python's and ECMA-262's regex dialects (JSON Schema validators and editors use the
# latter, which refuses needless escapes such as \" inside a class).
HttpsUrl = Annotated[str, Field(pattern="^https://[^\\s<>\"'`]+$", max_length=500)]
Uscc = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_single_line)]

# The actions of an account's requests (a request folder is ``<date>-<action>``), in the order requests of the
# same day are read: a registration records what an account was before anything else happens to it.
ACTIONS = ("register", "open", "change", "exit", "close")


def public(**extra: Any) -> dict[str, Any]:
    """``json_schema_extra`` marking a field as published on the site and in open data."""
    return {"x-public": True, **extra}


class Strict(BaseModel):
    """Base of every document model: strict types, unknown keys forbidden, frozen."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
        validate_default=False,
    )


class Person(Strict):
    """A named office holder (never a private contact detail)."""

    name: ShortLine
    title: ShortLine


class LinearRegex:
    """A pattern compiled by RE2. RE2 matches UTF-8 only: a text that cannot be encoded (the surrogates that
    stand for bytes of a name or value that is not UTF-8) matches nothing, instead of raising."""

    def __init__(self, compiled: Any) -> None:
        self._re = compiled

    def fullmatch(self, text: str) -> Any:
        try:
            return self._re.fullmatch(text)
        except UnicodeEncodeError:
            return None

    def match(self, text: str) -> Any:
        try:
            return self._re.match(text)
        except UnicodeEncodeError:
            return None


@lru_cache(maxsize=1024)
def linear_regex(pattern: str, dot_nl: bool = False) -> LinearRegex:
    """``pattern`` compiled by RE2, which matches in time linear in the text. Patterns that come from the
    register (platform id formats in governance.yaml, CODEOWNERS lines) are compiled here, never by ``re``,
    whose backtracking turns ``(a+)+$`` or ``*a*a*a*a*a*a*a*aZ`` into a hang. ``dot_nl``: ``.`` matches a
    newline too (``re.DOTALL``). Raises ``re2.error`` for what RE2 cannot match that way."""
    options = re2.Options()
    options.log_errors = False
    options.dot_nl = dot_nl
    return LinearRegex(re2.compile(pattern, options=options))
