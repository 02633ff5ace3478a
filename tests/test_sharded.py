"""Oracle for the sharded check (govmedia/run/sharded.py): a large register is checked in chunks of unit folders,
in worker processes. It must report exactly what the one-process check reports.

Every mutation of the incremental oracle (tests/test_incremental.py) is replayed with chunks of a few unit
folders, so that look-alike names, shared platform ids, announcements and CODEOWNERS link units of
different chunks. Two runs are judged against the one-process truth:

- ``sharded_run``: the uncached check, sharded;
- ``sharded_cached_run``: the cached check, whose full runs are sharded and whose incremental runs start
  from the state a sharded run left (owners, link keys, GM604's carry).

Guards against a vacuous oracle: an engine that forgets the units linked across chunks, or the units that
only announcements name, fails.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.run import engine, sharded

from . import test_incremental
from .test_incremental import CASES, CROSS_UNIT, TODAY, Case, Reg, play, rows

pytestmark = pytest.mark.usefixtures("cache_home")
reg_for = test_incremental.reg_for  # the fixture of the incremental oracle: demo registers to mutate

CHUNK = 3  # unit folders per chunk: a 40-account demo register has a dozen units, so four chunks or more


@contextlib.contextmanager
def chunked(units: int = CHUNK) -> Iterator[None]:
    old = os.environ.get(sharded.CHUNK_ENV)
    os.environ[sharded.CHUNK_ENV] = str(units)
    try:
        yield
    finally:
        if old is None:
            del os.environ[sharded.CHUNK_ENV]
        else:
            os.environ[sharded.CHUNK_ENV] = old


def sharded_run(root: Path) -> list[Finding]:
    with chunked():
        return engine.check_findings(Context(root=root, today=TODAY, cache=False))


def sharded_cached_run(root: Path) -> list[Finding]:
    with chunked():
        return engine.check_findings(Context(root=root, today=TODAY, cache=True))


def test_the_run_is_really_sharded(reg_for: Callable[[int, str], Reg], monkeypatch: pytest.MonkeyPatch) -> None:
    reg = reg_for(40, "reg")
    units = sorted(p.name for p in (reg.root / "accounts").iterdir())
    parts = []
    original = sharded.Shards.check_chunk

    def spy(self: sharded.Shards, unit_ids: list[str], extract: sharded.Extract | None) -> sharded.ChunkResult:
        parts.append(list(unit_ids))
        return original(self, unit_ids, extract)

    monkeypatch.setenv("GOVMEDIA_JOBS", "1")  # in this process, so that the spy sees every chunk
    monkeypatch.setattr(sharded.Shards, "check_chunk", spy)
    assert rows(sharded_run(reg.root)) == rows(engine.check_findings(Context(root=reg.root, today=TODAY)))
    assert len(parts) >= 4 and sorted(u for p in parts for u in p) == units


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_sharded_equals_one_process(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    play(reg_for(case.n, "reg"), case, sharded_run)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES if c.id in CROSS_UNIT])
def test_incremental_after_sharded_equals_one_process(case: Case, reg_for: Callable[[int, str], Reg]) -> None:
    play(reg_for(case.n, "reg"), case, sharded_cached_run)


def test_workers_in_new_processes_by_spawn(reg_for: Callable[[int, str], Reg], monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is unavailable (or threads run), workers start afresh and load the base themselves."""
    monkeypatch.setattr(sharded, "start_methods", lambda: ["spawn"])
    case = next(c for c in CASES if c.id == "duplicate-platform-id")
    play(reg_for(case.n, "reg"), case, sharded_run)


CROSS_CHUNK = ("name-equals-other-unit", "duplicate-platform-id", "duplicate-url", "clone-of-a-unit",
               "lookalike-cyrillic-i", "name-contains-other-unit-name")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.id in CROSS_CHUNK])
def test_an_engine_blind_across_chunks_is_caught(case: Case, reg_for: Callable[[int, str], Reg],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharded, "crossing", lambda parts, index: set())
    with pytest.raises(AssertionError, match="differs from a fresh run"):
        play(reg_for(case.n, "blind"), case, sharded_run)


def test_an_engine_blind_to_unheld_units_is_caught(reg_for: Callable[[int, str], Reg],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharded, "unheld", lambda base, parts: set())
    case = next(c for c in CASES if c.id == "unit-folder-renamed")
    with pytest.raises(AssertionError, match="differs from a fresh run"):
        play(reg_for(case.n, "blind"), case, sharded_run)


def test_a_dead_worker_falls_back_to_one_process(reg_for: Callable[[int, str], Reg], tmp_path: Path) -> None:
    """A worker killed (out of memory, say) must not fail the check: the run starts again in one process."""
    reg = reg_for(40, "reg")
    script = (
        "import os, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from govmedia.run import engine\nfrom govmedia.run import sharded\n"
        "from govmedia.register.context import Context\n"
        "original = sharded.Shards.check_chunk\n"
        "def dying(self, unit_ids, extract):\n"
        "    if unit_ids[0] == sorted(os.listdir(Path(sys.argv[1]) / 'accounts'))[0]:\n"
        "        os._exit(9)\n"
        "    return original(self, unit_ids, extract)\n"
        "sharded.Shards.check_chunk = dying\n"
        "found = engine.check_findings(Context(root=Path(sys.argv[1]), today=date.fromisoformat(sys.argv[2])))\n"
        "print(len(found))\n"
    )
    env = {**os.environ, sharded.CHUNK_ENV: str(CHUNK), "GOVMEDIA_JOBS": "2"}
    done = subprocess.run([sys.executable, "-c", script, str(reg.root), TODAY.isoformat()], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(engine.check_findings(Context(root=reg.root, today=TODAY)))


def test_hostile_folder_names_across_processes(reg_for: Callable[[int, str], Reg]) -> None:
    """Folder names that are not UTF-8, hold a newline or look like options travel to the workers and back."""
    reg = reg_for(40, "reg")
    accounts = reg.root / "accounts"
    for name in (b"bad\nname", b"caf\xe9", b"--help", b"UPPER"):
        os.mkdir(os.path.join(os.fsencode(accounts), name))
    (accounts / "a-file.yaml").write_text("x: 1\n", encoding="utf-8")
    truth = rows(engine.check_findings(Context(root=reg.root, today=TODAY)))
    assert rows(sharded_run(reg.root)) == truth
    assert sum(1 for r in truth if r[3] == "GM020") >= 5


def _hostile_texts(reg: Reg) -> None:
    """Banned terms, bad links and personal data in texts no unit owns: announcements, a policy page,
    governance.yaml."""
    anns = sorted((reg.root / "announcements").glob("*.md"))
    assert len(anns) >= 4
    for i, path in enumerate(anns[:4]):
        rel = str(path.relative_to(reg.root))
        reg.write(rel, reg.read(rel) + ["\n更多优惠请访问365bet。\n", "\n详见 http://ads.example.com/win 。\n",
                                         "\n联系人手机 13912345678。\n", "\n<script>alert(1)</script>\n"][i])
    reg.write("policies/extra.md", "# 附则\n\n有事请找张三 zhangsan1988@example.com，澳門葡京博彩。\n")


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_texts_no_unit_owns_are_scanned_once_in_shares(reg_for: Callable[[int, str], Reg],
                                                        monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """Announcements and policy pages are scanned in one share per worker, beside the chunks (neither the
    chunks nor the final run scan them): the findings are those of the one-process check, each once."""
    reg = reg_for(40, "reg")
    _hostile_texts(reg)
    monkeypatch.setenv("GOVMEDIA_JOBS", jobs)
    shares: list[tuple[int, int]] = []
    original = sharded.Shards.scan_texts

    def spy(self: sharded.Shards, share: tuple[int, int]) -> sharded.TextResult:
        shares.append(share)
        return original(self, share)

    if jobs == "1":  # in this process: the spy sees every share
        monkeypatch.setattr(sharded.Shards, "scan_texts", spy)
    truth = rows(engine.check_findings(Context(root=reg.root, today=TODAY)))
    got = rows(sharded_run(reg.root))
    assert got == truth
    outside = {(r[0].split("/")[0], r[3]) for r in truth}
    assert {("announcements", c) for c in ("GM501", "GM502", "GM503", "GM504")} <= outside
    assert {("policies", "GM501"), ("policies", "GM504")} <= outside
    if jobs == "1":
        assert shares == [(0, 1)]
    assert rows(sharded_cached_run(reg.root)) == truth
    assert rows(sharded_cached_run(reg.root)) == truth  # answered from the cache, clean-text memo included


def _no_texts(self: sharded.Shards, share: tuple[int, int]) -> sharded.TextResult:
    return [], set()


def test_an_engine_that_skips_the_text_shares_is_caught(reg_for: Callable[[int, str], Reg],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    reg = reg_for(40, "blind")
    _hostile_texts(reg)
    monkeypatch.setattr(sharded.Shards, "scan_texts", _no_texts)
    truth = rows(engine.check_findings(Context(root=reg.root, today=TODAY)))
    assert rows(sharded_run(reg.root)) != truth
