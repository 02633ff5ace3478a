"""`govmedia codeowners` and GM604: CODEOWNERS replayed with GitHub's semantics."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.cli import main
from govmedia.history.codeowners import TARGET, Matcher, match, parse

from .conftest import run_check
from .gitrepo import make_repo

REPO = Path(__file__).resolve().parents[1]
CITY = "@wangyi-gov/city-office"


PATTERNS = [
    ("*", "accounts/a/b/account.yaml", True),
    ("*.yaml", "accounts/a/b/account.yaml", True),  # no slash: any depth
    ("/*.yaml", "accounts/a/b/account.yaml", False),
    ("/*.yaml", "mkdocs.yaml", True),
    ("apps/", "x/apps/y.txt", True),  # trailing slash only: a folder anywhere
    ("apps/", "apps", False),
    ("/docs/", "docs/a/b.md", True),
    ("docs/*", "docs/a.md", True),
    ("docs/*", "docs/build/a.md", False),  # * does not cross /
    ("docs/*", "x/docs/a.md", False),  # an inner slash anchors
    ("**/logs", "deeply/nested/logs/x.log", True),
    ("/accounts/**/requests/*/city_office.yaml", "accounts/u/a/requests/2026-01-01-open/city_office.yaml", True),
    ("/accounts/**/requests/*/city_office.yaml", "accounts/u/a/requests/d/x/city_office.yaml", False),
    ("/accounts/u/**/requests/*/unit_head.yaml", "accounts/u/a/requests/d/unit_head.yaml", True),
    ("/accounts/u/**/requests/*/unit_head.yaml", "accounts/uu/a/requests/d/unit_head.yaml", False),
    ("accounts/**", "accounts/u/unit.yaml", True),
    ("/accounts/u", "accounts/u/unit.yaml", True),  # a folder and everything below
    ("/accounts/u", "accounts/uu/unit.yaml", False),
    ("a?c", "abc", True),
    ("a?c", "a/c", False),
    ("/Accounts/", "accounts/u/unit.yaml", False),  # case sensitive
]


@pytest.mark.parametrize(("pattern", "path", "hit"), PATTERNS)
def test_patterns(pattern: str, path: str, hit: bool) -> None:
    rules, invalid = parse(f"{pattern} @o\n")
    assert invalid == []
    assert (match(rules, path) is not None) is hit


def test_indexed_matcher_agrees_with_the_plain_replay() -> None:
    patterns = [p for p, _, _ in PATTERNS] + ["/accounts/u/", "/accounts/u/a/requests/*/x.yaml", "/x/**/y"]
    paths = [path for _, path, _ in PATTERNS] + ["accounts/u/a/requests/d/x.yaml", "x/y", "x/a/b/y/z"]
    rules, _ = parse("".join(f"{p} @o{i}\n" for i, p in enumerate(patterns)))
    for n in range(len(rules) + 1):  # every prefix of the file: the last matching line must agree
        fast = Matcher(rules[:n])
        for path in paths:
            assert fast(path) is match(rules[:n], path), (n, path)


@pytest.mark.parametrize("line", ["!/accounts/ @o", "/acc[ou]nts/ @o", "\\#x @o", "/x not-an-owner"])
def test_invalid_lines_are_skipped(line: str) -> None:
    rules, invalid = parse(f"# comment\n\n{line}\n")
    assert rules == [] and invalid == [3]


def test_last_match_wins_and_comments() -> None:
    rules, _ = parse("* @a\n/accounts/ @b # unit\n/accounts/x/ @c\n")
    assert match(rules, "accounts/x/y").owners == ("@c",)  # type: ignore[union-attr]
    assert match(rules, "accounts/y/z").owners == ("@b",)  # type: ignore[union-attr]
    assert match(rules, "README.md").owners == ("@a",)  # type: ignore[union-attr]


def test_shipped_codeowners_is_current() -> None:
    assert main(["codeowners", "--root", str(REPO), "--check"]) == 0
    text = (REPO / TARGET).read_text(encoding="utf-8")
    assert text.startswith("# generated — run `govmedia codeowners`")


def test_shipped_register_passes_gm604() -> None:
    from datetime import date

    assert [f for f in run_check(REPO, date(2026, 11, 30)) if f.code == "GM604"] == []


def test_pre_commit_runs_the_codeowners_check() -> None:
    import yaml

    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    hook = hooks["govmedia-codeowners"]
    assert hook["entry"] == "scripts/in-venv govmedia codeowners --check" and hook["pass_filenames"] is False


@pytest.fixture
def register(make_register: Callable[..., Path]) -> Path:
    root = make_register()
    assert main(["codeowners", "--root", str(root)]) == 0
    return root


def _gm604(root: Path, base: str | None = None) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in run_check(root, base=base) if f.code == "GM604"]


def _append(root: Path, line: str) -> int:
    path = root / TARGET
    text = path.read_text(encoding="utf-8") + line + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.splitlines())


def test_generated_file_is_clean(register: Path) -> None:
    assert _gm604(register) == []
    assert main(["codeowners", "--root", str(register), "--check"]) == 0


def test_a_province_of_25000_units_fits_githubs_limit(register: Path) -> None:
    """GitHub ignores a CODEOWNERS file over 3 MB: one line a unit (the unit_head stage, which speaks for a
    unit, needs no line of its own) keeps 25,000 units, about 100,000 accounts, under it."""
    from govmedia.history.codeowners import generate
    from govmedia.register.loader import load
    from govmedia.rules.codeowners import MAX_BYTES

    gov = load(register).governance
    assert gov is not None and any(s.from_unit for s in gov.model.stages.values())
    units = {f"demo-unit-{i:05d}": [f"@wangyi-gov/demo-unit-{i:05d}"] for i in range(1, 25_001)}
    text = generate(gov.model, units)
    assert len(text.encode("utf-8")) < MAX_BYTES * 0.6
    assert sum(1 for line in text.splitlines() if "demo-unit-00001" in line) == 1


@pytest.mark.parametrize("line", [
    "/accounts/**/requests/*/city_office.yaml @evil",
    "/accounts/wangyi-health/weibo/requests/2031-*/city_office.yaml @evil",  # a future file only
    "/accounts/wangyi-health/ @wangyi-gov/wangyi-health",  # unit folder after the stage lines
    "*.yaml @wangyi-gov/district-office",
    f"/accounts/wangyi-health/**/requests/*/unit_head.yaml {CITY}",  # another unit_head
    f"/accounts/*/new-account/requests/*/province_office.yaml {CITY} @wangyi-gov/province-office",
    "/policies/governance.yaml @wangyi-gov/wangyi-health",
    "/.github/ @someone",
])
def test_gm604_fires_at_the_line_that_wins(register: Path, line: str) -> None:
    no = _append(register, line)
    assert (TARGET, no) in _gm604(register)


def test_gm604_ignores_lines_github_skips(register: Path) -> None:
    _append(register, "!/accounts/**/requests/*/city_office.yaml @evil")
    _append(register, "/accounts/**/requests/*/[c]ity_office.yaml @evil")
    assert _gm604(register) == []


def test_gm604_without_codeowners(make_register: Callable[..., Path]) -> None:
    root = make_register()
    assert _gm604(root) == []  # a plain register: nothing to replay
    repo = make_repo(root)
    (root / TARGET).unlink()
    repo.commit("drop CODEOWNERS")
    assert _gm604(root, base="main") == [(TARGET, 1)]


def test_gm604_in_a_merge_request(make_register: Callable[..., Path]) -> None:
    repo = make_repo(make_register())
    _append(repo.root, f"/accounts/wangyi-education/ {CITY}")
    repo.commit("take over")
    assert [f.code for f in repo.findings()] == ["GM604"] * len(repo.findings()) != []


def test_check_reports_drift(register: Path) -> None:
    unit = register / "accounts/wangyi-health/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("'@wangyi-gov/wangyi-health'", "'@wangyi-gov/health2'"),
                    encoding="utf-8")
    assert main(["codeowners", "--root", str(register), "--check"]) == 1
    assert (TARGET, 1) not in _gm604(register)  # stale owners of unit_head files are GM604 findings
    assert _gm604(register)
    assert main(["codeowners", "--root", str(register)]) == 0
    assert main(["codeowners", "--root", str(register), "--check"]) == 0
    assert _gm604(register) == []


def test_codeowners_on_a_broken_register(tmp_path: Path) -> None:
    assert main(["codeowners", "--root", str(tmp_path), "--check"]) == 1
    assert main(["codeowners", "--root", str(tmp_path / "missing")]) == 2


GITLAB = ".gitlab/CODEOWNERS"


def test_gitlab_copy_is_written_checked_and_kept_in_step(make_register: Callable[..., Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = make_register()
    assert main(["codeowners", "--root", str(root), "--gitlab"]) == 0
    assert (root / GITLAB).read_text(encoding="utf-8") == (root / TARGET).read_text(encoding="utf-8")
    assert main(["codeowners", "--root", str(root), "--check"]) == 0
    assert _gm604(root) == []
    # a hand edit of GitLab's copy: --check names it, GM604 reports the line that wins there
    with (root / GITLAB).open("a", encoding="utf-8") as f:
        f.write("/accounts/**/requests/*/city_office.yaml @evil\n")
    capsys.readouterr()
    assert main(["codeowners", "--root", str(root), "--check"]) == 1
    assert GITLAB in capsys.readouterr().err
    last = len((root / GITLAB).read_text(encoding="utf-8").splitlines())
    assert (GITLAB, last) in _gm604(root)
    assert not [p for p, _ in _gm604(root) if p == TARGET]
    # once the copy exists, a plain run keeps it in step (no --gitlab needed)
    unit = root / "accounts/wangyi-health/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("'@wangyi-gov/wangyi-health'", "'@wangyi-gov/h2'"),
                    encoding="utf-8")
    assert main(["codeowners", "--root", str(root)]) == 0
    assert (root / GITLAB).read_text(encoding="utf-8") == (root / TARGET).read_text(encoding="utf-8")
    assert "@wangyi-gov/h2" in (root / GITLAB).read_text(encoding="utf-8")
    assert _gm604(root) == []


def test_gitlab_reads_the_root_file_first(register: Path) -> None:
    """GitHub reads .github/CODEOWNERS, GitLab a root CODEOWNERS: with both present, both are checked."""
    (register / "CODEOWNERS").write_text("* @wangyi-gov/district-office\n", encoding="utf-8")
    found = _gm604(register)
    assert found and {p for p, _ in found} == {"CODEOWNERS"}


def test_a_gitlab_only_repository_is_not_missing_codeowners(make_register: Callable[..., Path]) -> None:
    root = make_register()
    repo = make_repo(root)
    assert main(["codeowners", "--root", str(root), "--gitlab"]) == 0
    (root / TARGET).unlink()
    repo.commit("GitLab only")
    assert _gm604(root, base="main") == []


def test_a_backtracking_line_cannot_hang_gm604(register: Path) -> None:
    """``*a*a*…*aZ`` against a 64-letter unit folder would take Python's re for ever; RE2 is linear."""
    import subprocess
    import sys

    unit = register / "accounts" / ("a" * 64)
    shutil.copytree(register / "accounts/wangyi-health", unit)
    no = _append(register, "/accounts/" + "*a" * 30 + "Z/ @evil")
    done = subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(register), "--today", "2026-06-01",
                           "--no-cache", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert "internal error" not in done.stderr
    assert f'"line": {no},' not in done.stdout  # the line matches nothing: no owner changes, no GM604 for it


@pytest.mark.parametrize("layout", ["gitlab-is-a-file", "target-is-a-folder", "target-is-a-link"])
def test_codeowners_refuses_a_target_it_cannot_write_plainly(make_register: Callable[..., Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str], layout: str) -> None:
    """Every target is checked before anything is written; a link is never written through."""
    root = make_register()
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours\n", encoding="utf-8")
    if layout == "gitlab-is-a-file":
        (root / ".gitlab").write_text("x\n", encoding="utf-8")
    elif layout == "target-is-a-folder":
        (root / ".gitlab" / "CODEOWNERS").mkdir(parents=True)
    else:
        (root / ".gitlab").mkdir()
        (root / ".gitlab" / "CODEOWNERS").symlink_to(outside)
    assert main(["codeowners", "--root", str(root), "--gitlab"]) == 2
    err = capsys.readouterr().err
    assert ".gitlab" in err and "Traceback" not in err and "内部错误" not in err
    assert not (root / TARGET).exists()  # nothing half-written
    assert outside.read_text(encoding="utf-8") == "not ours\n"


@pytest.mark.parametrize("where", [TARGET, "CODEOWNERS"])
def test_gm604_fix_names_the_file_to_regenerate_or_delete(register: Path, where: str) -> None:
    """govmedia codeowners rewrites .github/CODEOWNERS but never a root CODEOWNERS: for that file the fix is
    to delete it (GitHub reads it only while .github/CODEOWNERS is absent)."""
    if where != TARGET:
        (register / TARGET).rename(register / where)
    path = register / where
    path.write_text(path.read_text(encoding="utf-8") + f"/accounts/wangyi-education/ {CITY}\n", encoding="utf-8")
    found = [f for f in run_check(register) if f.code == "GM604"]
    assert found and {f.path for f in found} == {where}
    want = f"regenerate {TARGET}" if where == TARGET else f"Delete {where} and run `govmedia codeowners`"
    assert all(want in f.en for f in found)


_NAMES = st.sampled_from(["a", "b", "ab", "accounts", "x.yaml", ""])
_PATTERN_NAMES = st.sampled_from(["a", "b", "ab", "accounts", "x.yaml", "*", "**", "a*", "?b", ""])


@settings(max_examples=800, deadline=None)
@given(st.lists(_PATTERN_NAMES, min_size=1, max_size=4), st.booleans(), st.booleans(),
       st.lists(st.lists(_NAMES, min_size=1, max_size=6), min_size=1, max_size=8))
def test_rule_matches_agrees_with_the_regular_expression(
        body: list[str], lead: bool, trail: bool, paths: list[list[str]]) -> None:
    """Rule.matches answers without RE2 where it can (a path lacking one of the pattern's names; a pattern
    without wildcards; a path whose shape was seen, for whole-name wildcards): it must answer what the
    pattern's regular expression answers, for every path, in any order."""
    pattern = ("/" if lead else "") + "/".join(body) + ("/" if trail else "")
    rules, _ = parse(f"{pattern} @o\n")
    for rule in rules:
        for names in [*paths, *paths]:  # the second time from the shapes seen
            path = "/".join(names)
            parts = path.split("/")
            assert rule.matches(path, parts, set(parts)) is (rule.regex.match(path) is not None), (rule.pattern, path)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(_PATTERN_NAMES, min_size=1, max_size=3), st.booleans()),
                min_size=1, max_size=6),
       st.lists(st.lists(_NAMES, min_size=1, max_size=6), min_size=1, max_size=10))
def test_matcher_agrees_with_the_plain_replay_of_any_file(lines: list[tuple[bool, list[str], bool]],
                                                          paths: list[list[str]]) -> None:
    """The indexed Matcher (by leading folders, by path shape when every line allows it) picks the line
    that GitHub's last-match-wins replay picks, for every path, asked twice."""
    text = "".join(f"{'/' if lead else ''}{'/'.join(body)}{'/' if trail else ''} @o{i}\n"
                   for i, (lead, body, trail) in enumerate(lines))
    rules, _ = parse(text)
    fast = Matcher(rules)
    for names in [*paths, *paths]:
        path = "/".join(names)
        assert fast(path) is match(rules, path), (text, path)


def test_a_line_of_many_double_stars_is_decided_in_polynomial_time() -> None:
    """Name by name, ``**`` may split a path in exponentially many ways: the matcher keeps the set of
    positions reached, so 300 of them against 60 names is quick (and agrees with RE2)."""
    import time

    from govmedia.history.codeowners import _names_match

    rules, _ = parse("/" + "**/" * 300 + "z @o\n")
    pattern = tuple(["**"] * 300 + ["z"])
    names = ["a"] * 59 + ["y"]
    start = time.perf_counter()
    assert not _names_match(pattern, True, False, names)
    assert _names_match(pattern, True, False, [*names, "z"])
    assert time.perf_counter() - start < 2
    assert rules[0].regex.match("/".join(names)) is None


def test_a_line_too_complex_to_replay_is_reported_not_replayed(register: Path) -> None:
    """A hostile line of 100,000 ``**`` could cost minutes to replay, or fail to compile and be passed over
    while GitHub applies it: GM604 reports it at its line, at once."""
    line = _append(register, "/accounts/" + "**/" * 100_000 + "requests/*/city_office.yaml @evil")
    found = [f for f in run_check(register) if f.code == "GM604"]
    assert [(f.path, f.line) for f in found] == [(TARGET, line)]
    assert "32" in found[0].zh and "govmedia codeowners" in found[0].zh


def test_an_empty_name_in_a_line_is_matched_as_written() -> None:
    """``/a//b`` names the path ``a//b`` (an empty name between): the Matcher's shape keeps empty names."""
    rules, _ = parse("/a//b @x\n")
    assert match(rules, "a//b") is rules[0] and Matcher(rules)("a//b") is rules[0]
    assert Matcher(rules)("a/b") is None


def test_a_fifo_where_codeowners_goes_is_refused_not_waited_on(register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    (register / TARGET).unlink()
    os.mkfifo(register / TARGET)
    assert main(["codeowners", "--root", str(register)]) == 2
    assert "不是普通文件" in capsys.readouterr().err
