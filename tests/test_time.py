"""Time alone never turns the shipped register red where it matters: years ahead, the agreements of the
shipped register have expired (GM401), yet an unrelated merge request passes `govmedia check --base`, and
the repository's own checks (scripts/test.sh, CI) run at a pinned date."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .gitrepo import make_repo

REPO = Path(__file__).resolve().parents[1]
YEARS_AHEAD = "2031-01-01"


def _check(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(root), "--today", YEARS_AHEAD,
                           "--no-cache", "--lang", "en", *extra], capture_output=True, text=True, timeout=600)


def test_shipped_register_years_ahead_blocks_no_unrelated_change(tmp_path: Path) -> None:
    root = tmp_path / "register"
    for top in ("accounts", "announcements", "policies"):
        shutil.copytree(REPO / top, root / top)
    repo = make_repo(root)
    unit = root / "accounts/wangyi-health/unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "# 联系电话已核对\n", encoding="utf-8")
    repo.commit("an unrelated change")
    plain = _check(root)
    assert plain.returncode == 1 and "GM401" in plain.stdout  # the daily check's view: expired agreements
    based = _check(root, "--base", "main")
    assert based.returncode == 0, based.stdout + based.stderr
    assert "GM401" in based.stdout  # still reported, as already on the base
    assert _check(root, "--base", "main", "--strict").returncode == 1


def test_the_repositorys_own_checks_pin_the_date() -> None:
    test_sh = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert 'GOVMEDIA_TODAY="${GOVMEDIA_TODAY:-2026-12-07}" pre-commit run --all-files' in test_sh
    for workflow in (REPO / ".github" / "workflows" / "check.yml", REPO / ".gitlab-ci.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "GOVMEDIA_TODAY" in text and "2026-12-07" in text
