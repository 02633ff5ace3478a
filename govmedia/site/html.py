"""Escaping and links: every value that reaches a page passes through ``esc``."""

from __future__ import annotations

import html

# Characters that could leave a text context; page titles (which MkDocs and the theme print
# without escaping) get harmless full-width look-alikes instead.
_TITLE_MAP = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "`": "｀", "\\": "＼"})


def esc(value: object) -> str:
    """HTML-escape any value for text or a double-quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_title(value: str) -> str:
    """A page title that is inert wherever a template prints it raw (``<title>``, header, search)."""
    return " ".join(value.translate(_TITLE_MAP).split())


def rel(from_page: str, target: str) -> str:
    """Relative link from the page at directory URL ``from_page`` ("", "units/x/") to ``target``."""
    prefix = "../" * from_page.count("/")
    return (prefix + target) or "./"
