"""Seed corpora for the fuzzers: every file the example cases write, the demo register's files and the
government-text corpus. ``python fuzz/seed.py`` fills fuzz/corpus/{loader,check}/ (not committed)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import yaml

from govmedia.staff.demo import generate

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"


def seeds() -> list[bytes]:
    out: list[bytes] = []
    for case in sorted((TESTS / "cases").glob("GM*/*.yaml")):
        spec = yaml.safe_load(case.read_text(encoding="utf-8"))
        for text in (spec.get("files") or {}).values():
            out.append(text.encode("utf-8", "surrogatepass")[:8192])
        for hexdata in (spec.get("files_hex") or {}).values():
            out.append(bytes.fromhex("".join(hexdata.split()))[:8192])
    for path in sorted((TESTS / "corpus" / "gov").glob("*.md")):
        out.append(path.read_bytes()[:8192])
    files = generate(3, date(2026, 6, 1))
    out.extend(text.encode("utf-8") for text in files.values())
    return out


def main() -> None:
    for name in ("loader", "check"):
        target = HERE / "corpus" / name
        target.mkdir(parents=True, exist_ok=True)
        for data in seeds():
            (target / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(f"seeded {len(seeds())} inputs into {HERE / 'corpus'}")


if __name__ == "__main__":
    main()
