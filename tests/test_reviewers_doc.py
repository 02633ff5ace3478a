"""docs/reviewers.md (审核指南): the lifecycle block matches govmedia/register/lifecycle.py, every stage and
every history rule is explained, and the branch-protection settings are documented."""

from __future__ import annotations

from pathlib import Path

from govmedia.register.lifecycle import TRANSITIONS
from govmedia.staff.lifecycle_doc import block, render, update

DOC = Path(__file__).resolve().parents[1] / "docs/reviewers.md"


def test_lifecycle_block_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert block() in text, "run: python -m govmedia.staff.lifecycle_doc docs/reviewers.md"
    assert update(text) == text


def test_every_transition_is_drawn() -> None:
    diagram = render()
    for before, targets in TRANSITIONS.items():
        for after in targets:
            assert f"{before or '[*]'} --> {after}:" in diagram


def test_doc_covers_stages_rules_and_protection() -> None:
    text = DOC.read_text(encoding="utf-8")
    for word in ("unit_head", "district_office", "city_office", "province_office", "state_council_office",
                 "GM601", "GM602", "GM603", "GM604", "govmedia codeowners", "--verify-signatures",
                 "Require review from Code Owners", "Dismiss stale pull request approvals",
                 "Require approval of the most recent reviewable push"):
        assert word in text, word


def test_update_appends_when_missing() -> None:
    assert update("# x\n").endswith(block() + "\n")
