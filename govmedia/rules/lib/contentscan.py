"""Content safety scanners (GM501-GM504): pure functions over one text, no registry, no files.

``govmedia/rules/content.py`` feeds every published text through these; the site build and the fuzz
tests call them directly. Every scanner is linear in the length of its input: Aho-Corasick for the
banned terms (one automaton per run), bounded regular expressions, and hand-written scans where a
regular expression could backtrack (e-mail addresses).

Offsets in results are indices into the text that was passed in; the rule module turns them into
file lines.
"""

from __future__ import annotations

import html
import ipaddress
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from govmedia.dialect.identifiers import host_in
from govmedia.dialect.textfold import TranslateTable, fold, fold_map, skeleton_chars
from govmedia.dialect.urls import url_authority
from govmedia.findings.finding import printable

MAX_HITS = 20  # per text and scanner: enough to show the problem, bounded for hostile input


def show(text: str, limit: int = 60) -> str:
    """``text`` safe to print in a message: invisible and control characters as ``\\uXXXX``, truncated."""
    shown = printable(text[: limit + 1])
    return shown[:limit] + "…" if len(text) > limit else shown


# -- GM501 banned terms ----------------------------------------------------------------------------

TermKind = Literal["ban", "topic", "allow", "context", "weak"]
_PREFIX: dict[str, TermKind] = {"~": "topic", "!": "allow", "+": "context"}
# A ``[section]`` of the list names the detector's family of the entries below it (govmedia/rules/lib/
# detector.py); each family has a default weight and the kind the plain term matcher gives it.
SECTIONS: dict[str, tuple[TermKind, int]] = {
    "brand": ("ban", 10), "term": ("ban", 10), "scam": ("topic", 4), "vice": ("weak", 3),
    "platform": ("weak", 2), "warning": ("context", 0), "report": ("context", 0), "allow": ("allow", 0)}
_FAMILY_OF_KIND: dict[TermKind, str] = {"ban": "term", "topic": "scam", "allow": "allow", "context": "warning"}
_WEIGHT = re.compile(r"\s+(\d{1,2})$")
_HEADER = re.compile(r"\[[^\[\]]{1,40}\]")  # a [section] line


@dataclass(frozen=True)
class Term:
    text: str  # as written in the list
    kind: TermKind
    source: str  # "policies/banned-terms.txt:12" or "policies/governance.yaml"
    family: str = "term"  # the detector's family (see SECTIONS)
    weight: int = 10


def parse_terms(text: str, source: str) -> list[Term]:
    """The banned-terms list format: one entry a line, ``#`` comments, blank lines ignored.

    ``term``   always reported;
    ``~term``  topic term: not reported in a sentence that also holds a ``+`` context word
               (anti-gambling and anti-fraud news name what they fight);
    ``!phrase`` allowed phrase: a hit lying inside it is not reported (``互联网赌博`` holds ``网赌``);
    ``+word``  context word for ``~`` terms (打击, 整治, 查处, ...).
    ``[family]`` (brand, term, scam, vice, platform, warning, report, allow): the entries below belong to that
    family of the detector; ``entry 5`` gives one entry its own weight. A prefix wins over the section.
    """
    terms: list[Term] = []
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if _HEADER.fullmatch(line):
            name = line[1:-1].strip()
            section = name if name in SECTIONS else section  # an unknown one: unknown_sections names it
            continue
        kind: TermKind | None = _PREFIX.get(line[0])
        if kind is not None:
            line = line[1:].strip()
            family = _FAMILY_OF_KIND[kind]
        else:
            family = section or "term"
            kind = SECTIONS[family][0]
        weight = SECTIONS[family][1]
        m = _WEIGHT.search(line)
        if m is not None:
            weight, line = int(m.group(1)), line[: m.start()].strip()
        if line:
            terms.append(Term(line, kind, f"{source}:{number}", family, weight))
    return terms


def unknown_sections(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each ``[section]`` line of a term list that names no family: a typo, whose
    entries would silently stay in the section above it."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if _HEADER.fullmatch(line) and line[1:-1].strip() not in SECTIONS:
            out.append((number, line))
    return out


def term_key(text: str) -> str:
    """What the automaton matches: the folded, per-character skeleton form."""
    return skeleton_chars(fold(text))


@dataclass(frozen=True)
class Hit:
    start: int  # index in the original text
    end: int  # exclusive
    term: Term
    folded: str  # the folded form that matched


_SENTENCE_END = frozenset("。！？；!?;\n")


@lru_cache(maxsize=4096)
def _latin_word_char(ch: str) -> bool:
    """A letter or digit of the Latin script, half- or full-width: part of a word like "bet365"."""
    narrow = unicodedata.normalize("NFKC", ch)
    return len(narrow) == 1 and narrow.isascii() and narrow.isalnum()


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] continues a longer Latin word on either side (ids, urls, hashes)."""
    return (start > 0 and _latin_word_char(text[start - 1])) or (end < len(text) and _latin_word_char(text[end]))


class Matcher:
    """One Aho-Corasick automaton over every term's skeleton; built once per run."""

    def __init__(self, terms: Sequence[Term]) -> None:
        import ahocorasick

        self.automaton: Any = ahocorasick.Automaton()
        by_key: dict[str, list[Term]] = {}
        for term in terms:
            key = term_key(term.text)
            if key:
                by_key.setdefault(key, []).append(term)
        for key, group in by_key.items():
            self.automaton.add_word(key, (key, tuple(group)))
        self.empty = not by_key
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Banned hits in ``text`` after folding, allowed phrases and topic context applied."""
        if self.empty or not text:
            return []
        keyed = skeleton_chars(fold(text))
        if not keyed or next(self.automaton.iter(keyed), None) is None:
            return []  # most texts: no term at all, and no need to know where each character came from
        folded, origin = fold_map(text)
        bans: list[tuple[int, int, Term]] = []
        allows: list[tuple[int, int]] = []
        context_sentences: set[int] = set()
        breaks = [i for i, ch in enumerate(text) if ch in _SENTENCE_END]
        for end, (key, group) in self.automaton.iter(keyed):
            start = end - len(key) + 1
            if key.isascii() and _inside_word(text, origin[start], origin[end] + 1):
                # A Latin term inside a longer Latin word is a random id, not an advertisement: "PKLO" in a
                # douyin handle folds to the lottery "pk10". Separated it still matches: "3 6 5 b e t".
                continue
            for term in group:
                if term.kind == "weak":
                    continue  # vocabulary that only the detector's scoring weighs
                if term.kind == "allow":
                    allows.append((start, end))
                elif term.kind == "context":
                    context_sentences.add(bisect_right(breaks, origin[start]))
                else:
                    bans.append((start, end, term))
        if not bans:
            return []
        allows.sort()
        allow_starts = [a[0] for a in allows]
        reach: list[int] = []  # reach[i]: the furthest end among the first i+1 allowed phrases
        for _, a_end in allows:
            reach.append(max(a_end, reach[-1]) if reach else a_end)
        hits: list[Hit] = []
        covered = -1  # overlapping hits (新葡京 inside 澳门新葡京) are one finding: the longest, first
        for start, end, term in sorted(bans, key=lambda b: (b[0], -b[1])):
            i = bisect_right(allow_starts, start) - 1
            if i >= 0 and reach[i] >= end:
                continue  # inside an allowed phrase
            if term.kind == "topic":
                first, last = bisect_right(breaks, origin[start]), bisect_right(breaks, origin[end])
                if first != last or first in context_sentences:
                    continue  # spans two sentences, or the sentence fights what it names
            if start <= covered:
                continue
            covered = end
            hits.append(Hit(origin[start], origin[end] + 1, term, folded[start : end + 1]))
            if len(hits) >= MAX_HITS:
                break
        return hits


@lru_cache(maxsize=8)
def matcher_for(terms: tuple[Term, ...]) -> Matcher:
    return Matcher(terms)


# -- GM502 links -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    offset: int  # index in the text where the link (or its block) starts
    url: str  # as written (entities decoded when markdown-it parsed it)
    how: str  # "inline", "reference", "autolink", "image", "bare", "text"


@dataclass(frozen=True)
class LinkProblem:
    zh: str
    en: str


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_STRIP = re.compile(r"[\x00-\x20\x7f]+")


def _host_forms(host: str) -> tuple[str, str] | None:
    """(ASCII/punycode form, Unicode form) of a host, or None when it is not a valid name."""
    host = host.rstrip(".").lower()
    if not host:
        return None
    try:
        ascii_form = host if host.isascii() else host.encode("idna").decode("ascii")
        unicode_form = ascii_form.encode("ascii").decode("idna") if "xn--" in ascii_form else ascii_form
    except (UnicodeError, ValueError):
        return None
    return ascii_form.lower(), unicode_form


host_allowed = host_in  # GM502's name for the shared rule in govmedia/dialect/identifiers.py


def check_url(url: str, allowed: Sequence[str]) -> LinkProblem | None:
    """Judge one link target; None when it is fine. Relative links (site pages) are fine."""
    return _check_url(url, tuple(allowed))


@lru_cache(maxsize=4096)
def _check_url(url: str, allowed: tuple[str, ...]) -> LinkProblem | None:
    cleaned = _STRIP.sub("", html.unescape(url)).replace("\\", "/")
    m = _SCHEME.match(cleaned)
    if m is None:
        if not cleaned.startswith("//"):
            return None  # relative: a page of this site
        cleaned = "https:" + cleaned
        m = _SCHEME.match(cleaned)
        assert m is not None
    scheme = m.group(1).lower()
    if scheme != "https":
        if scheme == "http":
            return LinkProblem("使用了不加密的 http 链接，应改为 https",
                               "the link uses plain http; use https")
        return LinkProblem(f"使用了不允许的链接协议 “{show(scheme, 20)}:”（只允许 https）",
                           f"the link uses the scheme '{show(scheme, 20)}:' (only https is allowed)")
    authority = url_authority(cleaned)
    if authority is None:
        return LinkProblem("链接格式错误，无法识别域名", "the link is malformed: no host can be read")
    host = authority.host
    if authority.userinfo:
        return LinkProblem("链接在域名前带有 “用户名@”，常用于伪装真实域名",
                           "the link carries 'user@' before the host, a way to disguise the real host")
    forms = _host_forms(host)
    if forms is None:
        return LinkProblem(f"链接的域名 “{show(host)}” 无效", f"the link's host '{show(host)}' is not valid")
    ascii_host, unicode_host = forms
    shown = ascii_host if ascii_host == unicode_host else f"{ascii_host}（{unicode_host}）"
    shown_en = ascii_host if ascii_host == unicode_host else f"{ascii_host} ({unicode_host})"
    try:
        ipaddress.ip_address(ascii_host.strip("[]"))
        return LinkProblem(f"链接直接指向 IP 地址 {show(shown)}",
                           f"the link points at the IP address {show(shown_en)}")
    except ValueError:
        pass
    if not host_allowed(ascii_host, allowed):
        return LinkProblem(
            f"链接指向允许范围以外的域名 {show(shown, 120)}",
            f"the link points at {show(shown_en, 120)}, outside allowed_link_domains")
    return None


# A link written out in text (GM502 reads it; GM501 leaves its letters to GM502: see rules/lib/detector.py).
BARE_URL = re.compile(
    r"(?i)(?<![A-Za-z0-9+.\-])(?:(?:https?|ftp)://|www\.)[^\s<>\"'`()\[\]{}，。；！？、“”‘’（）《》【】]{1,2000}")
_SCRIPT_SCHEME = re.compile(
    r"(?i)(?<![A-Za-z])(?:java|vb|live)\s{0,3}script\s{0,3}:|data\s{0,3}:\s{0,3}[a-z]{1,20}/")


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    setattr(md, "validateLink", lambda url: True)  # noqa: B010  # see every link, even dropped ones
    return md


def _line_offsets(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def markdown_links(text: str) -> list[Link]:
    """Every link a reader could follow: markdown-it's links and images, bare URLs, script schemes."""
    starts = _line_offsets(text)
    links: list[Link] = []
    # Without "[" there is no inline, reference or image link: autolinks are found by _AUTOLINK (below),
    # which spares the Markdown parser on most announcements.
    tokens: list[Any] = []
    if "[" in text:
        try:
            tokens = _markdown().parse(text)
        except Exception:  # pragma: no cover - markdown-it is total (fuzzed); never let a parser bug crash
            tokens = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else 0
        base = starts[min(line, len(starts) - 1)]
        for tok in block.children:
            if tok.type == "link_open":
                how = "autolink" if tok.markup == "autolink" else "inline"
                url = str(tok.attrs.get("href", ""))
            elif tok.type == "image":
                how, url = "image", str(tok.attrs.get("src", ""))
            else:
                continue
            raw_at = text.find(url, base) if url else -1
            links.append(Link(raw_at if raw_at >= 0 else base, url, how))
    if not tokens:
        for m in _AUTOLINK.finditer(text):
            if "@" not in m.group() or ":" in m.group():
                links.append(Link(m.start() + 1, html.unescape(m.group()[1:-1]), "autolink"))
    for m in BARE_URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        if url.lower().startswith("www."):
            url = "https://" + url
        links.append(Link(m.start(), url, "bare"))
    for m in _SCRIPT_SCHEME.finditer(text):
        links.append(Link(m.start(), m.group(), "text"))
    for line_no, line_text in enumerate(text.split("\n") if "&" in text else ()):
        if "&" in line_text:  # entity-encoded schemes outside links: &#106;avascript:
            decoded = html.unescape(line_text)
            if decoded != line_text:
                hit = _SCRIPT_SCHEME.search(decoded)
                if hit:
                    links.append(Link(starts[line_no], hit.group(), "text"))
    return links


# -- GM503 raw HTML and template syntax ------------------------------------------------------------

_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>|<[^\s<>@]+@[^\s<>@]+>")
_HTML = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!|\?)")
_TEMPLATE = re.compile(
    r"--8<--|\{%|\{\{|\{#|\{\s{0,20}[:#.][^}\n]{0,200}\}|\{[^{}\n]{0,200}=[^{}\n]{0,200}\}")


@dataclass(frozen=True)
class Markup:
    offset: int
    text: str
    what_zh: str
    what_en: str


# An allow marker for GM501 (govmedia/rules/lib/detector.py): govmedia: allow GM501 "365路" 公交线路名称（审核人、日期） — in a YAML comment or a Markdown <!-- --> comment
ALLOW_MARKER = re.compile(r"govmedia:\s?allow\s+GM501\s+[\"“]([^\"“”\n<>]{1,80})[\"”]\s*([^\n<>]{0,200})")
MARKDOWN_MARKER = re.compile(rf"<!--\s{{0,3}}(?:{ALLOW_MARKER.pattern})-->")


def markdown_markup(text: str) -> list[Markup]:
    """Raw HTML (tags, comments, declarations), attribute lists, snippet and template syntax."""
    out: list[Markup] = []
    autolinks = {m.start() for m in _AUTOLINK.finditer(text)}
    for m in _HTML.finditer(text):
        at = m.start()
        if at in autolinks or text.startswith("](", at - 2):  # [text](<destination>) is a link
            continue
        comment = text.startswith("<!--", at)
        if comment and MARKDOWN_MARKER.match(text, at):
            continue  # a reviewed false positive's allow marker, not markup (it renders as nothing)
        what = ("HTML 注释", "an HTML comment") if comment else ("HTML 标签", "an HTML tag")
        excerpt = text[at : at + 40].split("\n", 1)[0]
        close = excerpt.find(">")
        out.append(Markup(at, excerpt[: close + 1] if close > 0 else excerpt, *what))
        if len(out) >= MAX_HITS:
            return out
    for m in _TEMPLATE.finditer(text):
        token = m.group()
        if token.startswith("--8<--"):
            what = ("片段包含语法 --8<--", "snippet include syntax --8<--")
        elif token[:2] in ("{%", "{{", "{#"):
            what = ("模板语法（Jinja）", "template (Jinja) syntax")
        else:
            what = ("属性列表语法 {…}", "attribute-list syntax {…}")
        out.append(Markup(m.start(), token, *what))
        if len(out) >= MAX_HITS:
            break
    return out


_PLAIN_SPECIAL = re.compile(r"[<>\"&]|\{\{|\{%|--8<--")


def plain_markup(text: str) -> list[Markup]:
    """``<>"&`` and template syntax in a plain-text field (names, titles, positioning)."""
    m = _PLAIN_SPECIAL.search(text)
    if m is None:
        return []
    return [Markup(m.start(), m.group(), "HTML 特殊字符或模板语法",
                   "an HTML-special character or template syntax")]


# -- GM504 personal data ---------------------------------------------------------------------------

PersonalKind = Literal["mobile", "id", "email"]


@dataclass(frozen=True)
class Personal:
    offset: int
    text: str
    kind: PersonalKind


_MOBILE = re.compile(r"(?<![0-9A-Za-z_/=.%\-])(?:(?:\+|00)?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]){8}(?![0-9])")
_RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_DOMAIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}")


def id_check_ok(number: str) -> bool:
    """GB 11643: the 18th character of a resident ID number is a check digit over the first 17."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _narrow_code(code: int) -> int:
    """A full-width digit, letter or sign to its ASCII form, any other character to itself."""
    n = unicodedata.normalize("NFKC", chr(code))
    return ord(n) if len(n) == 1 and n.isascii() else code


_NARROW = TranslateTable(_narrow_code)


def _narrow(text: str) -> str:
    """Full-width digits, letters and signs to ASCII, one character for one (offsets stay valid)."""
    return text if text.isascii() else text.translate(_NARROW)


def email_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where e-mail addresses are in ``text`` (full-width forms included)."""
    return _emails(_narrow(text))


def _emails(text: str) -> Iterator[tuple[int, int]]:
    at = text.find("@")
    while at != -1:
        left = at
        while left > 0 and at - left < 64 and text[left - 1] in _LOCAL:
            left -= 1
        right = at + 1
        while right < len(text) and right - at <= 255 and text[right] in _DOMAIN:
            right += 1
        domain = text[at + 1 : right].rstrip(".-")
        in_url = left > 0 and text[left - 1] == "/"  # https://user@host: a link's user part (GM502)
        if left < at and not in_url and _DOMAIN_RE.fullmatch(domain):
            yield left, at + 1 + len(domain)
        at = text.find("@", at + 1)


# What makes an e-mail address an office's published contact, not a person's: a label right before it
# (报料邮箱：, 举报信箱, 电子邮箱:, Email:). A mobile number stays personal whatever its label: an office's
# public line is a landline or a short service number (0919-2181509, 12345), which is never reported.
_PUBLIC_EMAIL = re.compile(r"(?i)(?:举报|舉報|报料|報料|爆料|投稿|投诉|投訴|受理|来信|來信|监督|監督)?"
                           r"(?:信箱|邮箱|郵箱|e-?mail|电子邮件|電子郵件)\s{0,2}[:：]?\s{0,2}$")
_LABEL_REACH = 20  # characters before the datum that the label may stand in


def _labelled(text: str, at: int, label: re.Pattern[str]) -> bool:
    """Whether a public-contact label ends right before ``at``."""
    return label.search(text[max(0, at - _LABEL_REACH) : at]) is not None


def personal_data(text: str, institutional: Sequence[str] = ()) -> list[Personal]:
    """Personal mobile numbers, resident ID numbers and e-mail addresses. Not personal: an address on a
    domain of ``institutional`` (the district's own domains), and an address labelled as an office's
    published contact (举报邮箱：…, 电子邮箱:…)."""
    narrow = _narrow(text)
    out: list[Personal] = []
    for m in _MOBILE.finditer(narrow):
        out.append(Personal(m.start(), text[m.start() : m.end()], "mobile"))
    for m in _RESIDENT_ID.finditer(narrow):
        if id_check_ok(m.group()):
            out.append(Personal(m.start(), text[m.start() : m.end()], "id"))
    for start, end in _emails(narrow):
        domain = narrow[start:end].rsplit("@", 1)[-1].lower()
        if (institutional and host_in(domain, institutional)) or _labelled(narrow, start, _PUBLIC_EMAIL):
            continue
        out.append(Personal(start, text[start:end], "email"))
        if len(out) >= 3 * MAX_HITS:
            break
    out.sort(key=lambda p: p.offset)
    return out[:MAX_HITS]


def mask(value: str, kind: PersonalKind) -> str:
    """Show enough of a personal datum to find it, not enough to repeat it in CI logs."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:2]}***@{domain}"
    digits = value.strip()
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) > 7 else "***"
