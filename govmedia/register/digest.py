"""Digests that bind a decision to what it decides.

An approval records ``request_digest``: the digest of the request.yaml it approves. The digest is taken
over the request's *content* (the parsed YAML as canonical JSON: keys sorted, no spaces), so a comment or a
re-indented line does not change it, while any changed value does. Staff tools (``govmedia new approval``),
the demo generator and the rules all call :func:`request_digest`, so they agree by construction.

A policy request (a change to governance.yaml or to a unit.yaml) names each file it changes with
:func:`document_digest` of the file's new content, computed the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from govmedia.schemas.request import DIGEST_PATTERN

PREFIX = "sha256:"
DIGEST_RE = re.compile(DIGEST_PATTERN)


def _canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def document_digest(data: Any) -> str:
    """``sha256:<hex>`` of a parsed YAML document's content."""
    return PREFIX + hashlib.sha256(_canonical(data)).hexdigest()


def request_digest(data: Any) -> str:
    """The ``request_digest`` an approval of the request whose parsed request.yaml is ``data`` records."""
    return document_digest(data)
