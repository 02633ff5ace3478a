"""CODEOWNERS as GitLab reads it, and the approval files each CODEOWNERS line can name.

GitLab (its CODEOWNERS reference: docs.gitlab.com/user/project/codeowners/reference) reads the first of
``CODEOWNERS``, ``docs/CODEOWNERS``, ``.gitlab/CODEOWNERS``. Beyond GitHub's syntax it has:

* sections: a line ``[Name]``, ``^[Name]`` (optional: its approval is not required), ``[Name][2]`` (two
  approvals), each optionally followed by default owners for the section's lines that name none. Names are
  compared without case and sections of one name are one section. Lines before any header form a section
  of their own. Each section is evaluated on its own: in each, the last matching line applies.
* ``!pattern``: an exclusion: a path that any exclusion of a section matches needs no approval from that
  section.
* owners ``@@developer``, ``@@maintainer``, ``@@owner``: everyone with that role.
* no inline comments: a ``#`` in the middle of a line is part of it (an owner after it still counts).
* patterns may use ``[...]`` character classes (Ruby's ``File.fnmatch``).

:func:`witnesses` answers, for one line, which approval files it can name: the line's segments are aligned
with the shape ``accounts/<unit>/<account>/requests/<folder>/<stage>.yaml`` (``**`` spanning any number of
names), and each free name is filled with a name the line's own segment accepts (for the unit: every
loaded unit it accepts, and one it could name in the future). The matcher itself then decides which line
applies to each such path: no line goes unchecked, whatever its wildcards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from govmedia.history.codeowners import Glob, Matcher, Rule, source_lines, tokens
from govmedia.schemas.common import ACTIONS

_HEADER = re.compile(r"^(\^)?\[([^\]]*)\](?:\[(\d+)\])?(.*)$")
_OWNER = re.compile(r"^(@@(?:developer|maintainer|owner)s?|@[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)*"
                    r"|[^@\s]+@[^@\s]+\.[^@\s]+)$")
SHAPE = ("accounts", None, None, "requests", None, "{stage}.yaml")  # None: a name the path chooses


@dataclass
class Section:
    name: str
    optional: bool
    line: int
    rules: list[Rule] = field(default_factory=list)

    def matcher(self) -> Matcher:
        return Matcher([r for r in self.rules if not r.exclude])


def parse_gitlab(text: str) -> tuple[list[Section], list[int]]:
    """GitLab's sections (file order, duplicates merged) and the lines it cannot read."""
    sections: dict[str, Section] = {}
    current = sections.setdefault("", Section("", False, 0))
    defaults: tuple[str, ...] = ()
    invalid: list[int] = []
    for no, raw in enumerate(source_lines(text), 1):
        line = raw.strip(" \t\v\f\r")
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header is not None:
            name = header.group(2).strip().casefold()
            if not name:
                invalid.append(no)
                continue
            current = sections.setdefault(name, Section(name, bool(header.group(1)), no))
            current.optional = current.optional and bool(header.group(1))
            defaults = tuple(t for t in tokens(header.group(4)) if _OWNER.match(t))
            continue
        words = _joined(tokens(line))
        pattern = words[0]
        exclude = pattern.startswith("!")
        pattern = pattern[1:] if exclude else pattern
        owners = tuple(t for t in words[1:] if _OWNER.match(t)) or (() if exclude else defaults)
        if not pattern.strip("/") or "***" in pattern:
            invalid.append(no)
            continue
        current.rules.append(Rule(no, pattern, owners, section=current.name, optional=current.optional,
                                  exclude=exclude, gitlab=True))
    return [s for s in sections.values() if s.rules], invalid


def _joined(words: list[str]) -> list[str]:
    """``a\\ b`` is one word (an escaped space), as GitLab reads paths with spaces."""
    out: list[str] = []
    for word in words:
        if out and out[-1].endswith("\\") and not out[-1].endswith("\\\\"):
            out[-1] = out[-1][:-1] + " " + word
        else:
            out.append(word)
    return out


class GitLabMatcher:
    """The lines GitLab applies to a path: per section, the last matching line, or an exclusion."""

    def __init__(self, sections: list[Section]) -> None:
        self.parts = [(s, s.matcher(), [r for r in s.rules if r.exclude]) for s in sections]

    def __call__(self, path: str) -> list[Rule]:
        parts = path.split("/")
        names = set(parts)
        out: list[Rule] = []
        for _section, match, exclusions in self.parts:
            excluded = next((r for r in exclusions if r.matches(path, parts, names)), None)
            if excluded is not None:
                out.append(excluded)
                continue
            rule = match(path)
            if rule is not None:
                out.append(rule)
        return out


# -- which approval files can a line name? -----------------------------------------------------------
def _accepts(part: str, name: str, cache: dict[str, Glob]) -> bool:
    """Whether the pattern name ``part`` accepts the path name ``name``."""
    if part in ("*", "**"):
        return True
    if not any(ch in part for ch in "*?["):
        return part == name
    glob = cache.get(part)
    if glob is None:
        glob = cache[part] = Glob.of(part.replace("**", "*"))
    return glob.match(name)


def _one_of(body: str) -> str:
    """A character that the class ``[body]`` accepts."""
    if body[:1] in ("!", "^"):
        return next(ch for ch in "xyz0" if ch not in body[1:])
    return body[:1] or "x"


def _fill(part: str) -> str:
    """A name that the segment ``part`` accepts (each ``*`` empty, each ``?`` ``x``, each class one of its letters)."""
    if part in ("*", "**"):
        return "x"
    out = re.sub(r"\[([^\]]*)\]", lambda m: _one_of(m.group(1)), part)
    return out.replace("*", "").replace("?", "x") or "x"


def _align(parts: list[str], anchored: bool, folder: bool, stage_file: str,
           cache: dict[str, Glob]) -> list[dict[int, str]]:
    """Ways the pattern's names fit the approval-file shape: for each, the pattern segment that each free name
    (positions 1, 2, 4) must match (absent: ``**`` spans it, any name). Dead ends are remembered, so a line of
    many ``**`` costs (segments x 6) steps."""
    shape = [p.format(stage=stage_file[:-5]) if p else None for p in SHAPE]
    seq = ([("**", 0)] if not anchored else []) + [(p, 0) for p in parts]
    wild_last = any(ch in parts[-1] for ch in "*?[")
    if folder:
        seq.append(("**", 1))  # at least one more name below the folder
    elif not wild_last and parts[-1] != "**":
        seq.append(("**", 0))
    n = len(shape)
    if anchored and "**" not in parts:  # most lines: name i of the pattern is name i of the path
        more = folder or (not wild_last)  # the pattern also names what lies below
        if len(parts) > n or (len(parts) == n and folder) or (len(parts) < n and not more):
            return []
        bound: dict[int, str] = {}
        for i, part in enumerate(parts):
            if shape[i] is None:
                bound[i] = part
            elif not _accepts(part, shape[i] or "", cache):
                return []
        return [bound]
    found: list[dict[int, str]] = []
    dead: set[tuple[int, int, bool]] = set()

    def walk(i: int, j: int, bound: dict[int, str], fresh: bool) -> bool:
        if len(found) >= 4 or (i, j, fresh) in dead:
            return False
        ok = False
        if i == len(seq):
            ok = j == n
            if ok:
                found.append(dict(bound))
        elif seq[i][0] == "**":
            if not (seq[i][1] and fresh):
                ok = walk(i + 1, j, bound, True)
            if j < n:
                ok = walk(i, j + 1, bound, False) or ok
        elif j < n:
            part, want = seq[i][0], shape[j]
            if want is not None:
                ok = _accepts(part, want, cache) and walk(i + 1, j + 1, bound, True)
            else:
                bound[j] = part
                ok = walk(i + 1, j + 1, bound, True)
                del bound[j]
        if not ok:
            dead.add((i, j, fresh))
        return ok

    walk(0, 0, {}, True)
    return found


_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FOLDER = re.compile(rf"^\d{{4}}-\d{{2}}-\d{{2}}-({'|'.join(ACTIONS)})$")  # every action an account's request has


def _names(part: str, pos: int, cache: dict[str, Glob]) -> list[str]:
    """Names at a free position (1 unit, 2 account, 4 request folder) that the segment ``part`` accepts and the
    register's layout allows (an id; a ``<date>-<action>`` folder): other names cannot hold an approval file."""
    if pos == 4:
        years = {*re.findall(r"(?<!\d)(\d{4})(?!\d)", part), "2000"}
        months = {*re.findall(r"-(\d{2})(?!\d)", part), "01"}
        pool = [_fill(part)] + [f"{y}-{m}-{d}-{a}" for y in sorted(years) for m in sorted(months)
                                for d in sorted(months | {"01"}) for a in ACTIONS]
        grammar = _FOLDER
    else:
        pool = [_fill(part), _fill(part).lower(), "x", "zz-future-unit"]
        grammar = _ID
    return [name for name in dict.fromkeys(pool) if grammar.match(name) and _accepts(part, name, cache)][:1]


class Witnesses:
    """The approval files a line can name, for one check: the stages and units are fixed, and what a name of
    a pattern accepts is worked out once per distinct name."""

    def __init__(self, stages: list[str], units: list[str]) -> None:
        self.stages = stages
        self.units = units
        self.known = set(units)
        self.globs: dict[str, Glob] = {}
        self.names: dict[tuple[str, int], list[str]] = {}

    def _first(self, part: str, pos: int) -> list[str]:
        key = (part, pos)
        found = self.names.get(key)
        if found is None:
            found = self.names[key] = _names(part, pos, self.globs)
        return found

    def _units(self, part: str) -> list[str]:
        if part == "*":
            named: list[str] = []
        elif not any(ch in part for ch in "*?["):
            named = [part] if part in self.known else []
        else:
            named = [u for u in self.units if _accepts(part, u, self.globs)]
        return [*named, *self._first(part, 1)]

    def __call__(self, rule: Rule) -> Iterator[tuple[str, str, str]]:
        """(path, stage, unit id) of approval files the line names: for each stage, each way its names fit the
        shape; the unit filled with each loaded unit the line accepts and with a name of its own (a future
        unit)."""
        if rule.too_complex:
            return
        parts_, anchored, folder, _globs = rule.shape
        parts = list(parts_)
        for stage in self.stages:
            for bound in _align(parts, anchored, folder, f"{stage}.yaml", self.globs):
                account = self._first(bound.get(2, "*"), 2)
                folder_name = self._first(bound.get(4, "*"), 4)
                if not account or not folder_name:
                    continue
                for uid in dict.fromkeys(self._units(bound.get(1, "*"))):
                    path = f"accounts/{uid}/{account[0]}/requests/{folder_name[0]}/{stage}.yaml"
                    pieces = path.split("/")
                    if rule.matches(path, pieces, set(pieces)):
                        yield path, stage, uid
