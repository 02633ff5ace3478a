"""CODEOWNERS: who must approve a merge request that touches a path.

Two halves:

* :func:`generate` writes ``.github/CODEOWNERS`` from governance.yaml and each unit.yaml
  (``govmedia codeowners``). Order matters because the last matching pattern wins: a default
  owner first, then the approval files of ``from_unit`` stages (for a folder without a valid unit.yaml),
  then each unit's folder (which names its reviewers for those files too), then the approval files of
  every other stage, then the files that define the rules.
* :func:`parse` and :func:`owners` replay GitHub's semantics for GM604: gitignore-style patterns
  (a leading or inner ``/`` anchors to the root, ``*`` and ``?`` never cross ``/``, ``**`` spans
  folders, a pattern names a file or everything below a folder — except that a last segment with a
  wildcard, as in ``docs/*``, names only that level), the last matching line wins,
  and lines GitHub would skip as invalid (``!`` negation, ``[...]`` ranges, ``\\`` escapes,
  malformed owners) are skipped here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Any, cast

import re2

from govmedia.register.registry import Registry
from govmedia.schemas import Governance
from govmedia.schemas.common import linear_regex

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's search order
GITLAB_LOCATIONS = ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")  # GitLab's search order
TARGET = ".github/CODEOWNERS"
GITLAB_TARGET = ".gitlab/CODEOWNERS"  # written too with `govmedia codeowners --gitlab` (GitLab ignores .github/)
HEADER = "# generated — run `govmedia codeowners` (from policies/governance.yaml and accounts/*/unit.yaml); do not edit"
# Files that define who approves and what is checked: owned by the district office.
RULE_FILES = ("/policies/", "/schemas/", "/govmedia/", "/announcements/", "/mkdocs.yml",
              "/.github/", "/.github/CODEOWNERS", "/.gitlab/", "/.gitlab-ci.yml", "/.pre-commit-config.yaml",
              "/.pre-commit-hooks.yaml", "/pyproject.toml")

_OWNER = re.compile(r"^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")


class _Never:
    """The compiled form of a line RE2 cannot compile (a lone surrogate, a pattern too large): no path."""

    @staticmethod
    def match(path: str) -> None:
        return None


# A pattern of more names, or longer, than a register's paths could need is not replayed: GM604 reports the
# line (a hostile line of thousands of ``**`` would otherwise cost minutes, or fail to compile and be
# passed over while GitHub applies it).
PATTERN_MAX_NAMES = 32
PATTERN_MAX_CHARS = 1024


@dataclass(frozen=True)
class Rule:
    line: int  # 1-based line in the CODEOWNERS file
    pattern: str
    owners: tuple[str, ...]
    section: str = ""  # GitLab: the section (its name, folded) the line belongs to
    optional: bool = False  # GitLab: in an optional section (^[Name]): its approval is not required
    exclude: bool = False  # GitLab: an exclusion (!pattern)
    gitlab: bool = False  # read as GitLab reads it: [...] classes are patterns, not invalid lines

    @cached_property
    def head(self) -> tuple[str, ...]:
        """The leading folder names an anchored pattern spells out without wildcards (() otherwise)."""
        body = self.pattern.strip("/")
        if not (self.pattern.startswith("/") or "/" in body):
            return ()
        head: list[str] = []
        for part in body.split("/"):
            if any(ch in part for ch in WILD):
                break
            head.append(part)
        return tuple(head)

    @cached_property
    def owner_set(self) -> frozenset[str]:
        return frozenset(self.owners)

    @cached_property
    def source(self) -> str | None:
        """The regular expression of the pattern (:func:`_translate`), built on first use."""
        return _translate(self.pattern, self.gitlab)

    @staticmethod
    def segment_source(part: str) -> str:
        """The regular expression of one name of a pattern (no ``/``)."""
        return _segment(part.replace("**", "*"))

    @cached_property
    def segments(self) -> frozenset[str]:
        """The pattern's folder and file names without a wildcard: a path it matches has each as one of its
        own names (a test that spares most calls into RE2)."""
        return frozenset(p for p in self.pattern.strip("/").split("/") if not any(ch in p for ch in WILD))

    @cached_property
    def whole(self) -> tuple[tuple[str, ...], bool, bool] | None:
        """(names, anchored, folder only) of a pattern whose wildcards are whole names (``*``, ``**``) or that
        has none, as every line of a generated CODEOWNERS: matched name by name, without RE2. None otherwise."""
        body = self.pattern.strip("/")
        names = tuple(body.split("/"))
        if any(p not in ("*", "**") and any(ch in p for ch in WILD) for p in names):
            return None
        return names, self.pattern.startswith("/") or "/" in body, self.pattern.endswith("/")

    @cached_property
    def too_complex(self) -> bool:
        """More names or characters than any register path needs: reported by GM604, never replayed."""
        return len(self.pattern) > PATTERN_MAX_CHARS or self.pattern.count("/") > PATTERN_MAX_NAMES

    def matches(self, path: str, parts: list[str], names: frozenset[str] | set[str]) -> bool:
        """Whether the line names ``path``, whose names are ``parts`` (``path.split("/")``), as a set ``names``:
        the same answer as its regular expression (tests/test_codeowners.py compares them). A line that is
        :attr:`too_complex` names nothing here (GM604 reports it)."""
        if self.too_complex or not self.segments <= names:
            return False
        names_, anchored, folder, globs = self.shape
        return _names_match(names_, anchored, folder, parts, globs)

    @cached_property
    def shape(self) -> tuple[tuple[str, ...], bool, bool, tuple[Glob | None, ...]]:
        """(names, anchored, folder only, each name's glob or None): what :func:`_names_match` walks."""
        body = self.pattern.strip("/")
        names = tuple(body.split("/"))
        globs = tuple(None if p in ("*", "**") or not any(ch in p for ch in WILD) else Glob.of(p) for p in names)
        return names, self.pattern.startswith("/") or "/" in body, self.pattern.endswith("/"), globs

    @cached_property
    def regex(self) -> Any:
        """Compiled by RE2 on first use: a one-file check of a register of thousands of units tries only
        the lines of the units it loaded. One that GitHub could not match either matches nothing."""
        source = self.source
        if source is None:
            return _Never()
        try:
            return _compiled(source)
        except (re2.error, UnicodeError):
            return _Never()


def office_stage(gov: Governance) -> str:
    """The stage that speaks for the district office: ``district_office``, or else the first stage
    of the open chain that is not a unit's own (from_unit) stage, or else the first stage."""
    if "district_office" in gov.stages:
        return "district_office"
    for stage in gov.chain("open"):
        if not gov.stages[stage].from_unit:
            return stage
    return next(iter(gov.stages))


def unit_reviewers(registry: Registry) -> dict[str, list[str]]:
    return {uid: list(u.record.model.reviewers) for uid, u in sorted(registry.units.items())
            if u.record is not None}


def generate(gov: Governance, units: dict[str, list[str]]) -> str:
    """The text of .github/CODEOWNERS for this governance and these units' reviewers."""
    office = " ".join(gov.stages[office_stage(gov)].reviewers)
    out = [HEADER, "# GitHub applies the LAST matching line. Review follows paths (审核随路径)：", "",
           "# Default: the district office (区政府办公室) owns everything not named below.", f"* {office}"]
    unit_stages = [(sid, st) for sid, st in gov.stages.items() if st.from_unit]
    if unit_stages:
        # Before the unit folders, which override them: a unit's own folder line names its reviewers for
        # these files (one line a unit, not two: 25,000 units stay under GitHub's 3 MB).
        out += ["", "# Stages that speak for a unit: that unit's reviewers (its folder line below); these lines "
                "serve a folder without a valid unit.yaml."]
        out += [f"/accounts/**/requests/*/{sid}.yaml {' '.join(st.reviewers)}".rstrip() for sid, st in unit_stages]
    out += ["", "# Each host unit owns its folder: unit.yaml, accounts and requests (第七条（一）)."]
    for uid, reviewers in units.items():
        out.append(f"/accounts/{uid}/ {' '.join(reviewers)}")
    out += ["", "# Each stage owns its approval files (第七条（二）、第八条)."]
    for stage_id, stage in gov.stages.items():
        if not stage.from_unit:
            out.append(f"/accounts/**/requests/*/{stage_id}.yaml {' '.join(stage.reviewers)}".rstrip())
    out += ["", "# What decides who approves and what is checked: the district office."]
    out += [f"{path} {office}" for path in RULE_FILES]
    return "\n".join(out) + "\n"


def _names_match(pattern: tuple[str, ...], anchored: bool, folder: bool, names: list[str],
                 globs: tuple[Glob | None, ...] | None = None) -> bool:
    """:func:`_translate`'s expression for a pattern of whole names, decided name by name: a literal is one
    equal name, ``*`` any one name, ``**`` any number of whole names (at the end: at least one more, unless it
    is the whole pattern); unanchored, it may start at any name; after it, a folder pattern needs one more
    name, a pattern ending in ``*`` none, any other any number. The positions reachable are tracked as a set,
    so the cost is (pattern x path) steps, not one per way of splitting the path."""
    n = len(names)
    if pattern == ("**",):
        return True
    reach = {0} if anchored else set(range(n))
    last = len(pattern) - 1
    for i, part in enumerate(pattern):
        if part == "**":  # from the first position reached, any number of names: one step, not one per position
            start = min(reach)
            after = ({n} if start < n else set()) if i == last else set(range(start, n + 1))
        else:
            glob = globs[i] if globs is not None else None
            if glob is None:
                after = {j + 1 for j in reach if j < n and (part == "*" or part == names[j])}
            else:
                after = {j + 1 for j in reach if j < n and glob.match(names[j])}
        if not after:
            return False
        reach = after
    if pattern[-1] == "**":
        return n in reach
    if folder:
        return any(j < n for j in reach)
    if any(ch in pattern[-1] for ch in WILD):
        return n in reach
    return True


class Glob:
    """One name of a pattern with ``*``, ``?`` or ``[...]`` (ranges ``a-z``, ``!``/``^`` negation), matched by
    the two-pointer algorithm: (pattern x name) steps at worst, however many ``*`` a hostile line has. The
    literal head and tail are compared first, which settles most names at once."""

    __slots__ = ("chunks", "head", "least", "plain", "tail", "tokens")
    STAR = "*"
    ANY = "?"

    def __init__(self, tokens: tuple[object, ...]) -> None:
        self.tokens = tokens
        self.head = "".join(t for t in _takewhile_str(tokens))
        self.tail = "".join(reversed(list(_takewhile_str(tuple(reversed(tokens))))))
        self.least = sum(1 for t in tokens if t is not Glob.STAR)
        # only literal characters and *: the literal runs, found in order, decide (str.find, linear)
        self.plain = all(t is Glob.STAR or (isinstance(t, str) and t not in ("*", "?")) for t in tokens)
        runs, run = [], ""
        for t in tokens:
            if isinstance(t, str) and t not in ("*", "?"):
                run += t
            else:
                runs.append(run)
                run = ""
        runs.append(run)
        self.chunks = tuple(r for r in runs if r)
    @staticmethod
    def of(part: str) -> Glob:
        tokens: list[object] = []
        i = 0
        while i < len(part):
            m = _CLASS.match(part, i) if part[i] == "[" else None
            if m is not None:
                tokens.append((_ranges(m.group(2)), bool(m.group(1))))
                i = m.end()
                continue
            ch = part[i]
            if ch == "*":
                if not tokens or tokens[-1] is not Glob.STAR:
                    tokens.append(Glob.STAR)
            elif ch == "?":
                tokens.append(Glob.ANY)
            else:
                tokens.append(ch)
            i += 1
        return Glob(tuple(tokens))

    def match(self, name: str) -> bool:
        if len(name) < self.least or not name.startswith(self.head) or not name.endswith(self.tail):
            return False
        if any(chunk not in name for chunk in self.chunks):
            return False
        if self.plain:
            return self._plain(name)
        tokens, p, s, star, mark = self.tokens, 0, 0, -1, 0
        while s < len(name):
            if p < len(tokens) and tokens[p] is Glob.STAR:
                star, mark, p = p, s, p + 1
            elif p < len(tokens) and _one(tokens[p], name[s]):
                p, s = p + 1, s + 1
            elif star >= 0:
                mark += 1
                p, s = star + 1, mark
            else:
                return False
        while p < len(tokens) and tokens[p] is Glob.STAR:
            p += 1
        return p == len(tokens)

    def _plain(self, name: str) -> bool:
        """Literal runs separated by ``*``: the head at the start, the tail at the end, the runs between found
        leftmost in order (leftmost is always right for ``*``)."""
        if self.tokens and self.tokens[0] is not Glob.STAR and Glob.STAR not in self.tokens:
            return name == self.head
        chunks = list(self.chunks)
        start = len(self.head)
        end = len(name) - len(self.tail)
        if start > end:
            return False
        if self.head:
            chunks = chunks[1:]
        if self.tail:
            chunks = chunks[:-1]
        for chunk in chunks:
            found = name.find(chunk, start, end)
            if found < 0:
                return False
            start = found + len(chunk)
        return True


def _takewhile_str(tokens: tuple[object, ...]) -> Iterable[str]:
    """The literal characters a glob's tokens start with (``*`` and ``?`` are never literal tokens)."""
    for t in tokens:
        if not isinstance(t, str) or t in ("*", "?"):
            return
        yield t


def _one(token: object, ch: str) -> bool:
    if token is Glob.ANY:
        return True
    if isinstance(token, str):
        return token == ch
    ranges, negated = cast("tuple[tuple[tuple[str, str], ...], bool]", token)
    return any(lo <= ch <= hi for lo, hi in ranges) != negated


def _ranges(body: str) -> tuple[tuple[str, str], ...]:
    """A class's characters and ``a-z`` ranges."""
    out, i = [], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out.append((body[i], body[i + 2]))
            i += 3
        else:
            out.append((body[i], body[i]))
            i += 1
    return tuple(out)


WILD = "*?["  # what makes a name a wildcard: GitLab reads [...] classes too (GitHub skips such a line)
_CLASS = re.compile(r"\[(!|\^)?([^\]/]+)\]")


def _valid(pattern: str, gitlab: bool = False) -> bool:
    """Whether GitHub reads the pattern (no negation, range or escape, no ``***``, not only slashes); GitLab
    reads ``[...]`` classes (exclusions are parsed before)."""
    if gitlab:
        return "***" not in pattern and bool(pattern.strip("/")) and "\\" not in pattern
    return not (pattern.startswith("!") or any(ch in pattern for ch in "[]\\") or "***" in pattern
                or not pattern.strip("/"))


def _segment(part: str) -> str:
    """One name of a pattern as a regular expression: ``*``, ``?`` and ``[...]`` (``[!...]`` negated)."""
    out, i = [], 0
    while i < len(part):
        m = _CLASS.match(part, i) if part[i] == "[" else None
        if m is not None:
            items = "".join(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}"
                            for lo, hi in _ranges(m.group(2)) if lo <= hi)
            out.append(("[^/" if m.group(1) else "[") + items + "]" if items else ("[^/]" if m.group(1) else "(?!)"))
            i = m.end()
            continue
        ch = part[i]
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def _translate(pattern: str, gitlab: bool = False) -> str | None:
    """A regular expression for a CODEOWNERS pattern (matching a path or a folder above it)."""
    if not _valid(pattern, gitlab):
        return None
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    parts = body.split("/")
    regex = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:.*/)?"
            continue
        if "**" in part:  # a ** inside a name acts like *
            part = part.replace("**", "*")
        regex += _segment(part) + ("" if last else "/")
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern names a file, or a folder and everything below it; with a trailing / only a folder.
    # GitHub: ``docs/*`` names the files directly in docs/, not those in its subfolders.
    wild_last = any(ch in parts[-1] for ch in WILD)
    suffix = "/.*" if directory else "" if wild_last else "(?:/.*)?"
    if regex.endswith(".*") and parts[-1] == "**":
        suffix = ""
    return f"^{prefix}{regex}{suffix}$"


_BLANK = re.compile(r"[ \t\v\f\r]+")  # the ASCII spaces GitHub and GitLab split on (not U+00A0, U+3000 …)


def source_lines(text: str) -> list[str]:
    """The file's lines as GitHub and GitLab read them: split at ``\n`` only (a trailing ``\r`` dropped). Python's
    ``splitlines`` would also split at U+2028, U+0085 or a form feed, where both forges see one line."""
    return [raw[:-1] if raw.endswith("\r") else raw for raw in text.split("\n")]


def tokens(line: str) -> list[str]:
    """A line's words, split at ASCII spaces only: a no-break space is part of a word, as for the forges."""
    return [t for t in _BLANK.split(line) if t]


def parse(text: str) -> tuple[list[Rule], list[int]]:
    """The valid rules in file order, and the line numbers GitHub would skip as invalid (GitHub's reading:
    ``#`` starts a comment anywhere, ``!`` negation, ``[...]`` and ``\\`` make a line invalid)."""
    rules: list[Rule] = []
    invalid: list[int] = []
    for no, raw in enumerate(source_lines(text), 1):
        words = tokens(raw)
        if not words or words[0].startswith("#"):
            continue
        for i, tok in enumerate(words):
            if tok.startswith("#"):
                words = words[:i]
                break
        pattern, owners = words[0], tuple(words[1:])
        if not _valid(pattern) or not all(_OWNER.match(o) for o in owners):
            invalid.append(no)
            continue
        rules.append(Rule(no, pattern, owners))
    return rules, invalid


def _compiled(regex: str) -> Any:
    """RE2, linear in the path: a hostile line such as ``/accounts/*a*a*a*a*a*a*a*aZ/`` must not hang GM604."""
    return linear_regex(regex, dot_nl=True)


def match(rules: list[Rule], path: str) -> Rule | None:
    """The rule GitHub applies to ``path``: the last one that matches."""
    parts = path.split("/")
    names = set(parts)
    for rule in reversed(rules):
        if rule.matches(path, parts, names):
            return rule
    return None


class Matcher:
    """:func:`match` for many paths: rules indexed by their literal leading folders, so a path is
    only tried against the lines that could name it (one line per unit stays cheap).

    When every line is literal or has only whole-name wildcards (``*``, ``**``: a generated file), which
    line applies to a path depends only on which of its names some line spells out: the answer is kept
    per such shape, so the approval files of one unit and stage cost one lookup between them."""

    SHAPES = 65536  # answers kept, at most

    def __init__(self, rules: list[Rule]) -> None:
        self.by_head: dict[tuple[str, ...], list[Rule]] = {}
        for rule in rules:
            self.by_head.setdefault(rule.head, []).append(rule)
        # the longest heads first: their lines come later in a generated file, so fewer tries
        self.lengths = sorted({len(head) for head in self.by_head}, reverse=True)
        shaped = all(rule.whole is not None for rule in rules)
        # name -> itself for the names some line spells out (None: some line has a partial wildcard)
        self.spelled: dict[str, str] | None = {n: n for r in rules for n in r.segments} if shaped else None
        self.shapes: dict[tuple[str, ...], Rule | None] = {}

    def __call__(self, path: str) -> Rule | None:
        spelled = self.spelled
        if spelled is None:
            return self._find(path)
        shape = tuple(map(spelled.get, path.split("/"), repeat("\0")))  # \0: any name no line spells out
        if shape in self.shapes:
            return self.shapes[shape]
        found = self._find("/".join(shape))
        if len(self.shapes) < self.SHAPES:
            self.shapes[shape] = found
        return found

    def _find(self, path: str) -> Rule | None:
        parts = path.split("/")
        names = set(parts)
        best: Rule | None = None
        for k in self.lengths:
            if k > len(parts):
                continue
            for rule in reversed(self.by_head.get(tuple(parts[:k]), ())):
                if best is not None and rule.line < best.line:
                    break
                if rule.matches(path, parts, names):
                    best = rule
                    break
        return best
