"""Property-based fuzzing of the YAML and front-matter loaders: any input gives findings, never an exception.

Inputs are bounded (a few kilobytes) so that every example runs in milliseconds; the ``deadline`` turns a
hang into a failure. The long-running, coverage-guided equivalent is fuzz/fuzz_loader.py (atheris).
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govmedia.dialect.yamlload as yamlload

SETTINGS = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to YAML and to the dialect: indicators, line breaks, invisible and bidi characters.
SPECIAL = [*"-:?[]{},#&*!|>'\"%@`\t\n\r ~.0123456789",
           "\x00", "\x85", "\u2028", "\u2029", "\u200b", "\u202e", "\ufeff", "\ud7ff", "王", "益", "Ｂ", "е"]
YAMLISH = st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=600)


def _check(doc: Any, findings: list[Any]) -> None:
    for f in findings:
        assert f.line >= 1 and f.column >= 1
        assert f.code in {"GM001", "GM002", "GM003", "GM004", "GM006", "GM010"}, f
    if doc is None:
        assert findings, "a document that did not load must say why"


@SETTINGS
@given(st.binary(max_size=2000))
def test_load_bytes_never_raises(raw: bytes) -> None:
    _check(*yamlload.load_bytes(raw, "f.yaml"))


@SETTINGS
@given(YAMLISH)
def test_parse_text_never_raises(text: str) -> None:
    _check(*yamlload.load_bytes(text.encode("utf-8", "surrogatepass"), "f.yaml"))


_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(allow_nan=False)
_TREES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)


@SETTINGS
@given(_TREES, st.integers(min_value=0, max_value=400),
       st.sampled_from(["&a ", "*a", "!!str ", "<<: ", "---\n", "\t", "? ", "[", "'", "\x00"]))
def test_mutated_documents_never_raise(tree: Any, where: int, insert: str) -> None:
    """Valid YAML with one hostile construct spliced in anywhere."""
    text = yaml.safe_dump(tree, allow_unicode=True)
    where = min(where, len(text))
    raw = (text[:where] + insert + text[where:]).encode("utf-8", "surrogatepass")
    _check(*yamlload.load_bytes(raw, "f.yaml"))


@SETTINGS
@given(_TREES)
def test_round_trip_of_plain_data(tree: Any) -> None:
    """What PyYAML writes without anchors loads, and keeps its strings (YAML 1.2 core narrowing aside)."""
    text = yaml.safe_dump({"k": tree}, allow_unicode=True)
    doc, findings = yamlload.load_bytes(text.encode("utf-8", "surrogatepass"), "f.yaml")
    _check(doc, findings)


@SETTINGS
@given(st.binary(max_size=2000))
def test_load_markdown_never_raises(raw: bytes) -> None:
    md, findings = yamlload.load_markdown(raw, "a.md")
    for f in findings:
        assert f.line >= 1 and f.column >= 1
    if md is not None:
        assert md.body_line >= 1


@SETTINGS
@given(YAMLISH, st.text(max_size=400))
def test_front_matter_lines_are_file_lines(front: str, body: str) -> None:
    raw = ("---\n" + front + "\n---\n" + body).encode("utf-8", "surrogatepass")
    _md, findings = yamlload.load_markdown(raw, "a.md")
    total = raw.count(b"\n") + 1
    for f in findings:
        assert 1 <= f.line <= total, (f, total)
