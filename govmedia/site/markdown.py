"""Contributor Markdown (announcement bodies, policies) rendered with a safe, small extension set.

CommonMark with raw HTML disabled, no images (nothing is loaded from elsewhere), no attribute lists,
no includes; tables and strikethrough only. The output is then cleaned by nh3 against an allowlist
as a second line of defence, and headings are moved one level down below the page's own ``<h1>``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.enable(["table", "strikethrough"])
_MD.disable(["image", "html_block", "html_inline"])

_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
_ATTRS = {"a": {"href"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_HEADING = re.compile(r"<(/?)h([1-5])>")


@lru_cache(maxsize=4096)  # announcements are rendered for their page and for the feed
def render_markdown(text: str) -> str:
    html = _MD.render(text)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRS, url_schemes={"https", "http", "mailto"},
                     link_rel="noopener noreferrer nofollow")
