"""Folding text for comparison (GM103, GM105, GM501): never for rejecting (docs/architecture.md, "The YAML dialect").

``fold``: NFKC, casefold, traditional -> simplified (OpenCC t2s), with spaces, punctuation, symbols
and invisible characters removed. ``skeleton``: ``fold`` and then every character replaced by the
representative of its Unicode confusable class (UTS #39 data, via confusable-homoglyphs), so that
``王益发布``, ``王益發佈``, ``王益 发布`` and ``王益发布`` with a zero-width joiner all meet.
``fold_map`` also returns, for each folded character, the index of the original character it came from,
so a finding can point at the offending text.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

_DROP_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me",
                              "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sk", "Sm", "So"})
# Symbols that carry meaning in banned terms and names: keep them (e.g. "$", "¥" in spam, "+" in "365+").
_KEEP = frozenset("$¥€£+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """One character folded (memoised: a register uses a few thousand distinct characters)."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c in _KEEP or unicodedata.category(c) not in _DROP_CATEGORIES:
            out.append(c)
    return "".join(out)


TABLE_LIMIT = 65536  # characters remembered by a translate table (hostile text may use every code point)


class TranslateTable(dict[int, Any]):
    """A ``str.translate`` table of ``per_char`` (code point -> replacement), filled on first sight of each
    character: translating a text is then one C loop instead of a Python loop over its characters, and a
    character the table lacks costs no KeyError. It remembers at most TABLE_LIMIT characters."""

    def __init__(self, per_char: Callable[[int], Any]) -> None:
        super().__init__()
        self.per_char = per_char
        self.limit = TABLE_LIMIT

    def __missing__(self, code: int) -> Any:
        out = self.per_char(code)
        if len(self) < self.limit:
            self[code] = out
        return out


def _fold_code(code: int) -> str:
    return _fold_char(chr(code))


_FOLD_TABLE = TranslateTable(_fold_code)


def _simplified(folded: str) -> str | None:
    """Traditional -> simplified, character for character; None when a conversion changes the length."""
    if not folded:
        return folded
    simplified = _t2s().convert(folded)
    if len(simplified) != len(folded):  # a phrase conversion changed the length: go char by char
        simplified = "".join(_t2s().convert(c) or c for c in folded)
        if len(simplified) != len(folded):
            return None
    return str(simplified)


def fold_map(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, the index in ``text`` it comes from."""
    chars: list[str] = []
    origin: list[int] = []
    fold_char = _fold_char
    for i, ch in enumerate(text):
        folded_ch = fold_char(ch)
        if len(folded_ch) == 1:
            chars.append(folded_ch)
            origin.append(i)
        else:
            for c in folded_ch:
                chars.append(c)
                origin.append(i)
    folded = "".join(chars)
    simplified = _simplified(folded)
    return (folded if simplified is None else simplified), origin


def fold(text: str) -> str:
    """``fold_map(text)[0]``, without the origins (tests/test_textfold.py checks that the two agree)."""
    folded = text.translate(_FOLD_TABLE)
    simplified = _simplified(folded)
    return folded if simplified is None else simplified


# After folding, ASCII look-alikes that impersonators swap for each other.
_ASCII_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
_ASCII_PAIRS = (("rn", "m"), ("vv", "w"))


@lru_cache(maxsize=1)
def _to_ascii() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit it is confusable with (Unicode confusables data).

    One hop only, no transitive closure: closing the relation would merge unrelated letters.
    A lowercase letter inherits its capital's target (Cyrillic з from З, which looks like 3).
    """
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )
    table: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalnum()]
        if targets:
            target = min(targets).casefold()
            for key in (char, char.casefold()):
                if len(key) == 1 and not key.isascii():
                    table.setdefault(key, target)
    return table


def _skeleton_code(code: int) -> str:
    """A character's skeleton: :func:`_to_ascii`, then ``_ASCII_LOOKALIKE``."""
    ch = chr(code)
    return _to_ascii().get(ch, ch).translate(_ASCII_LOOKALIKE)


_SKELETON_TABLE = TranslateTable(_skeleton_code)


def skeleton(text: str) -> str:
    """:func:`fold`, then look-alike characters replaced by one representative (for GM105, GM501)."""
    out = fold(text).translate(_SKELETON_TABLE)
    for pair, single in _ASCII_PAIRS:
        out = out.replace(pair, single)
    return out


def skeleton_chars(folded: str) -> str:
    """Per-character skeleton of already folded text: same length, so ``fold_map`` origins still apply.

    Like :func:`skeleton` without the two-letter pairs (``rn`` -> ``m``), which change the length.
    Used by GM501 to match look-alike letters (Cyrillic ``е``, ``о``; ``0``/``o``, ``1``/``l``).
    """
    return folded.translate(_SKELETON_TABLE)


def _ascii_lookalike_code(code: int) -> int:
    """A full-width or look-alike letter or digit to its ASCII form (one character for one), else itself."""
    ch = chr(code)
    n = unicodedata.normalize("NFKC", ch)
    if len(n) == 1 and n.isascii():
        return ord(n.lower())
    target = _to_ascii().get(ch.casefold()) or _to_ascii().get(ch)
    return ord(target) if target is not None and len(target) == 1 else code


_ASCII_LOOKALIKE_TABLE = TranslateTable(_ascii_lookalike_code)


def ascii_lookalike(text: str) -> str:
    """``text`` in lower case with full-width forms and Unicode look-alikes of Latin letters and digits
    (Cyrillic е, З) as ASCII, one character for one: offsets stay valid. GM501's patterns (bet365,
    www,x,com) read this."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOOKALIKE_TABLE)
