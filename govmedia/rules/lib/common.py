"""Helpers shared by the rule families (not a family itself: the name starts with ``_``)."""

from __future__ import annotations

import re
from typing import Any

from govmedia.findings.codes import CODES
from govmedia.findings.finding import Finding, Severity, make
from govmedia.register.registry import Record

_NUM = {c: i for i, c in enumerate("〇一二三四五六七八九十")}


def _zh_number(text: str) -> int:
    """一 … 二十九 to an int."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_NUM[tens] if tens else 1) * 10 + (_NUM[ones] if ones else 0)
    return _NUM[text]


def article_en(article: str) -> str:
    """``第七条（二）、第八条`` -> ``Art. 7(2), Art. 8``."""
    out = []
    for m in re.finditer(r"第([一二三四五六七八九十]+)条((?:（[一二三四五六七八九十]+）)*)", article):
        subs = "".join(f"({_zh_number(x)})" for x in re.findall(r"（([一二三四五六七八九十]+)）", m.group(2)))
        out.append(f"Art. {_zh_number(m.group(1))}{subs}")
    return ", ".join(out)


def cite(code: str) -> tuple[str, str]:
    """The article a code enforces, as a Chinese and an English parenthesis (empty for format rules)."""
    article = CODES[code].article
    if not article:
        return "", ""
    return f"（依据细则{article}）", f" ({article_en(article)} of the rules)"


def finding(code: str, record: Record[Any], loc: tuple[str | int, ...],
            zh: str, en: str, severity: Severity | None = None) -> Finding:
    """A finding at the line of field ``loc`` of ``record``; the message ends with the article cited.

    ``zh`` and ``en`` name the record and say the fix; the article is appended here so that every
    message of a code cites the same article (govmedia/findings/codes.py).
    """
    p = record.pos(*loc)
    czh, cen = cite(code)
    return make(code, record.path, p.line, p.column, f"{zh}{czh}", f"{en}{cen}", severity)


def at(code: str, path: str, line: int, column: int, zh: str, en: str,
       severity: Severity | None = None) -> Finding:
    """A finding at an explicit place (e.g. a file that does not exist yet: line 1)."""
    czh, cen = cite(code)
    return make(code, path, line, column, f"{zh}{czh}", f"{en}{cen}", severity)
