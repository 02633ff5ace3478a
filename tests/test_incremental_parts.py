"""The parts of the incremental check (govmedia/run/incremental.py): which units a change touches, which units are
linked to them, the partial load, and GM604's per-unit carry. tests/test_incremental.py is the end-to-end
oracle (incremental runs against full runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govmedia.cli import main
from govmedia.register import cache
from govmedia.register.context import Context
from govmedia.register.loader import load, load_more
from govmedia.run import incremental, links
from govmedia.run.engine import check, check_findings

from .conftest import BASE_TODAY

H = b"h" * 16


def files(*paths: str, digest: bytes = H) -> cache.FileMap:
    return {p: ((0, 0, 0, 0), digest) for p in paths}


def test_changed_units() -> None:
    before = files("accounts/a/unit.yaml", "accounts/b/x/account.yaml", "announcements/2026-01-01-a.md")
    same = dict(before)
    assert incremental.changed_units(before, same) == set()
    edited = {**before, "accounts/b/x/account.yaml": ((0, 0, 0, 0), b"x" * 16)}
    assert incremental.changed_units(before, edited) == {"b"}
    added = {**before, "accounts/c/unit.yaml": ((0, 0, 0, 0), H), "accounts/stray.txt": ((0, 0, 0, 0), H)}
    assert incremental.changed_units(before, added) == {"c", "stray.txt"}
    removed = {k: v for k, v in before.items() if not k.startswith("accounts/a/")}
    assert incremental.changed_units(before, removed) == {"a"}
    for elsewhere in ("announcements/2026-01-01-a.md", "policies/governance.yaml", ".github/CODEOWNERS", "accounts"):
        assert incremental.changed_units(before, {**before, elsewhere: ((0, 0, 0, 0), b"y" * 16)}) is None


def test_plan_needs_the_same_date_and_code() -> None:
    before = files("accounts/a/unit.yaml")
    after = files("accounts/a/unit.yaml", digest=b"z" * 16)
    state = {"version": incremental.STATE_VERSION, "stamp": "2026-06-01 abc", "owners": [], "keys": {}, "carry": {}}
    assert incremental.answerable(state, "2026-06-01 abc", before, after) == {"a"}
    assert incremental.answerable(state, "2026-06-02 abc", before, after) is None
    assert incremental.answerable(state, "2026-06-01 abd", before, after) is None
    assert incremental.answerable(None, "2026-06-01 abc", before, after) is None
    assert incremental.answerable({**state, "version": -1}, "2026-06-01 abc", before, after) is None
    damages: list[dict[str, object]] = [{"owners": None}, {"keys": []}, {"carry": 1}]
    for damaged in damages:
        assert incremental.answerable({**state, **damaged}, "2026-06-01 abc", before, after) is None
    assert incremental.answerable(state, "2026-06-01 abc", before, after, findings=1) is None  # owners do not match
    many = {f"accounts/u{i}/unit.yaml": ((0, 0, 0, 0), H) for i in range(incremental.MAX_UNITS + 1)}
    assert incremental.answerable(state, "2026-06-01 abc", {}, many) is None


def test_linked_units() -> None:
    keys = {
        "a": ["skel\0王益教育局", "id\0weibo\01"],
        "b": ["id\0weibo\01"],  # same platform id as a
        "c": ["skel\0铜川市王益教育局发布"],  # contains a's name skeleton
        "d": ["skel\0王益"],  # too short to count as contained (MIN_CONTAINED)
        "e": ["url\0weibo\0https://weibo.com/9", "skel\0铜川市王益教育局发布"],  # equal to c's
        "f": ["url\0weibo\0https://weibo.com/9"],  # linked to e, so transitively to a
        "g": ["id\0douyin\01"],  # another platform
    }
    assert links.linked({"a"}, keys, keys) == {"a", "b", "c", "e", "f"}
    assert links.linked({"g"}, keys, keys) == {"g"}
    assert links.linked({"d"}, keys, keys) == {"d"}
    # a renamed: the units linked through its old name are still checked again
    renamed = {"a": ["skel\0别的名字局"]}
    assert links.linked({"a"}, {"a": ["skel\0王益教育局"], "c": keys["c"]}, renamed) == {"a", "c"}


def test_partial_load_matches_the_full_load(make_register: Callable[..., Path]) -> None:
    root = make_register()
    full = load(root)
    part = load(root, scope=frozenset({"wangyi-health"}))
    assert list(part.units) == ["wangyi-health"]
    assert [a.ref for a in part.accounts.values()] == [r for r in full.accounts if r.startswith("wangyi-health/")]
    assert len(part.announcements) == len(full.announcements)
    load_more(part, None, frozenset(full.units))
    assert list(part.units) == list(full.units)
    assert list(part.accounts) == list(full.accounts)
    assert part.scope == frozenset(full.units)


def _cached(root: Path) -> list[tuple[str, int, int, str, str, str, str]]:
    ctx = Context(root=root, today=BASE_TODAY, cache=True)
    return [(f.path, f.line, f.column, f.code, f.severity, f.zh, f.en) for f in check_findings(ctx)]


def _full(root: Path) -> list[tuple[str, int, int, str, str, str, str]]:
    return [(f.path, f.line, f.column, f.code, f.severity, f.zh, f.en)
            for f in check(Context(root=root, today=BASE_TODAY))[1]]


def test_gm604_carry_across_incremental_runs(make_register: Callable[..., Path], cache_home: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_TRACE", "1")
    root = make_register()
    assert main(["codeowners", "--root", str(root)]) == 0
    owners = root / ".github/CODEOWNERS"
    # a hand edit that gives one unit's future unit_head files to someone else, and a stage line to @evil
    owners.write_text(owners.read_text(encoding="utf-8")
                      + "/accounts/wangyi-health/**/unit_head.yaml @evil\n"
                      + "/accounts/**/requests/*/city_office.yaml @evil\n", encoding="utf-8")
    assert _cached(root) == _full(root)
    assert [f for f in _full(root) if f[3] == "GM604"]
    capsys.readouterr()
    for unit, reviewers in (("wangyi-health", "'@wangyi-gov/someone-else'"), ("wangyi-education", "'@evil'")):
        path = root / f"accounts/{unit}/unit.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:text.index("reviewers:")] + f"reviewers:\n- {reviewers}\n", encoding="utf-8")
        got = _cached(root)
        assert "mode=incremental" in capsys.readouterr().err
        assert got == _full(root)


def test_an_incremental_run_keeps_the_clean_memo_of_units_it_did_not_load(
        make_register: Callable[..., Path], cache_home: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_TRACE", "1")
    root = make_register()
    _cached(root)
    memo = next(cache_home.rglob("clean.marshal"))
    before = cache.read_marshal(memo)[1]
    path = root / "accounts/wangyi-health/unit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert _cached(root) == _full(root)
    assert "mode=incremental" in capsys.readouterr().err
    assert cache.read_marshal(memo)[1] >= before  # a pruning save would keep only the loaded unit's texts
