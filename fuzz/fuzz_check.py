"""Coverage-guided fuzzing of the whole check: fuzzed bytes become an account, a unit, an announcement
and a policy page of a small demo register, and ``engine.check`` must return findings, never raise.

    pip install atheris
    python fuzz/fuzz_check.py -max_total_time=300 -max_len=8192 fuzz/corpus/check
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["govmedia"]):
    from govmedia.register.context import Context
    from govmedia.run.engine import check
    from govmedia.staff.demo import generate, write

TODAY = date(2026, 6, 1)
ROOT = Path(tempfile.mkdtemp(prefix="govmedia-fuzz-"))
write(generate(3, TODAY), ROOT)
TARGETS = sorted(
    [p for p in ROOT.rglob("account.yaml")][:1] + [p for p in ROOT.rglob("unit.yaml")][:1]
    + sorted((ROOT / "announcements").glob("*.md"))[:1] + [ROOT / "policies" / "fuzz.md"]
)
ORIGINAL = {p: (p.read_bytes() if p.exists() else b"") for p in TARGETS}


def one_input(data: bytes) -> None:
    parts = data.split(b"\x00\xff", len(TARGETS) - 1)
    for path, part in zip(TARGETS, parts, strict=False):
        path.write_bytes(part)
    try:
        _, findings = check(Context(root=ROOT, today=TODAY))
        for f in findings:
            assert f.line >= 1 and f.column >= 1 and f.code.startswith("GM"), f
    finally:
        for path, raw in ORIGINAL.items():
            path.write_bytes(raw)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
