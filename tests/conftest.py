"""Shared fixtures: demo registers built once per session, copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.run.engine import check
from govmedia.staff.demo import generate, write

BASE_TODAY = date(2026, 6, 1)
BASE_ACCOUNTS = 21  # exactly the Wangyi units: every status, every kind of request

# Tests that commit must not depend on the machine's git identity (a fresh machine or CI runner has
# none: "Author identity unknown"). Every git the tests start inherits this one unless one is set.
TEST_GIT_IDENTITY = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.org",
                     "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.org"}


@pytest.fixture(autouse=True, scope="session")
def git_identity() -> None:
    for key, value in TEST_GIT_IDENTITY.items():
        os.environ.setdefault(key, value)


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, date], Path]:
    built: dict[tuple[int, date], Path] = {}

    def get(n: int, today: date) -> Path:
        key = (n, today)
        if key not in built:
            out = tmp_path_factory.mktemp(f"demo-{n}-{today.isoformat()}")
            write(generate(n, today), out)
            built[key] = out
        return built[key]

    return get


@pytest.fixture
def make_register(demo_cache: Callable[[int, date], Path], tmp_path: Path) -> Callable[..., Path]:
    """A fresh copy of a demo register in tmp_path: ``make_register(n=21, today=BASE_TODAY)``."""

    def make(n: int = BASE_ACCOUNTS, today: date = BASE_TODAY, name: str = "reg") -> Path:
        target = tmp_path / name
        shutil.copytree(demo_cache(n, today), target)
        return target

    return make


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (XDG_CACHE_HOME) whose stat data is trusted at once (RACY_NS 0), so
    that the cache's fast paths are exercised."""
    from govmedia.register import cache

    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    return home


def run_check(root: Path, today: date = BASE_TODAY, base: str | None = None) -> list[Finding]:
    _, findings = check(Context(root=root, today=today, base=base))
    return list(findings)
