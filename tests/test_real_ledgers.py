"""Real published lists (tests/fixtures/ledgers/, each with its source): how many of their rows become
accounts, and whether every imported register passes ``govmedia check`` with warnings only.

The figure is printed (``pytest -s``) and must stay at or above 90 %. Nothing here knows a list: each is
imported with what imports.yaml says a district office would give (a host unit, a platform).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.cli import main
from govmedia.register.loader import load
from govmedia.staff.demo import TEMPLATES, write
from govmedia.staff.importer import Importer, Options
from govmedia.staff.ledger_columns import IMPORT_HEADERS
from govmedia.staff.ledger_read import read_ledger
from govmedia.staff.vocabulary import vocabulary

from .conftest import run_check

LEDGERS = Path(__file__).parent / "fixtures" / "ledgers"
IMPORTS: dict[str, dict[str, Any]] = yaml.safe_load((LEDGERS / "imports.yaml").read_text(encoding="utf-8"))
TODAY = date(2026, 12, 7)


def test_every_fixture_is_listed_with_its_source() -> None:
    csvs = sorted(p.name for p in LEDGERS.glob("*.csv"))
    assert csvs == sorted(IMPORTS)
    for name in csvs:
        source = (LEDGERS / name.replace(".csv", ".source.txt")).read_text(encoding="utf-8")
        assert "http" in source, name


def _import(name: str, out: Path, hints: bool = True) -> tuple[int, int]:
    """(rows the list has, rows that became accounts); the register is written to ``out``. Without
    ``hints``, the import is not told the unit or platform a list leaves out."""
    spec = IMPORTS[name] if hints else {"rows": IMPORTS[name]["rows"]}
    text = (TEMPLATES / "governance.yaml").read_text(encoding="utf-8")  # the shipped defaults
    registry = load(Path(__file__).parent.parent)  # its policies/governance.yaml is the same text
    assert registry.governance is not None
    gov = registry.governance.model
    voc = vocabulary(gov, IMPORT_HEADERS, ())
    sheet = read_ledger(LEDGERS / name, voc)
    assert len(sheet.rows) == spec["rows"], (name, [p.text() for p in sheet.problems])
    platform = voc.platform(spec["platform"]) if "platform" in spec else None
    options = Options(TODAY, "wangyi-gov", spec.get("unit"), platform)
    result = Importer(gov, text, voc, options).run(sheet.rows)
    write({"policies/governance.yaml": text, **result.files}, out)
    return spec["rows"], sum(result.statuses.values()) + result.same_rows


def test_real_lists_become_accounts_and_pass_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = became = 0
    lines = []
    for name in sorted(IMPORTS):
        out = tmp_path / name.removesuffix(".csv")
        rows, accounts = _import(name, out)
        findings = run_check(out, today=TODAY)
        errors = [f"{f.path}:{f.line} {f.code} {f.en}" for f in findings if f.severity == "error"]
        assert errors == [], name
        assert any(f.code == "GM108" for f in findings), name  # what the lists do not say is to be completed
        total, became = total + rows, became + accounts
        lines.append(f"{name}: {accounts}/{rows}")
    share = became / total
    bare = sum(_import(name, tmp_path / "bare" / name.removesuffix(".csv"), hints=False)[1] for name in IMPORTS)
    with capsys.disabled():
        print(f"\nreal published lists: {became} of {total} rows became accounts ({share:.1%}) "
              f"from {len(IMPORTS)} lists; every imported register passes govmedia check with warnings only")
        print("  " + "; ".join(lines))
        print(f"  without --unit/--platform: {bare} of {total} rows ({bare / total:.1%}); the others are reported "
              "as lacking a unit or a platform")
    assert share >= 0.9


def test_the_command_imports_a_real_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same through ``govmedia import``: a closure list of a real notice, its platform names in
    traditional characters, becomes closed accounts that the public data marks as no longer official."""
    out = tmp_path / "fuping"
    assert main(["import", str(LEDGERS / "fuping-2024-04-zhuxiao.csv"), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "识别的列：主办单位、平台、账号名称、处置方式→状态、注销日期→关停/退出/驳回日期；忽略的列：无。" in err
    registry = load(out)
    assert {a.record.model.status for a in registry.accounts.values() if a.record} == {"closed"}
    assert [f for f in run_check(out, today=TODAY) if f.severity == "error"] == []


def test_the_shipped_governance_files_agree() -> None:
    """The template a new register starts from is the shipped policy, except the demo's web reviewers."""
    root = Path(__file__).parent.parent
    shipped = yaml.safe_load((root / "policies" / "governance.yaml").read_text(encoding="utf-8"))
    template = yaml.safe_load((TEMPLATES / "governance.yaml").read_text(encoding="utf-8"))
    assert shipped["people"] and template["people"] == {}
    assert {k: v for k, v in shipped.items() if k != "people"} == {k: v for k, v in template.items() if k != "people"}
