"""Whole-register fuzzing: fuzzed files in a small demo register give findings, never a traceback.

In-process through the engine for many examples; through ``govmedia check`` in a subprocess for a few,
which also proves that the exit code is 0 or 1 (2 is for usage errors) and that nothing is printed on
stderr that looks like a crash.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.register.context import Context
from govmedia.run.engine import check
from govmedia.staff.demo import generate, write

TODAY = date(2026, 6, 1)
TARGETS = ("accounts/{unit}/{account}/account.yaml", "accounts/{unit}/unit.yaml", "{announcement}",
           "policies/fuzz.md", "policies/governance.yaml", "policies/banned-terms.txt")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-template")
    write(generate(3, TODAY), root)
    return root


def _targets(root: Path) -> list[Path]:
    account = sorted(root.glob("accounts/*/*/account.yaml"))[0]
    announcement = sorted(root.glob("announcements/*.md"))[0]
    names = {"unit": account.parent.parent.name, "account": account.parent.name,
             "announcement": announcement.relative_to(root).as_posix()}
    return [root / t.format(**names) for t in TARGETS]


_TEXT_BYTES = st.text(max_size=800).map(lambda t: t.encode("utf-8", "surrogatepass"))
FILES = st.lists(st.binary(max_size=1500) | _TEXT_BYTES, min_size=1, max_size=len(TARGETS))


@settings(max_examples=40, deadline=10_000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(FILES)
def test_engine_on_fuzzed_register(template: Path, files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "reg"
        shutil.copytree(template, root)
        for path, data in zip(_targets(root), files, strict=False):
            path.write_bytes(data)
        _, findings = check(Context(root=root, today=TODAY))
        for f in findings:
            assert f.line >= 1 and f.column >= 1 and f.code.startswith("GM")


@settings(max_examples=4, deadline=60_000, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(FILES)
def test_cli_on_fuzzed_register(template: Path, files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "reg"
        shutil.copytree(template, root)
        for path, data in zip(_targets(root), files, strict=False):
            path.write_bytes(data)
        proc = subprocess.run(
            [sys.executable, "-m", "govmedia", "check", "--root", str(root), "--today", TODAY.isoformat(),
             "--format", "json"],
            capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr
