"""With --base, findings that time alone causes on files a merge request does not change never fail it;
--strict restores failing. Real git repositories, the real command, pinned dates."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from .gitrepo import Repo, make_repo

KUAISHOU_OPEN = "accounts/wangyi-education/kuaishou/requests/2026-05-12-open"
YEARS_AHEAD = "2028-06-01"  # every entrusted agreement of the demo register has expired by then


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Repo:
    return make_repo(make_register())


def _check(repo: Repo, *extra: str, today: str = YEARS_AHEAD) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(repo.root), "--base", "main",
                           "--today", today, "--no-cache", "--lang", "en", *extra],
                          capture_output=True, text=True, timeout=600, check=False)


def _unrelated(repo: Repo) -> None:
    repo.approve(KUAISHOU_OPEN, "city_office", date(2026, 5, 30), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕601号")
    repo.commit("the city office approves the kuaishou opening")


def test_an_unrelated_merge_request_passes_years_ahead(repo: Repo) -> None:
    _unrelated(repo)
    proc = _check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GM401" in proc.stdout and "already on the base" in proc.stdout  # reported, not failing


def test_strict_fails_it(repo: Repo) -> None:
    _unrelated(repo)
    proc = _check(repo, "--strict")
    assert proc.returncode == 1 and "GM401" in proc.stdout and "already on the base" not in proc.stdout


def test_a_finding_the_merge_request_causes_still_fails(repo: Repo) -> None:
    """Deleting the opening announcement makes GM301 fire on an unchanged account.yaml: the base does not
    have that finding, so it is not pre-existing."""
    announcements = sorted((repo.root / "announcements").glob("*wangyi-education-weibo-opening.md"))
    assert announcements
    announcements[0].unlink()
    repo.commit("remove an announcement")
    proc = _check(repo, today="2026-06-01")
    assert proc.returncode == 1 and "GM301" in proc.stdout and "already on the base" not in proc.stdout


def test_a_changed_file_keeps_its_error(repo: Repo) -> None:
    """An error on a file the merge request changes fails it, even if the base had it too."""
    path = next((repo.root / "accounts").glob("*/*/account.yaml"))
    for candidate in sorted((repo.root / "accounts").glob("*/*/account.yaml")):
        if "entrusted" in candidate.read_text(encoding="utf-8"):
            path = candidate
            break
    path.write_text(path.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    repo.commit("touch an entrusted account")
    proc = _check(repo)
    assert proc.returncode == 1
    rel = path.relative_to(repo.root).as_posix()
    assert any(line.startswith(rel) and "GM401" in line and "already on the base" not in line
               for line in proc.stdout.splitlines())
