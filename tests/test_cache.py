"""The content-keyed cache is never stale: a changed file is always read again."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govmedia.register import cache
from govmedia.register.context import Context
from govmedia.register.results import ResultCache
from govmedia.run.engine import check_findings

TODAY = date(2026, 6, 1)
ACCOUNT = "accounts/wangyi-education/weibo/account.yaml"

pytestmark = pytest.mark.usefixtures("cache_home")  # tests/conftest.py


def run(root: Path, use_cache: bool = True) -> list[str]:
    findings = check_findings(Context(root=root, today=TODAY, cache=use_cache))
    return [f"{f.path}:{f.line}:{f.code}" for f in findings]


def test_warm_equals_cold(make_register: Callable[..., Path], cache_home: Path) -> None:
    root = make_register()
    (root / "accounts/wangyi-health/unit.yaml").write_text("name: [\n", encoding="utf-8")
    cold = run(root, use_cache=False)
    assert not cache_home.exists()
    first = run(root)
    assert cache_home.exists()
    assert run(root) == first == cold


def test_same_size_same_mtime_edit_is_seen(make_register: Callable[..., Path]) -> None:
    root = make_register()
    assert run(root) == []
    path = root / ACCOUNT
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    edited = text.replace("status: active", "status: activ3")  # same length, not a status
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # hide the edit from mtime
    assert run(root) == run(root, use_cache=False) != []


def test_added_and_removed_files(make_register: Callable[..., Path]) -> None:
    root = make_register()
    assert run(root) == []
    stray = root / "accounts/wangyi-health/notes.txt"
    stray.write_text("x", encoding="utf-8")
    assert run(root) == ["accounts/wangyi-health/notes.txt:1:GM020"]
    stray.unlink()
    assert run(root) == []


def test_parse_cache_serves_identical_content_at_two_paths(make_register: Callable[..., Path]) -> None:
    root = make_register()
    bad = "name: 王益\nname: 王益\n"
    (root / "accounts/wangyi-health/unit.yaml").write_text(bad, encoding="utf-8")
    (root / "accounts/wangyi-education/unit.yaml").write_text(bad, encoding="utf-8")
    expected = run(root, use_cache=False)
    assert run(root) == expected
    (root / "accounts/huangbao-town/unit.yaml").write_text("# x\n", encoding="utf-8")  # force a partial rerun
    again = run(root)
    assert "accounts/wangyi-health/unit.yaml:2:GM003" in again
    assert "accounts/wangyi-education/unit.yaml:2:GM003" in again


def test_corrupt_cache_is_ignored(make_register: Callable[..., Path], cache_home: Path) -> None:
    root = make_register()
    expected = run(root)
    for path in cache_home.rglob("*.marshal"):
        path.write_bytes(b"govmedia-cache-1\x00garbage")
    assert run(root) == expected


def test_today_is_part_of_the_key(make_register: Callable[..., Path]) -> None:
    root = make_register()
    results = ResultCache(root)
    assert results.lookup("2026-06-01")[0] != results.lookup("2020-01-01")[0]


def test_parallel_parse_gives_the_same_findings(make_register: Callable[..., Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from govmedia.register import parallel

    root = make_register()
    (root / "accounts/wangyi-health/unit.yaml").write_text("name: a\nname: b\n", encoding="utf-8")
    (root / "announcements/2026-05-01-bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    monkeypatch.setenv("GOVMEDIA_JOBS", "1")
    serial = run(root, use_cache=False)
    monkeypatch.setenv("GOVMEDIA_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "CHUNK", 40)
    calls: list[int] = []
    original = parallel.prefill

    def counting(cache: object, root: str) -> int:
        calls.append(original(cache, root))  # type: ignore[arg-type]
        return calls[-1]

    monkeypatch.setattr(parallel, "prefill", counting)
    assert run(root, use_cache=False) == serial
    assert calls and calls[0] > 100  # the workers really parsed the register


def test_clean_text_memo_never_hides_a_finding(make_register: Callable[..., Path]) -> None:
    """Content rules remember only clean texts; new terms, domains or texts are scanned again."""
    root = make_register()
    assert run(root) == []
    assert run(root) == []  # the memo of clean texts is now filled
    gov = root / "policies/governance.yaml"
    # A new banned term that an existing, memoised text contains must be found.
    gov.write_text(gov.read_text(encoding="utf-8").replace("banned_terms: []", "banned_terms: [便民服务]"),
                   encoding="utf-8")
    first = run(root)
    assert any(":GM501" in f for f in first)
    assert run(root) == first  # and found again on the next run, cache or not
    assert run(root, use_cache=False) == first


def test_clean_text_memo_sees_edited_text(make_register: Callable[..., Path]) -> None:
    root = make_register()
    assert run(root) == []
    path = root / ACCOUNT
    path.write_text(path.read_text(encoding="utf-8").replace("positioning: ", "positioning: 咨询请拨 13912345678。"),
                    encoding="utf-8")
    assert f"{ACCOUNT}:8:GM504" in run(root)


def test_clean_memo_file_keeps_every_rule(make_register: Callable[..., Path], cache_home: Path) -> None:
    """After a run that found everything clean, the memo file still holds every content rule's texts."""
    root = make_register()
    run(root)
    memo_file = next(cache_home.rglob("clean.marshal"))
    full = cache.read_marshal(memo_file)[1]
    (root / "accounts/huangbao-town/unit.yaml").write_text(
        (root / "accounts/huangbao-town/unit.yaml").read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    run(root)
    assert cache.read_marshal(memo_file)[1] == full


def test_empty_folders_are_seen(make_register: Callable[..., Path]) -> None:
    root = make_register()
    assert run(root) == []
    for folder in ("accounts/new-unit", "accounts/wangyi-health/new-account",
                   "accounts/wangyi-health/weibo/requests/2026-05-01-change"):
        (root / folder).mkdir()
        assert run(root) == run(root, use_cache=False) != []
        (root / folder).rmdir()
        assert run(root) == []


@pytest.mark.parametrize("no_cache", [False, True])
def test_a_fifo_is_a_finding_not_a_hang(make_register: Callable[..., Path], cache_home: Path, no_cache: bool) -> None:
    """A FIFO where unit.yaml belongs would block a plain open() forever: the check reports it instead."""
    import subprocess
    import sys

    root = make_register()
    target = root / "accounts/wangyi-health/unit.yaml"
    target.unlink()
    os.mkfifo(target)
    (root / "accounts/wangyi-health/notes").mkdir()
    os.mkfifo(root / "accounts/wangyi-health/notes/pipe")
    cmd = [sys.executable, "-m", "govmedia", "check", "--root", str(root), "--today", TODAY.isoformat(),
           "--format", "json", *(["--no-cache"] if no_cache else [])]
    for _ in range(2):  # the second run with the cache answers from it
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "XDG_CACHE_HOME": str(cache_home)})
        assert done.returncode == 1, done.stderr
        assert '"path": "accounts/wangyi-health/unit.yaml"' in done.stdout
        assert "FIFO" in done.stdout or "管道" in done.stdout


HUGE = 1 << 30  # 1 GiB, as a sparse file: no disk is used, and reading it all would take a gigabyte of memory
PEAK_SCRIPT = """
import json, resource, sys
from datetime import date
from pathlib import Path
from govmedia.register.context import Context
from govmedia.run.engine import check_findings
found = check_findings(Context(root=Path(sys.argv[1]), today=date.fromisoformat(sys.argv[2]), cache=sys.argv[3] == "1"))
print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "found": [[f.path, f.code, f.en] for f in found]}))
"""


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_huge_file_is_a_finding_and_never_read_into_memory(make_register: Callable[..., Path], cache_home: Path,
                                                              use_cache: bool) -> None:
    """A merge request may add a file of gigabytes where a YAML file belongs: GM006 names its real size, and
    neither the loader nor the cache's content hash reads it into memory (the hash reads it piece by piece)."""
    import json
    import subprocess
    import sys

    root = make_register()
    target = root / "accounts/wangyi-health/unit.yaml"
    with target.open("r+b") as f:
        f.truncate(HUGE)
    runs = 2 if use_cache else 1  # with the cache, the second run answers from it
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(root), TODAY.isoformat(), str(int(use_cache))],
                              capture_output=True, text=True, timeout=300, check=False,
                              env={**os.environ, "XDG_CACHE_HOME": str(cache_home)})
        assert done.returncode == 0, done.stderr[-2000:]
        out = json.loads(done.stdout)
        assert ["accounts/wangyi-health/unit.yaml", "GM006",
                f"file is {HUGE} bytes, over the limit of 262144: split or shorten it."] in out["found"]
        assert out["peak_kb"] < 400 * 1024, out["peak_kb"]


def test_a_large_tracked_file_is_hashed_in_pieces(tmp_path: Path) -> None:
    """git's scan reads a tracked file whole only below gitscan.WHOLE_READ; above, the stat scan's piecewise
    hash gives the same content hash, and the file is looked at again next run (never trusted by its blob id)."""
    from govmedia.register import gitscan

    path = tmp_path / "big.yaml"
    data = os.urandom(gitscan.WHOLE_READ + 12345)
    path.write_bytes(data)
    token, digest = gitscan._read_tracked(str(path), (len(data), 1, 1, 1), "0" * 40)
    assert token == gitscan.UNSURE
    assert digest == cache.file_hash(data)
