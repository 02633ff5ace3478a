"""The strict YAML dialect (docs/architecture.md, "The YAML dialect"): every item of the dialect, hostile inputs, properties."""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.dialect import yamlload
from govmedia.dialect.yamlload import load_bytes, load_markdown, parse


def codes(text: str) -> list[tuple[str, int]]:
    _doc, findings = parse(text, "x.yaml")
    return [(f.code, f.line) for f in findings]


def data(text: str) -> object:
    doc, findings = parse(text, "x.yaml")
    assert not findings, findings
    assert doc is not None
    return doc.data


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: on", "on"), ("a: off", "off"), ("a: yes", "yes"), ("a: no", "no"), ("a: y", "y"),
        ("a: 0777", "0777"), ("a: 0o17", "0o17"), ("a: 0x1F", "0x1F"), ("a: 12:30", "12:30"),
        ("a: 1_000", "1_000"), ("a: 2024-05-01", "2024-05-01"), ("a: .inf", ".inf"), ("a: NaN", "NaN"),
        ("a: 610202", 610202), ("a: -3", -3), ("a: 1.5", 1.5), ("a: 1.5e3", 1500.0), ("a: 1e3", "1e3"),
        ("a: true", True), ("a: False", False), ("a: null", None), ("a: ~", None), ("a:", None),
        ("a: '610202'", "610202"), ('a: "true"', "true"), ("a: |\n  x\n", "x\n"),
    ],
)
def test_yaml_1_2_core_scalars(text: str, value: object) -> None:
    assert data(text) == {"a": value}


def test_keys_are_text() -> None:
    assert data("on: 1\n1: 2\nnull: 3\n") == {"on": 1, "1": 2, "null": 3}


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: &x 1\nb: *x\n", "GM004", 1),
        ("a: 1\nb: *x\n", "GM004", 2),  # an alias, even to nothing, is refused before resolution
        ("a: !!str 1\n", "GM004", 1),
        ("a: !custom 1\n", "GM004", 1),
        ("a: !!python/object/apply:os.system ['echo pwned']\n", "GM004", 1),
        ("a: ! 1\n", "GM004", 1),
        ("<<: {a: 1}\n", "GM004", 1),
        ("a: 1\n---\na: 2\n", "GM004", 2),
        ("? [a, b]\n: 1\n", "GM004", 1),
        ("a: 1\nb: 2\na: 3\n", "GM003", 3),
        ("a:\n  b: 1\n  b: 2\n", "GM003", 3),
        ("a: [1\n", "GM002", 2),
        ("a: b: c\n", "GM002", 1),
        ("\ta: 1\n", "GM002", 1),
    ],
)
def test_forbidden_constructs(text: str, code: str, line: int) -> None:
    assert codes(text) == [(code, line)]


def test_duplicate_key_names_both_lines() -> None:
    _, findings = parse("name: a\nstatus: x\nname: b\n", "x.yaml")
    assert "第 1 行和第 3 行" in findings[0].zh and "lines 1 and 3" in findings[0].en


def test_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\nb: !!python/name:os.system\n"
    parse(text, "x.yaml")
    assert not marker.exists()


def test_alias_bomb_refused_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 12)]
    start = time.perf_counter()
    result = codes("\n".join(lines) + "\n")
    assert result == [("GM004", 1)]
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize("depth", [30, 200, 5000, 100_000])
def test_deep_flow_nesting(depth: int) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    found = codes(text)
    assert found and found[0][0] in ("GM006",), found


@pytest.mark.parametrize("depth", [30, 2000])
def test_deep_block_nesting(depth: int) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    assert codes(text)[0][0] == "GM006"


def test_deep_block_sequences_on_one_line() -> None:
    assert codes("- " * 5000 + "x\n")[0][0] == "GM006"


def test_many_nodes() -> None:
    text = "a: [" + ",".join(["1"] * (yamlload.MAX_NODES + 10)) + "]\n"
    assert codes(text)[0][0] == "GM006"


def test_file_size_limit() -> None:
    raw = b"a: " + b"x" * yamlload.MAX_FILE_BYTES
    _, findings = load_bytes(raw, "x.yaml")
    assert [f.code for f in findings] == ["GM006"]


@pytest.mark.parametrize(
    ("raw", "line", "col"),
    [
        (b"\xef\xbb\xbfa: 1\n", 1, 1),  # BOM
        (b"a: 1\nb: \xcd\xf5\n", 2, 4),  # GBK
        (b"a: \x00\n", 1, 4),  # NUL
        (b"a: 1\nb: x\x1by\n", 2, 5),  # ESC
        ("a: 王\u200b益\n".encode(), 1, 5),  # zero-width space
        ("a: x\u202ey\n".encode(), 1, 5),  # right-to-left override
        ("a: x\u2028y\n".encode(), 1, 5),  # line separator
        ("a: x\u0085y\n".encode(), 1, 5),  # next line
        ("a: \ufeffx\n".encode(), 1, 4),  # BOM inside
        ("a: x\u00ady\n".encode(), 1, 5),  # soft hyphen
        ("a: x\U000e0041\n".encode(), 1, 5),  # tag character
    ],
)
def test_unreadable(raw: bytes, line: int, col: int) -> None:
    _, findings = load_bytes(raw, "x.yaml")
    assert [(f.code, f.line, f.column) for f in findings] == [("GM001", line, col)]


def test_crlf_and_tabs_in_text_are_fine() -> None:
    doc, findings = load_bytes(b"a: 1\r\nb: \"x\ty\"\r\n", "x.yaml")
    assert not findings and doc is not None and doc.data == {"a": 1, "b": "x\ty"}


def test_fullwidth_punctuation_is_normal_text() -> None:
    assert data("a: 王益发布（官方）：，。“”\n") == {"a": "王益发布（官方）：，。“”"}


def test_forbidden_table_matches_unicode() -> None:
    """The hard-coded Cc/Cf table equals what unicodedata says (minus tab, LF, CR; plus U+2028/9)."""
    expected = {
        cp for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf") and chr(cp) not in "\t\n\r"
    } | {0x2028, 0x2029}
    pattern = yamlload._FORBIDDEN_CHARS
    actual = {cp for cp in range(sys.maxunicode + 1) if pattern.match(chr(cp))}
    assert expected <= actual
    # The table follows Unicode 15, which made U+13439..U+1343F (Egyptian hieroglyph controls) Cf.
    assert actual - expected <= set(range(0x13430, 0x13440))


def test_every_forbidden_character_is_unprintable() -> None:
    """forbidden_chars skips the search in text that str.isprintable passes: sound only while this holds."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if yamlload._FORBIDDEN_CHARS.match(ch):
            assert not ch.isprintable(), f"U+{code:04X}"
    assert yamlload.forbidden_chars("a\u3000b\tc\n", "x") == []  # allowed, though unprintable
    assert [f.column for f in yamlload.forbidden_chars("ab\n\u200bc", "x")] == [1]


def test_positions() -> None:
    doc, _ = parse("a:\n  b: 1\n  c:\n    - x\n    - y: 2\n", "x.yaml")
    assert doc is not None
    assert doc.pos(("a", "b")) == yamlload.Pos(2, 3)
    assert doc.pos(("a", "c", 1, "y")) == yamlload.Pos(5, 7)
    assert doc.pos(("a", "missing")) == yamlload.Pos(1, 1)


def test_markdown_front_matter_lines() -> None:
    raw = b"---\ntitle: x\nkind: &a opening\n---\nbody\n"
    md, findings = load_markdown(raw, "a.md")
    assert md is None and [(f.code, f.line) for f in findings] == [("GM004", 3)]
    md, findings = load_markdown("---\ntitle: x\n---\n\n正文\n".encode(), "a.md")
    assert md is not None and md.body.strip() == "正文" and md.front.pos(("title",)).line == 2


def test_markdown_without_front_matter() -> None:
    md, findings = load_markdown("# 标题\n".encode(), "a.md")
    assert md is None and findings[0].code == "GM010"


# --- properties -----------------------------------------------------------------------------------

yaml_text = st.text(
    alphabet=st.sampled_from([*list("ab: -[]{},'\"&*!<>|#?\n\t 0123456789.~王益%@`\\"), "\u200b", "\ufeff"]),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(yaml_text)
def test_parse_never_raises(text: str) -> None:
    doc, findings = load_bytes(text.encode("utf-8"), "x.yaml")
    assert (doc is None) == bool(findings) or doc is not None
    for f in findings:
        assert f.code.startswith("GM0") and f.line >= 1 and f.column >= 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_never_raise(raw: bytes) -> None:
    load_bytes(raw, "x.yaml")
    load_markdown(raw, "x.md")


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=20),
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(alphabet="abcxyz_", min_size=1, max_size=6), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcxyz_", min_size=1, max_size=6), documents, min_size=1, max_size=5))
def test_round_trip_of_safe_dump(value: dict[str, object]) -> None:
    """What PyYAML's safe_dump writes, our loader reads back identically (strings stay strings)."""
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True)
    doc, findings = parse(text, "x.yaml")
    assert not findings and doc is not None
    assert doc.data == value


# --- the fast path (libyaml's composed tree) decides exactly as the event path -------------------------

def _typed(value: object) -> object:
    """``value`` with every scalar's type made visible (``True == 1`` and ``1 == 1.0`` in Python)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _same_as_events(text: str, line_offset: int = 0) -> bool:
    """Whether the fast path took ``text``; it must then equal the event path in data and types, and give the
    event path's positions when asked (it finds them only then)."""
    fast = yamlload._composed(text, line_offset)
    slow, findings = yamlload.parse_events(text, "x.yaml", line_offset)
    if fast is None:
        return False
    assert not findings and slow is not None, findings
    assert _typed(fast.data) == _typed(slow.data)
    assert fast.source() == (None, text, line_offset)  # no positions yet
    assert fast.positions == slow.positions
    assert fast.source() == (slow.positions, None, line_offset)  # found once, the text let go
    return True


yaml_lines = st.lists(
    st.sampled_from([
        "a: 1", "b: '2'", 'c: "x\\ty"', "d:", "d: ~", "e: true", "f: 1.5", "g: 0777", "- 1", "- a: b", "  - x",
        "  k: v", "    k2: [1, 2]", "h: {x: 1, y: [a, b]}", "i: |", "  block", "j: >-", "  folded", "---", "...",
        "# comment", "", "k: a # tail", "l: 'it''s'", "m: 王益", "? n", ": o", "<<: p", "'<<': q", "a: again",
        "%YAML 1.2", "r: [", "s: }", "\tt: tab", "u: v: w", "- - x", "x:\r", "[a, b]: c", "y: 1_000", "z: .inf",
        "a: &x 1", "b: *x", "- &y [1]", "c: !!str 1", "d: {a: &z 1, b: *z}", "e: [*x, &w 2]", '"f":&q 1', "? &k key",
        "g: x&y", "h: 5*3", "i: 好!", "j: a=1&b=2", "k:&v 1", "l: [a,&m b]", "m: !t v", "&n o: p", "*x : q", "- !x y",
        "n: |\n  &lit", "o: >-\n  *fold", "p: 'a &b'", "r: \"*c\"", "\t&t tab: u",
    ]),
    max_size=12,
).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(yaml_lines, st.integers(0, 3))
def test_fast_path_equals_event_path(text: str, offset: int) -> None:
    _same_as_events(text, offset)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcxyz_", min_size=1, max_size=6), documents, min_size=1, max_size=5),
       st.sampled_from([None, "'", '"', "|"]), st.booleans(), st.sampled_from(["", "# head\n", "---\n", "\n\n"]))
def test_fast_path_equals_event_path_on_dumped_documents(value: dict[str, object], style: str | None,
                                                         flow: bool, head: str) -> None:
    import yaml

    text = head + yaml.safe_dump(value, allow_unicode=True, default_style=style, default_flow_style=flow)
    assert (_same_as_events(text) or "---" in text or yamlload._INDICATOR.search(text) is not None
            or len(text) > yamlload.FAST_MAX_CHARS)


@pytest.mark.parametrize("style", ["flow-map", "flow-seq", "block"])
@pytest.mark.parametrize("levels", [22, 23, 24, 25])
def test_fast_path_keeps_the_depth_limit_to_the_level(style: str, levels: int) -> None:
    """A scalar inside 24 nested collections is at depth 25: refused (GM006) by both paths alike."""
    if style == "flow-map":
        text = "a: " + "{a: " * (levels - 1) + "1" + "}" * (levels - 1) + "\n"
    elif style == "flow-seq":
        text = "a: " + "[" * (levels - 1) + "1" + "]" * (levels - 1) + "\n"
    else:
        text = "".join("  " * i + "a:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "a: 1\n"
    slow, findings = yamlload.parse_events(text, "x.yaml")
    doc, found = parse(text, "x.yaml")
    assert [f.code for f in found] == [f.code for f in findings]
    assert (doc is None) == (slow is None)
    _same_as_events(text)


def test_fast_path_takes_plain_register_files_and_leaves_the_rest() -> None:
    assert _same_as_events("name: 王益区\nreviewers:\n  - '@a/b'\nurl: https://x.gov.cn/?a=1\n")
    assert _same_as_events("# head\na: 1\n...\n")
    assert _same_as_events("url: https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1\nnote: 5*3 好!\n")
    for text in ("---\na: 1\n", "a: &x 1\nb: *x\n", "a: [&x 1, *x]\n", '{"a":&x 1}\n', "a: !t 1\n", "a: !!str 1\n", "a: 1\na: 2\n", "<<: {a: 1}\n", "[a]: 1\n", "a: 1\n---\nb: 2\n",
                 "- 1\n", "a: [\n", "a: 1\n" + "b: 2\n" * 2000, "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 30))):
        assert not _same_as_events(text)
    # what the event path reports for them is unchanged: parse() reaches it
    assert codes("a: 1\na: 2\n") == [("GM003", 2)]
    assert codes("<<: {a: 1}\n") == [("GM004", 1)]


@settings(max_examples=3000, deadline=None)
@given(yaml_text)
def test_fast_path_never_takes_what_the_event_path_refuses(text: str) -> None:
    """Random text over YAML's indicators (& * ! among them): whatever the fast path takes, the event path
    takes too, with the same data; an anchor, alias or tag anywhere it could begin sends the text away."""
    _same_as_events(text)


@pytest.mark.parametrize("text", ["a: !!str 1\n", "a: [!t x]\n", "!t k: v\n", "a: &x [1, 2]\nb: *x\n",
                                  "a: &x {c: 1}\nb: [*x, *x]\n", "a: !t {b: 1}\n"])
def test_the_walk_refuses_tags_and_aliases_the_indicator_search_missed(text: str) -> None:
    """Behind the indicator search, the walk itself leaves a tagged node or a collection met twice to the
    event path: a miss of the search cannot expand an alias or drop a tag."""
    root = yamlload._Composer(text).get_single_node()
    with pytest.raises(yamlload._Fallback):
        yamlload._walk(root, 1, set())
