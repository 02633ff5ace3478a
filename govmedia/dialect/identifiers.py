"""Identifier formats the district's rules name: 统一社会信用代码 (GB 32100-2015), and URL hosts."""

from __future__ import annotations

import re
from collections.abc import Iterable

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must use the USCC alphabet)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def host_in(host: str, entries: Iterable[str]) -> bool:
    """A host fits a list of hosts or domains when it equals an entry or is a subdomain of one
    (``www.weibo.com`` fits ``weibo.com``; ``evilweibo.com`` does not). GM107, GM502 and `govmedia new`."""
    return any(host == e or host.endswith("." + e) for e in entries)


def uscc_well_formed(code: str) -> bool:
    return bool(USCC_RE.match(code))


def uscc_check_ok(code: str) -> bool:
    return uscc_well_formed(code) and uscc_check_char(code[:17]) == code[17]
