"""The fast folds (``str.translate`` tables) agree with the character-by-character definitions they replace.

GM501 folds every published text once and computes where each folded character came from only for a text
in which some term matched; GM503 narrows full-width characters. A table that disagreed with the
definition would hide a banned term or move a finding, so each is compared with a plain loop over the
characters, on hand-picked and generated text.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.dialect import textfold
from govmedia.rules.lib import contentscan

SAMPLES = [
    "", "王益区人民政府", "王益發佈", "３６５ｂｅｔ　官方", "ＰＫ１０", "e\u0301te", "ﬁ ligature Straße",
    "澳門新葡京，娛樂場！", "\u200d王益\u200b发布", "İstanbul", "℡ ㈱ ①②", "abc\U0001F600def", "臺灣 鐘錶 髮型",
]
# Letters and marks of several scripts, full-width forms, punctuation, spaces, invisible characters.
TEXT = st.text(st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("王益發佈娛樂門葡京臺灣鐘錶髮０１２ＡＢｚ　，。！\u200b\u200d\u0301ﬁßİ℡①")),
), max_size=60)


def fold_by_char(text: str) -> str:
    return "".join(textfold._fold_char(ch) for ch in text)


def narrow_by_char(text: str) -> str:
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 and n.isascii() else ch)
    return "".join(out)


def skeleton_by_char(folded: str) -> str:
    table = textfold._to_ascii()
    return "".join(table.get(c, c) for c in folded).translate(textfold._ASCII_LOOKALIKE)


def test_samples() -> None:
    for text in SAMPLES:
        folded, origin = textfold.fold_map(text)
        assert textfold.fold(text) == folded
        assert len(origin) == len(fold_by_char(text))
        assert contentscan._narrow(text) == narrow_by_char(text)
        assert textfold.skeleton_chars(folded) == skeleton_by_char(folded)
    assert textfold.fold("王益發佈") == "王益发布"
    assert contentscan._narrow("１３８ ０００") == "138 000"


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_translate_tables_agree_with_the_definitions(text: str) -> None:
    folded, origin = textfold.fold_map(text)
    assert textfold.fold(text) == folded
    assert all(0 <= i < len(text) for i in origin) and origin == sorted(origin)
    assert contentscan._narrow(text) == narrow_by_char(text)
    assert textfold.skeleton_chars(folded) == skeleton_by_char(folded)


def test_the_tables_stay_bounded_for_text_of_every_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile text may use every code point: the tables remember at most TABLE_LIMIT and still fold right."""
    monkeypatch.setattr(textfold, "TABLE_LIMIT", 100)
    monkeypatch.setattr(textfold, "_FOLD_TABLE", textfold.TranslateTable(textfold._fold_code))
    monkeypatch.setattr(contentscan, "_NARROW", textfold.TranslateTable(contentscan._narrow_code))
    monkeypatch.setattr(textfold, "_SKELETON_TABLE", textfold.TranslateTable(textfold._skeleton_code))
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 500)) + "ＡＢＣ１２３"
    assert textfold.fold(text) == textfold.fold_map(text)[0]
    assert contentscan._narrow(text) == narrow_by_char(text)
    assert textfold.skeleton_chars(text + "0i1|") == skeleton_by_char(text + "0i1|")
    assert len(textfold._FOLD_TABLE) == 100 and len(contentscan._NARROW) == 100
    assert len(textfold._SKELETON_TABLE) == 100
