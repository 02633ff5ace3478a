"""docs/policy-coverage.md maps every article of the 细则 to what implements it, and names real codes."""

from __future__ import annotations

import re
from pathlib import Path

from govmedia.findings.codes import CODES

DOC = Path(__file__).parents[1] / "docs" / "policy-coverage.md"
ARTICLES = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
            "十六", "十七", "十八", "十九", "二十"]


def _named_codes(text: str) -> set[str]:
    codes = set(re.findall(r"GM\d{3}", text))
    for a, b in re.findall(r"`(GM\d{3})`–`(GM\d{3})`", text):  # ranges such as `GM201`–`GM206`
        codes |= {c for c in CODES if a <= c <= b}
    return codes


def test_every_named_code_exists() -> None:
    unknown = sorted(set(re.findall(r"GM\d{3}", DOC.read_text(encoding="utf-8"))) - set(CODES))
    assert not unknown, f"docs/policy-coverage.md names codes that govmedia/findings/codes.py does not have: {unknown}"


def test_every_rule_code_is_named() -> None:
    named = _named_codes(DOC.read_text(encoding="utf-8"))
    missing = sorted(c for c in CODES if c[2] in "1234" and c not in named)
    assert not missing, f"rules not mapped to an article in docs/policy-coverage.md: {missing}"


def test_every_article_has_a_row() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| 第")]
    firsts = {re.match(r"\| 第([一二三四五六七八九十]+)条", row).group(1) for row in rows}  # type: ignore[union-attr]
    assert firsts == set(ARTICLES)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), f"incomplete row: {row}"


def test_codes_cite_articles_in_the_doc() -> None:
    """Each rule's article (govmedia/findings/codes.py) has a row that names the rule."""
    text = DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 第")]
    for code, info in CODES.items():
        if code[2] not in "1234" or not info.article:
            continue
        first = re.match(r"第[一二三四五六七八九十]+条", info.article)
        assert first is not None
        assert any(row.startswith(f"| {first.group(0)}") and code in _named_codes(row) for row in rows), code
