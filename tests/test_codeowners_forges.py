"""CODEOWNERS read exactly as GitHub and GitLab read it, every line checked, in bounded time.

Sources of the syntax: GitHub's "About code owners" (docs.github.com/en/repositories/managing-your-repositorys-
settings-and-features/customizing-your-repository/about-code-owners: `!`, `[ ]` and `\\#` make a line
invalid; files over 3 MB are ignored; .github/, root, docs/ in that order) and GitLab's "Syntax of CODEOWNERS
file" (docs.gitlab.com/user/project/codeowners/reference: sections `[Name]`, `^[Name]`, `[Name][N]`, default
owners, `!` exclusions, `@@role` owners, no inline comments; root, docs/, .gitlab/ in that order).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from govmedia.cli import main
from govmedia.history.codeowners import GITLAB_TARGET, TARGET, parse
from govmedia.history.owners import GitLabMatcher, parse_gitlab

from .conftest import run_check

CITY = "accounts/wangyi-health/weibo/requests/2031-01-01-change/city_office.yaml"


@pytest.fixture
def register(make_register: Callable[..., Path]) -> Path:
    root = make_register()
    assert main(["codeowners", "--root", str(root)]) == 0
    return root


def _gm604(root: Path) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in run_check(root) if f.code == "GM604"]


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# -- line and word separators: as the forges, not as Python --------------------------------------
def test_u2028_does_not_split_a_line() -> None:
    rules, invalid = parse("/a/ @x\u2028/b/ @y\n")
    assert [r.pattern for r in rules] == [] and invalid == [1]  # one line, an invalid owner in it


def test_no_break_space_does_not_separate_words() -> None:
    rules, invalid = parse("/accounts/\u00a0@evil @ok\n")
    assert [(r.pattern, r.owners) for r in rules] == [("/accounts/\u00a0@evil", ("@ok",))] and invalid == []


STAGE_LINE = "/accounts/**/requests/*/city_office.yaml @wangyi-gov/city-office"


@pytest.mark.parametrize("hidden", [
    "/accounts/nothing @x\u2028" + STAGE_LINE,  # one line for GitHub: an invalid owner, so skipped
    STAGE_LINE.replace(" @", "\u00a0@"),  # one word for GitHub: a pattern naming nothing, no owner
])
def test_a_stage_line_the_forges_do_not_read_is_caught(register: Path, hidden: str) -> None:
    """Python's splitlines and split would read the city office's line; GitHub does not, so the city office's
    approval files fall to the unit folders' lines."""
    path = register / TARGET
    text = path.read_text(encoding="utf-8")
    assert STAGE_LINE + "\n" in text
    path.write_text(text.replace(STAGE_LINE + "\n", hidden + "\n"), encoding="utf-8")
    assert any(p == TARGET for p, _ in _gm604(register))


# -- lines the replay never sampled are checked by the matcher ------------------------------------
@pytest.mark.parametrize("line", [
    "/accounts/*/*/requests/*/city_o*.yaml @evil",
    "/accounts/**/requests/2031-*/city_office.yaml @evil",
    "/accounts/wangyi-he*/**/city_office.yaml @evil",
    "**/city_offic?.yaml @evil",
    "*.yaml @evil",
    "/accounts/*/*/requests/*-register/district_office.yaml @evil",  # the approvals of registrations
    "/accounts/**/requests/2031-*-reg*/*.yaml @evil",
])
def test_partial_wildcards_are_checked(register: Path, line: str) -> None:
    _append(register, TARGET, line + "\n")
    last = len((register / TARGET).read_text(encoding="utf-8").split("\n")) - 1
    assert (TARGET, last) in _gm604(register)


def test_a_partial_wildcard_on_other_files_is_fine(register: Path) -> None:
    _append(register, TARGET, "/docs/*.md @wangyi-gov/district-office\n")
    assert _gm604(register) == []


# -- GitLab's reading -------------------------------------------------------------------------------
def _gitlab(register: Path) -> None:
    assert main(["codeowners", "--root", str(register), "--gitlab"]) == 0
    assert _gm604(register) == []


def test_gitlab_sections_are_evaluated_each(register: Path) -> None:
    _gitlab(register)
    _append(register, GITLAB_TARGET, "[Shortcut]\n/accounts/**/requests/*/city_office.yaml @evil\n")
    assert any(path == GITLAB_TARGET for path, _ in _gm604(register))


def test_gitlab_exclusion_frees_approval_files(register: Path) -> None:
    _gitlab(register)
    _append(register, GITLAB_TARGET, "!/accounts/**/city_office.yaml\n")
    assert any(path == GITLAB_TARGET for path, _ in _gm604(register))


def test_gitlab_optional_section_alone_is_not_enough() -> None:
    sections, _ = parse_gitlab("^[Optional]\n/accounts/ @a\n")
    found = GitLabMatcher(sections)("accounts/x/y/requests/2026-01-01-open/city_office.yaml")
    assert [r.optional for r in found] == [True]


def test_gitlab_role_owner_and_section_defaults(register: Path) -> None:
    _gitlab(register)
    _append(register, GITLAB_TARGET, "[Roles] @@developer\n/accounts/**/requests/*/city_office.yaml\n")
    assert any(path == GITLAB_TARGET for path, _ in _gm604(register))
    sections, _ = parse_gitlab("[Roles] @@developer\n/x/\n")
    assert sections[0].rules[0].owners == ("@@developer",)


def test_gitlab_has_no_inline_comments() -> None:
    sections, _ = parse_gitlab("/x/ @a # @b\n")
    assert sections[0].rules[0].owners == ("@a", "@b")


def test_gitlab_character_classes_match() -> None:
    sections, _ = parse_gitlab("/accounts/**/city_offic[e].yaml @evil\n")
    assert GitLabMatcher(sections)("accounts/u/a/requests/2026-01-01-open/city_office.yaml")


def test_gitlab_reads_a_root_codeowners_first(register: Path) -> None:
    """GitHub reads .github/CODEOWNERS; GitLab reads a root CODEOWNERS before .gitlab/: both are checked."""
    _gitlab(register)
    (register / "CODEOWNERS").write_text("* @evil\n", encoding="utf-8")
    assert any(path == "CODEOWNERS" for path, _ in _gm604(register))


# -- bounded time -------------------------------------------------------------------------------
def test_six_thousand_partial_wildcard_lines_are_refused_quickly(register: Path) -> None:
    lines = "".join(f"/accounts/*a{i}*b*/*c*/requests/*-open/city_o*.yaml @o{i}\n" for i in range(6000))
    _append(register, TARGET, lines)
    start = time.monotonic()
    found = _gm604(register)
    assert time.monotonic() - start < 20  # seconds, on a shared 2-core machine (about 1 s when quiet)
    assert found and found[0] == (TARGET, 1)


def test_some_partial_wildcard_lines_are_checked_quickly(register: Path) -> None:
    lines = "".join(f"/accounts/*a{i}*b*/*c*/requests/*-open/city_o*.yaml @o{i}\n" for i in range(200))
    _append(register, TARGET, lines)
    start = time.monotonic()
    found = _gm604(register)
    assert time.monotonic() - start < 30
    assert len(found) >= 200  # every line names some approval file and gives it to the wrong owner
