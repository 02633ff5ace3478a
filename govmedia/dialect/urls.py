"""Reading the host of a URL written in the register: the one helper every rule, form and page uses.

A value that passes the schema's pattern can still be no URL at all (``https://[x`` is an unclosed IPv6
literal, ``https://ｅｘ％２ｅ.com`` breaks the NFKC check of :func:`urllib.parse.urlsplit`), and ``urlsplit``
raises ``ValueError`` for those. Here such a value simply has no host: the rules then report it (GM107, GM502)
instead of the run ending in an internal error.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit


class Authority(NamedTuple):
    host: str  # lowercased, as written otherwise ("" when there is none)
    userinfo: bool  # a "user@" before the host


def url_authority(url: str) -> Authority | None:
    """The host of ``url`` and whether a ``user@`` precedes it; None when the URL cannot be parsed."""
    try:
        parts = urlsplit(url)
        return Authority(parts.hostname or "", "@" in parts.netloc)
    except ValueError:
        return None


def url_host(url: str) -> str:
    """The host of ``url``, lowercased and without a trailing dot (``weibo.com.`` is ``weibo.com``);
    "" when the URL has no host or cannot be parsed."""
    authority = url_authority(url)
    return authority.host.rstrip(".") if authority is not None else ""
