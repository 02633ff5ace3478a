"""Runs every example under tests/cases/: the findings must be exactly those the case expects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govmedia.findings.codes import CODES

from .casefile import Case, all_cases, apply, matches
from .conftest import BASE_ACCOUNTS, BASE_TODAY, run_check

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, make_register: Callable[..., Path]) -> None:
    spec = case.spec
    today = spec.get("today", BASE_TODAY)
    root = make_register(spec.get("accounts", BASE_ACCOUNTS), BASE_TODAY)
    apply(case, root)
    findings = run_check(root, today=today if isinstance(today, date) else date.fromisoformat(today))
    expected = spec.get("expect") or []
    unexpected = [f for f in findings if not any(matches(e, f) for e in expected)]
    missing = [e for e in expected if not any(matches(e, f) for f in findings)]
    shown = "\n".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.en}" for f in findings)
    assert not unexpected and not missing, f"missing {missing}\nall findings:\n{shown}"


def test_case_folders_name_known_codes() -> None:
    assert CASES, "no cases found"
    for case in CASES:
        assert case.code in CODES, f"{case.path}: folder is not a rule code"
        assert case.spec.get("description"), f"{case.path}: say what the case shows"


def test_every_code_has_cases() -> None:
    """Every code: at least one negative case; the 细则 rules (GM1xx-GM4xx): two negative, one positive."""
    by_code: dict[str, list[Case]] = {}
    for case in CASES:
        by_code.setdefault(case.code, []).append(case)
    lacking = []
    for code in CODES:
        cases = by_code.get(code, [])
        neg = sum(c.negative for c in cases)
        pos = len(cases) - neg
        need_neg, need_pos = (2, 1) if code[2] in "1234" else (1, 0)
        if code.startswith("GM6"):
            continue  # history rules need real git repositories: tests/test_history.py
        if neg < need_neg or pos < need_pos:
            lacking.append(f"{code} ({neg} negative, {pos} positive)")
    assert not lacking, "codes without enough cases: " + ", ".join(lacking)
