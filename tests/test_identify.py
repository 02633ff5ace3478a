"""The verify page's link shapes against real links (tests/fixtures/links/links.yaml, each with its source)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.site.identify import SHAPES, classify, first_url

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
