"""Assertions for ``--lang en`` runs: the message framing is English; only echoed data may be Chinese.

Echoed data (unit names, ledger headers, stage titles from governance.yaml, values to type into a
Chinese ledger) is quoted “like this” in English messages, so the check drops quoted spans first.
The numbered choices of a prompt (``  3) wangyi-education  铜川市王益区教育局``) list register data
(unit names, platform labels) after the id, and are skipped.
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"“[^”]*”|「[^」]*」")
CHOICE = re.compile(r"^\s+\d+\) \S+  ")


def framing_cjk(text: str) -> list[str]:
    """Lines that still hold CJK characters or full-width punctuation outside quoted data."""
    return [line for line in text.splitlines() if not CHOICE.match(line) and CJK.search(QUOTED.sub("", line))]


def assert_english(text: str, *absent: str) -> None:
    assert text.strip(), "no output"
    bad = framing_cjk(text)
    assert not bad, "Chinese framing in an --lang en run:\n" + "\n".join(bad)
    for phrase in absent:
        assert phrase not in text
