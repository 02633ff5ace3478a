"""The verify page's link shapes against real links (tests/fixtures/links/links.yaml, each with its source)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.dialect.textfold import skeleton
from govmedia.site.identify import SHAPES, classify, first_url
from govmedia.site.verifydata import PAIRS, char_table, pinyin_key

LINKS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "links" / "links.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", LINKS, ids=[c["text"][:50] for c in LINKS])
def test_link_shapes(case: dict[str, Any]) -> None:
    assert case["source"]
    url = first_url(case["text"])
    assert url is not None
    got = classify(url)
    assert (list(got) if got else None) == case["expect"]


def test_share_text_without_link_has_none() -> None:
    assert first_url("王益发布 复制打开抖音") is None


def test_shapes_are_javascript_compatible() -> None:
    """No lookbehind, no named groups, no inline flags: the page compiles them with new RegExp."""
    for _, kind, pattern in SHAPES:
        assert kind in {"id", "biz", "name", "content", "short"}
        for construct in ("(?<", "(?P", "(?i", "(?s", "(?m", "\\A", "\\Z"):
            assert construct not in pattern, pattern


def _page_skeleton(text: str, chars: dict[str, str]) -> str:
    """What assets/verify.js computes: the table first, else NFKC, lower case and no punctuation or spaces."""
    out = ""
    for ch in text:
        if ch in chars:
            out += chars[ch]
            continue
        for c in unicodedata.normalize("NFKC", ch).lower():
            if unicodedata.category(c)[0] not in "ZCMPS" or c in "$¥€£+":
                out += chars.get(c, c)
    for pair, single in PAIRS:
        out = out.replace(pair, single)
    return out


@pytest.mark.parametrize("disguised", ["王益發佈", "王 益 发 布", "王益发布\u200b", "ＷＡＮＧ王益发布", "i王益", "І王益", "1王益"])
def test_the_page_folds_input_as_gm105_does(disguised: str) -> None:
    """The table in data/verify.json makes the page's folding of an imitation meet GM105's skeleton of the
    official name: one definition (textfold.skeleton), computed at build time."""
    names = ["王益发布", "wang王益发布", "i王益", "健康王益"]
    chars = char_table(names)
    assert _page_skeleton(disguised, chars) == skeleton(disguised)
    assert len(chars) < 2000  # only what the register's names need, not the whole of OpenCC


def test_pinyin_key() -> None:
    assert pinyin_key("王益发布") == "wangyifabu" and pinyin_key("i王益") == "iwangyi"
