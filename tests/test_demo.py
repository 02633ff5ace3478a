"""The demo generator: deterministic, every status and platform, and clean at its date."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from govmedia.staff.demo import dump, generate, iter_statuses, write

from .conftest import run_check


def test_deterministic() -> None:
    assert generate(40, date(2026, 6, 1)) == generate(40, date(2026, 6, 1))


def test_every_status_and_platform() -> None:
    files = generate(21, date(2026, 6, 1))
    assert set(iter_statuses(files)) == {
        "applying", "rejected", "active", "changing", "exiting", "closing", "closed", "exited"}
    platforms = Counter(
        line.split(": ", 1)[1] for rel, text in files.items() if rel.endswith("/account.yaml")
        for line in text.splitlines() if line.startswith("platform: "))
    assert len(platforms) == 10


def test_size_grows_with_n() -> None:
    for n in (1, 7, 21, 60):
        files = generate(n, date(2026, 6, 1))
        assert sum(rel.endswith("/account.yaml") for rel in files) == n


@pytest.mark.parametrize(("n", "today"), [(120, date(2026, 11, 30)), (1000, date(2026, 6, 1))])
def test_demo_checks_clean(tmp_path: Path, n: int, today: date) -> None:
    """At the benchmark's size too: a thousand random profile ids once read as spam contacts in the
    announcements that list them."""
    write(generate(n, today), tmp_path)
    findings = run_check(tmp_path, today=today)
    assert [f"{f.path}:{f.line} {f.code} {f.en}" for f in findings] == []


def test_schema_lines_resolve(tmp_path: Path) -> None:
    """Every generated YAML file names its JSON Schema by a relative path that exists."""
    write(generate(21, date(2026, 6, 1)), tmp_path)
    checked = 0
    for path in tmp_path.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):
            target = (path.parent / first.split("=", 1)[1]).resolve()
            assert target.is_file(), f"{path.relative_to(tmp_path)}: {first}"
            checked += 1
    assert checked > 100


def test_large_register_titles_stay_short() -> None:
    files = generate(3000, date(2026, 6, 1))
    titles = [line for rel, text in files.items() if rel.startswith("announcements/")
              for line in text.splitlines() if line.startswith("title: ")]
    assert titles and max(len(t) for t in titles) < 120


@pytest.mark.parametrize("value", ["081876465362770951766097", "1e5", "0o17", "0x1F", "+12", ".5", "-.inf", ".NaN", "True",
                                   "null", "~", "yes", "off", "2026-06-01", "12:30", "gh_0123456789ab"])
def test_written_strings_stay_strings_in_yaml_1_2(value: str) -> None:
    """Editors and check-jsonschema read YAML 1.2: an id that PyYAML writes bare because YAML 1.1 sees a
    string there (a numeric id with a leading zero and an 8 or 9) would be a number to them."""
    text = dump({"platform_id": value}, "account", 0)
    assert YAML(typ="safe", pure=True).load(text) == {"platform_id": value}
    assert yaml.safe_load(text) == {"platform_id": value}
