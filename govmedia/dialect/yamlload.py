"""The strict YAML dialect (docs/architecture.md, "The YAML dialect"), with a line map for every field.

We never let PyYAML construct objects: libyaml (or the pure-Python parser where libyaml is
missing) only produces *events*, and this module builds plain ``dict``/``list``/scalars from them,
resolving plain scalars by the YAML 1.2 core schema. Anchors, aliases, tags, merge keys, several
documents and duplicate keys are findings, found before anything could expand or execute them.
Every problem is a :class:`~govmedia.findings.finding.Finding`; nothing here raises for bad input.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from govmedia.findings.finding import Finding, make

try:  # libyaml's C parser is ~8x faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
    _CParser = None  # type: ignore[assignment,misc]

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_NODES = 20_000
# The fast path (:func:`_composed`) takes texts up to this size: too small to hold MAX_NODES nodes.
FAST_MAX_CHARS = 8 * 1024

Path = tuple[str | int, ...]

# Unicode Cc and Cf (Unicode 15), U+2028/U+2029, minus tab, LF and CR. tests/test_yamlload.py
# recomputes the set from unicodedata so that this table cannot drift silently.
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
# Floats need a dot: "1e3" stays text, as PyYAML's writer assumes, so whatever it writes reads back.
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+([eE][-+]?[0-9]+)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})


class Pos(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


class Document:
    """A parsed YAML document: plain data, and where each field and item starts.

    ``positions`` maps a path (keys and indices) to its (line, column), 1-based. A document of the fast
    path (:func:`_composed`) keeps its text instead and works the positions out only when asked: most
    documents never have a finding, so they never need a line."""

    __slots__ = ("_offset", "_positions", "_text", "data")

    def __init__(self, data: Any, positions: dict[Path, tuple[int, int]] | None = None, text: str | None = None,
                 line_offset: int = 0) -> None:
        self.data = data
        self._positions = positions if positions is not None or text is not None else {}
        self._text = text
        self._offset = line_offset

    @property
    def positions(self) -> dict[Path, tuple[int, int]]:
        if self._positions is None:
            doc, _ = parse_events(self._text or "", "", self._offset)
            self._positions = doc._positions if doc is not None and doc._positions is not None else {}
            self._text = None
        return self._positions

    def source(self) -> tuple[dict[Path, tuple[int, int]] | None, str | None, int]:
        """What :class:`Document` needs besides the data, as plain values (for the parse cache)."""
        return self._positions, self._text, self._offset

    def pos(self, path: Path) -> Pos:
        """Position of ``path``, or of its nearest ancestor that has one."""
        positions = self.positions
        while path:
            hit = positions.get(path)
            if hit is not None:
                return Pos(*hit)
            path = path[:-1]
        return Pos(*positions.get((), (1 + self._offset, 1)))


def char_name(ch: str) -> str:
    import unicodedata

    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def too_large(path: str, size: int) -> Finding:
    return make("GM006", path, 1, 1, f"文件有 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节：请拆分或删减内容。",
                f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}: split or shorten it.")


def decode(raw: bytes, path: str, line_offset: int = 0) -> tuple[str | None, list[Finding]]:
    """Bytes to text under the dialect's rules: size, UTF-8 without BOM, no Cc/Cf characters."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large(path, len(raw))]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [
            make("GM001", path, 1, 1,
                 "文件以 BOM（字节顺序标记）开头：请用“UTF-8 无 BOM”重新保存。",
                 "file starts with a byte-order mark: save it again as UTF-8 without BOM.")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            make("GM001", path, line + line_offset, col,
                 f"第 {line} 行不是有效的 UTF-8 编码（可能是 GBK）：请用“UTF-8 无 BOM”重新保存。",
                 f"line {line} is not valid UTF-8 (GBK?): save the file again as UTF-8 without BOM.")
        ]
    bad = forbidden_chars(text, path, line_offset)
    return (None, bad) if bad else (text, [])


def forbidden_chars(text: str, path: str, line_offset: int = 0) -> list[Finding]:
    if text.replace("\n", "").isprintable():
        return []  # every forbidden character is unprintable (a test checks each code point): most texts
    out: list[Finding] = []
    for m in _FORBIDDEN_CHARS.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        name = char_name(m.group())
        out.append(
            make("GM001", path, line + line_offset, col,
                 f"含有控制字符或不可见格式字符 {name}：这类字符可用于伪装文字，请删除后重新输入该处文字。",
                 f"contains the control or invisible format character {name}: delete it and retype the text.")
        )
        if len(out) >= 20:
            break
    return out


_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(_NULLS, None),
    **dict.fromkeys(_TRUES, True),
    **dict.fromkeys(_FALSES, False),
}
_NUMERIC_START = frozenset("0123456789+-")


def _resolve_plain(value: str) -> Any:
    """YAML 1.2 core schema, narrowed: decimal ints without leading zeros, floats with a dot."""
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if value[0] not in _NUMERIC_START:
        return value
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


def _scalar(value: str, style: str | None) -> Any:
    """A scalar's value: quoted and block scalars are text, plain ones resolved ("" is null)."""
    return value if style else _resolve_plain(value)


class _Stop(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


_Scalar, _SeqStart, _SeqEnd = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MapStart, _MapEnd, _Alias = yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.AliasEvent


class _Builder:
    """Builds plain data from a parser's events, recording positions. One call per node, no generator."""

    def __init__(self, path: str, line_offset: int, next_event: Callable[[], Any]) -> None:
        self.path = path
        self.line_offset = line_offset
        self.positions: dict[Path, tuple[int, int]] = {}
        self.nodes = 0
        self.next = next_event

    def _pos(self, event: Any) -> tuple[int, int]:
        mark = event.start_mark
        if mark is None:  # pragma: no cover - both parsers always set marks
            return (1 + self.line_offset, 1)
        return (mark.line + 1 + self.line_offset, mark.column + 1)

    def fatal(self, code: str, event: Any, zh: str, en: str) -> _Stop:
        line, column = self._pos(event)
        return _Stop(make(code, self.path, line, column, zh, en))

    def _refuse(self, event: Any, depth: int) -> None:
        """Anchors, tags, too many nodes, too deep: each is fatal for the file."""
        if self.nodes > MAX_NODES:
            raise self.fatal("GM006", event, f"节点超过 {MAX_NODES} 个：文件过大，请拆分。",
                             f"more than {MAX_NODES} nodes: the file is too large, split it.")
        if depth > MAX_DEPTH:
            raise self.fatal("GM006", event, f"嵌套超过 {MAX_DEPTH} 层：请简化结构。",
                             f"nested deeper than {MAX_DEPTH} levels: flatten the structure.")
        if event.anchor is not None:
            raise self.fatal("GM004", event, f"不允许使用锚点 &{event.anchor}：请把内容直接写出来。",
                             f"anchors (&{event.anchor}) are not allowed: write the content out in full.")
        if event.tag is not None:
            raise self.fatal("GM004", event, f"不允许使用显式标签 {event.tag}：请删除标签，需要文字时加引号。",
                             f"explicit tags ({event.tag}) are not allowed: remove the tag; quote the value if it is text.")

    def node(self, event: Any, path: Path, depth: int) -> Any:
        cls = type(event)
        self.nodes += 1
        if cls is _Alias:
            raise self.fatal("GM004", event, f"不允许使用别名 *{event.anchor}：请把内容直接写出来。",
                             f"aliases (*{event.anchor}) are not allowed: write the content out in full.")
        if event.anchor is not None or event.tag is not None or depth > MAX_DEPTH or self.nodes > MAX_NODES:
            self._refuse(event, depth)
        if cls is _Scalar:
            return _scalar(event.value, event.style)
        positions = self.positions
        if cls is _SeqStart:
            items: list[Any] = []
            while True:
                ev = self.next()
                if type(ev) is _SeqEnd:
                    return items
                sub = (*path, len(items))
                positions[sub] = self._pos(ev)
                items.append(self.node(ev, sub, depth + 1))
        if cls is _MapStart:
            mapping: dict[str, Any] = {}
            while True:
                kev = self.next()
                if type(kev) is _MapEnd:
                    return mapping
                key = self._key(kev, depth)
                kpos = self._pos(kev)
                sub = (*path, key)
                if key in mapping:
                    first = positions[sub][0]
                    raise _Stop(make(
                        "GM003", self.path, kpos[0], kpos[1],
                        f"键 “{key}” 重复：第 {first} 行和第 {kpos[0]} 行都写了它，请只保留一处。",
                        f"duplicate key '{key}' on lines {first} and {kpos[0]}: keep only one.",
                    ))
                positions[sub] = kpos
                mapping[key] = self.node(self.next(), sub, depth + 1)
        raise self.fatal("GM002", event, "无法识别的 YAML 结构。", "unexpected YAML structure.")

    def _key(self, event: Any, depth: int) -> str:
        cls = type(event)
        if cls is not _Scalar:
            if cls is _Alias:
                self.node(event, (), depth)  # raises GM004
            raise self.fatal("GM004", event, "键必须是简单的文字，不能是列表或映射。",
                             "keys must be plain text, not lists or mappings.")
        self.nodes += 1
        if event.anchor is not None or event.tag is not None or self.nodes > MAX_NODES:
            self._refuse(event, depth)
        if event.value == "<<" and not event.style:
            raise self.fatal("GM004", event, "不允许使用合并键 <<：请把字段直接写出来。",
                             "merge keys (<<) are not allowed: write the fields out in full.")
        value: str = sys.intern(event.value)  # the same keys in every file: one string each, in memory too
        return value


def _events(text: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """(next_event, dispose) of libyaml's parser, or of the pure-Python one where libyaml is missing."""
    loader = _Loader(text)
    return loader.get_event, loader.dispose


# -- the fast path: libyaml composes the node tree in C; we only walk it ---------------------------------

# Where an anchor (&), alias (*) or tag (!) could begin: a token starts at the beginning of the text, after
# white space or line breaks, or right after an indicator or a flow bracket. Inside a plain or quoted
# scalar ("a=1&b=2" in a WeChat link, "5*3", "好!") they are text. Any other occurrence that libyaml could
# read as one is a syntax error, which the event path reports. (Python's \s includes every YAML break.)
_INDICATOR = re.compile(r"(?:\A|[\s\ufeff\[\]{},:?\-|>])[&*!]")  # libyaml skips a BOM like a space


class _Fallback(Exception):
    """The fast path cannot decide this text the way the event path does: use the event path."""


if _CParser is not None:
    _MapNode, _SeqNode, _ScalarNode = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode

    class _Composer(_CParser):
        """libyaml's composer without the resolver: no tag is ever resolved (texts with tags never get here)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> None:
            return None

        def descend_resolver(self, parent: Any, index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None


def _composed(text: str, line_offset: int) -> Document | None:
    """The document of a plain text (a mapping, no indicator of an anchor, alias, tag or document start, at most
    FAST_MAX_CHARS characters) from libyaml's composed node tree; None: the event path must decide it.

    The node tree is built in C and positions are left for later (:class:`Document`), so this costs about
    60 % of the event path, whose per-event Python objects dominate. Anything the event path would report
    (a syntax error, a second document, a duplicate or complex key, a merge key, depth) sends the text to
    the event path, which reports it: the two paths can only differ in speed, and tests/test_yamlload.py
    compares them on generated texts.
    """
    # "---" may start a document explicitly: the event path then places the document at that line
    if _CParser is None or len(text) > FAST_MAX_CHARS or "---" in text or (
            ("&" in text or "*" in text or "!" in text) and _INDICATOR.search(text)):  # the search only if needed
        return None
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        composer.dispose()
    if type(root) is not _MapNode:
        return None
    try:
        data = _walk(root, 1, set())
    except _Fallback:
        return None
    return Document(data, text=text, line_offset=line_offset)


def _walk(node: Any, depth: int, seen: set[int]) -> Any:
    """A collection node's data, as the event path builds it (scalar children inline: most values are).

    A safety net behind the indicator search: a node with a tag, or a collection met twice (an alias), is
    left to the event path."""
    if depth > MAX_DEPTH or (depth == MAX_DEPTH and node.value) or node.tag is not None or id(node) in seen:
        raise _Fallback  # too deep (or its children would be), a tag, or an alias
    seen.add(id(node))
    if type(node) is _SeqNode:
        items: list[Any] = []
        for item in node.value:
            if type(item) is not _ScalarNode:
                items.append(_walk(item, depth + 1, seen))
            elif item.tag is not None:
                raise _Fallback
            else:
                items.append(_scalar(item.value, item.style))
        return items
    mapping: dict[str, Any] = {}
    for knode, vnode in node.value:
        if type(knode) is not _ScalarNode or knode.tag is not None:
            raise _Fallback
        key = knode.value
        if key in mapping or (key == "<<" and not knode.style):
            raise _Fallback
        key = sys.intern(key)
        if type(vnode) is not _ScalarNode:
            mapping[key] = _walk(vnode, depth + 1, seen)
        elif vnode.tag is not None:
            raise _Fallback
        else:
            mapping[key] = _scalar(vnode.value, vnode.style)
    return mapping


def parse(text: str, path: str, line_offset: int = 0) -> tuple[Document | None, list[Finding]]:
    """Parse one YAML document of the strict dialect. ``line_offset`` shifts reported lines."""
    doc = _composed(text, line_offset)
    if doc is not None:
        return doc, []
    return parse_events(text, path, line_offset)


def parse_events(text: str, path: str, line_offset: int = 0) -> tuple[Document | None, list[Finding]]:
    """:func:`parse` from libyaml's events, one at a time: decides every text, and explains every problem."""
    next_event, dispose = _events(text)
    builder = _Builder(path, line_offset, next_event)
    data: Any = None
    documents = 0
    try:
        while True:
            event = next_event()
            cls = type(event)
            if cls is yaml.StreamEndEvent:
                break
            if cls is not yaml.DocumentStartEvent:
                continue
            documents += 1
            if documents > 1:
                raise builder.fatal(
                    "GM004", event, "一个文件只能有一个 YAML 文档：请删除第二个 “---” 及其后的内容，或拆成多个文件。",
                    "one YAML document per file: remove the second '---' and what follows, or split the file.")
            builder.positions[()] = builder._pos(event)
            first = next_event()
            if type(first) is not yaml.DocumentEndEvent:
                data = builder.node(first, (), 1)
    except _Stop as stop:
        return None, [stop.finding]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unclosed quote or bracket: point at where it was opened
        line = (mark.line + 1 if mark is not None else 1) + line_offset
        col = mark.column + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        if "nesting depth" in problem:
            return None, [make("GM006", path, line, col, f"嵌套过深（{problem}）：请简化结构。",
                               f"nested too deeply ({problem}): flatten the structure.")]
        culprit = typing_slip(text, line - line_offset)
        if culprit is not None:
            at_line, at_col, zh, en = culprit
            return None, [make("GM002", path, at_line + line_offset, at_col, f"YAML 语法错误：{zh}",
                               f"YAML syntax error: {en}")]
        return None, [make("GM002", path, line, col,
                           f"YAML 语法错误（{problem}）：请检查该行的缩进、冒号和引号。",
                           f"YAML syntax error ({problem}): check the indentation, colons and quotes of this line.")]
    except yaml.YAMLError as exc:
        return None, [make("GM002", path, 1 + line_offset, 1, f"YAML 语法错误（{exc}）。", f"YAML syntax error ({exc}).")]
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps us far from it
        return None, [make("GM006", path, 1 + line_offset, 1, "嵌套过深。", "nested too deeply.")]
    finally:
        dispose()
    return Document(data, builder.positions), []


# What a Chinese input method types where YAML wants ASCII: the error that follows names the next line and a
# parser's term ("mapping values are not allowed", "cannot start any token"), never the character.
_SLIPS = {
    "\t": ("制表符", "a tab", "YAML 只能用空格缩进：请把制表符换成空格", "YAML indents with spaces only: replace the tab by spaces"),
    "\u3000": ("全角空格", "a full-width space", "YAML 只能用半角空格缩进：请换成半角空格",
               "YAML indents with ASCII spaces only: replace it by ASCII spaces"),
    "：": ("全角冒号", "a full-width colon", "键和值之间要用半角冒号加空格：请把 “：” 改为 “: ”",
          "a key and its value are separated by an ASCII colon and a space: replace '：' by ': '"),
}
_KEY_SLIP = re.compile(r"^[ \t\u3000]*(?:-[ \u3000]+)?[^:#'\"\s\u3000][^:#'\"]*?(：)")


def _slip_name(ch: str) -> str:
    return "U+0009 CHARACTER TABULATION" if ch == "\t" else char_name(ch)


def slip_in(text: str) -> tuple[str, str] | None:
    """(zh, en) naming a tab, a full-width space or a full-width colon in ``text`` (a key, a line), if any."""
    for ch, (zh_name, en_name, zh_fix, en_fix) in _SLIPS.items():
        if ch in text:
            name = _slip_name(ch)
            return f"其中有{zh_name}（{name}）：{zh_fix}", f"it holds {en_name} ({name}): {en_fix}"
    return None


def typing_slip(text: str, line: int) -> tuple[int, int, str, str] | None:
    """The tab or full-width space in the indentation, or the full-width colon after a key, on the 1-based
    ``line`` of a YAML error or on one of the two lines before it: (line, column, zh, en), or None."""
    lines = text.split("\n")
    for number in range(min(line, len(lines)), max(line - 3, 0), -1):
        row = lines[number - 1]
        indent = row[:len(row) - len(row.lstrip(" \t\u3000"))]
        found = next(((i, ch) for i, ch in enumerate(indent) if ch in "\t\u3000"), None)
        if found is None:
            m = _KEY_SLIP.match(row)
            found = (m.start(1), "：") if m else None
        if found is not None:
            col, ch = found
            zh_name, en_name, zh_fix, en_fix = _SLIPS[ch]
            name = _slip_name(ch)
            return (number, col + 1, f"第 {number} 行第 {col + 1} 列是{zh_name}（{name}）：{zh_fix}。",
                    f"line {number}, column {col + 1} is {en_name} ({name}): {en_fix}.")
    return None


def load_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Finding]]:
    """Decode and parse one YAML file."""
    text, findings = decode(raw, path)
    if text is None:
        return None, findings
    return parse(text, path)


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*\r?$\n?", re.S | re.M)


@dataclass
class MarkdownDoc:
    front: Document
    body: str
    body_line: int  # 1-based line on which the body starts


def load_markdown(raw: bytes, path: str) -> tuple[MarkdownDoc | None, list[Finding]]:
    """Markdown with YAML front matter between two ``---`` lines."""
    text, findings = decode(raw, path)
    if text is None:
        return None, findings
    m = _FRONT.match(text)
    if m is None:
        return None, [make("GM010", path, 1, 1,
                           "缺少 YAML 前置信息：文件应以 “---” 开头，写明 title、kind、accounts、published_on、display_until，再以 “---” 结束。",
                           "missing YAML front matter: start the file with '---', the fields title, kind, accounts, "
                           "published_on, display_until, then a closing '---'.")]
    doc, problems = parse(m.group(1), path, line_offset=1)
    if doc is None:
        return None, problems
    body = text[m.end():]
    body_line = text.count("\n", 0, m.end()) + 1
    return MarkdownDoc(doc, body, body_line), problems
