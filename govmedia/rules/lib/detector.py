"""GM501's detector: a passage is scored by families of spam evidence, never judged by one word.

A passage is a Markdown paragraph (text between blank lines) or a whole plain-text field. Each *signal*
belongs to a family and has a weight; a passage is reported when its score reaches THRESHOLD and either
one strong signal (weight >= THRESHOLD) or two different signals make it:

============  =======================================================================================
family        what it is
============  =======================================================================================
brand         a gambling or porn brand of the term list (澳门新葡京, 九游体育, 365bet), also written in
              pinyin (aomenxinpujing), by its pinyin initials (amxpj, brands of four or more
              characters) or with one Han character swapped for a look-alike (澳门新葡亰, 皇冠休育)
term          a spam phrase of the term list (真人荷官, 注册送彩金); pinyin and look-alikes as for brands
vice          gambling or porn vocabulary (百家乐, 投注, 一区二区, 无码): weak, each counts once
platform      where-to-sign-up words (官网, 入口, app下载, 注册, 备用网址, 开户, 首充): count only in a
              sentence that also holds a brand, term, vice or bet-number signal
scam          solicitations that anti-fraud warnings quote (刷单, 加微信, 裸聊, 代开发票)
bet-number    digits with bet/bat (365bet, bat365) or with 体育/棋牌/娱乐/彩票 (188体育, 777棋牌)
domain        a domain written to dodge link filters (www,xxx111,com; 079点one; ０７９．ｏｎｅ; U76·Cc) or,
              weaker, a plain domain outside the allowed ones (a numeric one such as 376838.com weighs more)
contact       an instant-messaging contact (微：zxcvbnms2779, QQ：1217771269, 飞机：@lc15688, +微ch0098888,
              TG客服:@xl9kf_bot, 溦542394562), or a mobile number with 电/微 written between its digits
brand-shape   a name shaped like a gambling brand: a short name, 体育/娱乐/棋牌/电竞/国际/真人, then sign-up
              words (智博体育app官网入口, a 8 体 育 a p p 官 网, 盛世国际娱乐开户)
cert          a certificate offered for sale (代办驾驶证, 武安办毕业证)
promise       earnings or a success rate promised with a figure (日结保底200+, 日赚500元, 80%的解密出款成功):
              weak, like a scam word
============  =======================================================================================

Context: sentence ends (。！？；!?; and line breaks) are boundaries, no term matches across one
(兼职。刷单 is not 兼职刷单). A sentence holding a warning word (诈骗, 谨防, 警惕, 提醒, 不要, 严厉打击,
举报, 警方, 公安 …: the term list's ``[warning]`` section) explains what it names: its term, vice, scam and
platform signals do not count. Brands, brand-shaped names, bet-numbers, disguised domains and contacts
always count: a spammer cannot hide 澳门葡京 or a WeChat id behind 严禁, and an injection lands inside a
warning title as easily as anywhere (我市打击跨境赌博成效显著 维基体育官方入口). A brand the warning sentence
quotes (跳转至“开云体育”赌博网站) is named, not offered, and does not count there; nor does a brand in a
sentence that reports on a licensed industry (the ``[report]`` section: 博彩监察协调局, 毛收入, 承批公司),
which is a warning sentence too. A passage with a warning sentence is not reported on gambling words alone
(police prose describes the game after its warning), and list words inside a short quotation (“老虎机”)
are named, not offered.

Everything is linear in the length of the text: one Aho-Corasick pass over the folded text (govmedia/
dialect/textfold.py, shared with GM105) and bounded regular expressions without nested unbounded
repetition over a length-preserving ASCII form of it (patterns.py; tests/test_detector.py measures the
time per KB).

With a learned model (learned.py), each passage is also judged by it, and :meth:`Detector.scan` combines the
two (docs/architecture.md, "GM501: patterns and a learned model").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick
from pypinyin import Style, lazy_pinyin

from govmedia.dialect.textfold import fold, skeleton_chars
from govmedia.rules.lib.contentscan import ALLOW_MARKER, MARKDOWN_MARKER, Term
from govmedia.rules.lib.learned import Model
from govmedia.rules.lib.learned import model as learned_model
from govmedia.rules.lib.patterns import SENTENCE_BREAK, Signal, origin_of, pattern_signals, shape_signals

THRESHOLD = 10
MAX_VERDICTS = 20  # per text: enough to show the problem, bounded for hostile input
FAMILY_ZH = {"brand": "博彩色情品牌", "term": "招揽短语", "vice": "赌博色情词", "platform": "平台词",
             "scam": "招揽词", "bet-number": "数字博彩名", "domain": "网址", "contact": "联系方式",
             "keyword-list": "关键词堆砌", "brand-shape": "品牌式名称", "cert": "办证",
             "promise": "收益承诺", "model": "统计模型特征"}
VIA_ZH = {"": "", "pinyin": "拼音", "initials": "拼音首字母", "lookalike": "形近字"}
_ALWAYS = frozenset({"brand", "bet-number", "domain", "contact", "brand-shape"})  # count in a warning sentence
_LISTED = frozenset({"brand", "term", "vice", "platform", "scam", "cert"})  # one entry inside another counts once
_HAS_VICE = frozenset({"brand", "term", "vice", "scam", "bet-number", "brand-shape"})  # what makes platform words count
_PLATFORM_CAP = 4  # platform words say where to sign up; together they weigh at most this much
# A short quotation names what it holds (警方提醒：“老虎机”“捕鱼机”都是赌博): its list words do not count.
_QUOTE = re.compile(r"“[^”\n]{1,10}”|「[^」\n]{1,10}」|『[^』\n]{1,10}』|\"[^\"\n]{1,10}\"|‘[^’\n]{1,10}’")
_QUOTE_CHARS = re.compile(r"[“「『\"‘]")
_NAMED = frozenset({"term", "vice", "scam", "platform", "brand-shape", "cert", "promise"})  # what a quotation names
_WEAK = frozenset({"vice", "platform", "scam", "promise"})  # words alone, without a name, a number, an address or a contact
_PARAGRAPH = re.compile(r"\n[ \t\u3000]*\n")
# A count of people arrested (拘21人, 捕7人, 抓获3名) is police news: its sentence warns, like 抓获 does.
_ARREST = re.compile(r"(?:拘|捕|抓|逮)[获獲捕留]?\s?(?:\d{1,5}|[一二三四五六七八九十两兩]{1,3})\s?[人名]")


@dataclass(frozen=True)
class Verdict:
    """One passage that reached THRESHOLD: where it is, its score and the signals that counted."""

    start: int
    end: int
    score: int
    signals: tuple[Signal, ...]
    probability: float | None = None  # the learned model's, when it read the passage (learned.py)

    @property
    def first(self) -> Signal:
        return min(self.signals, key=lambda s: (-s.weight, s.start))


@lru_cache(maxsize=1)
def han_lookalikes() -> dict[str, tuple[str, ...]]:
    """Character -> its look-alikes, from data/han-lookalikes.txt (generated from the PyPI package
    char-similar by scripts/han_lookalikes.py)."""
    text = resources.files("govmedia.rules.lib").joinpath("data/han-lookalikes.txt").read_text(encoding="utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            char, *others = line.split()
            table[char] = tuple(others)
    return table


def _lookalike_keys(key: str) -> Iterator[str]:
    """``key`` with one Han character after the first swapped for each of its look-alikes. The first stays:
    the automaton's cost per character grows with the number of different first characters of its keys
    (pyahocorasick searches a node's children in turn), and a swap anywhere else is caught."""
    table = han_lookalikes()
    for i, ch in enumerate(key):
        if i == 0:
            continue
        for other in table.get(ch, ()):
            yield key[:i] + _char_key(other) + key[i + 1 :]


@lru_cache(maxsize=4096)
def _char_key(ch: str) -> str:
    return term_key(ch)


def _han_only(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" for c in text)


def term_key(text: str) -> str:
    return skeleton_chars(fold(text))


def _keys(term: Term) -> Iterator[tuple[str, str]]:
    """(automaton key, via) for one list entry: itself, its look-alikes, its pinyin and initials."""
    key = term_key(term.text)
    if not key:
        return
    yield key, ""
    if term.family not in ("brand", "term", "vice", "scam"):
        return
    folded = fold(term.text)
    if len(key) >= 3 and term.family in ("brand", "term"):
        for variant in _lookalike_keys(key):  # 澳门新葡亰, 皇冠休育, 威尼斯入
            yield variant, "lookalike"
    if any("\u4e00" <= c <= "\u9fff" for c in folded):
        pinyin = "".join(lazy_pinyin(folded))
        if len(pinyin) >= 6 and pinyin.isascii() and pinyin != folded:
            yield term_key(pinyin), "pinyin"
        if term.family == "brand" and _han_only(folded) and len(folded) >= 4:
            yield term_key("".join(lazy_pinyin(folded, style=Style.FIRST_LETTER))), "initials"


class Detector:
    """The term list as one automaton (with look-alike, pinyin and initials variants), and the pattern
    families; built once per run (:func:`detector_for`)."""

    def __init__(self, terms: Sequence[Term], allowed_domains: Sequence[str] = ("gov.cn",),
                 learned: Model | None = None) -> None:
        self.allowed = tuple(allowed_domains)
        self.learned = learned
        self.automaton: Any = ahocorasick.Automaton()
        by_key: dict[str, list[tuple[Term, str]]] = {}
        for term in terms:
            for key, via in _keys(term):
                group = by_key.setdefault(key, [])
                if via == "" or not any(t.family == term.family for t, _ in group):
                    group.append((term, via))
        for key, group in by_key.items():
            self.automaton.add_word(key, (key, tuple(group)))
        self.empty = not by_key
        if not self.empty:
            self.automaton.make_automaton()

    def _term_signals(self, text: str, hits: list[tuple[int, Any]], breaks: list[int], cache: list[list[int]]
                      ) -> tuple[list[Signal], set[int]]:
        """Signals of the term list (from the automaton's ``hits`` on the folded text), and the sentences
        that hold a warning word."""
        origin = origin_of(text, cache)
        found: list[Signal] = []
        allows: list[tuple[int, int]] = []
        warned: set[int] = set()
        reported: set[int] = set()
        for end, (key, group) in hits:
            start = end - len(key) + 1
            first, last = origin[start], origin[end] + 1
            if key.isascii() and _inside_word(text, first, last):
                continue  # "pk10" inside a random handle, "amxpj" inside a longer word
            sentence = bisect_right(breaks, first)
            spans = sentence != bisect_right(breaks, last - 1)
            for term, via in group:
                if term.family == "allow":
                    allows.append((first, last))
                elif spans and term.family != "brand":
                    continue  # sentence ends are boundaries (a brand split by 。 is still a brand)
                elif term.family in ("warning", "report"):
                    warned.add(sentence)
                    if term.family == "report":
                        reported.add(sentence)
                else:
                    found.append(Signal(term.family, first, last, term.weight, term.text, via, sentence))
        if allows:
            found = [s for s in found if not any(a <= s.start and s.end <= b for a, b in allows)]
        if reported:  # 澳门博彩监察协调局公布…澳门赌场的毛收入: a licensed industry's news names its operators
            found = [replace(s, named=True) if s.family == "brand" and s.sentence in reported else s for s in found]
        return found, warned

    def scan(self, text: str, allowed: Sequence[str] = (), name: bool = False) -> list[Verdict]:
        """The passages of ``text`` that are spam, in order. Without a learned model: those the pattern
        families score at THRESHOLD or more. With one (learned.py), a passage of MIN_CHARS or more is
        judged by the model, which reads the patterns' evidence with the text (:func:`_tokens`): spam at
        its threshold; a passage the patterns report is kept unless the model clears it (below its veto),
        and never cleared when one of its counted signals is of a family that counts even in a warning
        (_ALWAYS: brand, brand shape, bet-number, disguised domain, contact) or is a strong entry of the term
        list (weight THRESHOLD or more). In a name (a plain-text field) the model only clears. Text inside
        an occurrence of an ``allowed`` text (a reviewed false positive, see :func:`allow_markers`) is no
        evidence."""
        if "govmedia:" in text:  # an allow marker's own words are not published text
            text = MARKDOWN_MARKER.sub(lambda m: " " * len(m.group()), text)
        judge = self.learned is not None
        # a name is judged only where the patterns report it (the model only clears there): no full reading
        readings = self.read(text, allowed, name, full=judge and not name)
        out: list[Verdict] = []
        for reading in readings:
            judged = self._judged(text, allowed, name, reading) if judge else reading.verdict
            if judged is not None:
                out.append(judged)
                if len(out) >= MAX_VERDICTS:
                    break
        return out

    def _judged(self, text: str, allowed: Sequence[str], name: bool, reading: Reading) -> Verdict | None:
        """One passage's verdict, the patterns' weighed with the learned model's estimate."""
        assert self.learned is not None
        verdict = reading.verdict
        if verdict is None and name:
            return None
        passage = text[reading.start : reading.end]
        for a in allowed:
            passage = passage.replace(a, " " * len(a)) if a else passage
        probability = self.learned.estimate(passage, reading.tokens)
        if probability is None:
            return verdict
        if verdict is not None:
            # what counts even in a warning (_ALWAYS), or a strong entry of the district's list, stands
            stands = any(s.family in _ALWAYS or s.weight >= THRESHOLD for s in verdict.signals)
            keep = stands or probability >= self.learned.veto
            return replace(verdict, probability=probability) if keep else None
        if probability < self.learned.threshold:
            return None
        start = reading.start
        found = tuple(Signal("model", start + e.start, start + e.end, round(e.contribution * 10), e.gram,
                             sentence=-1) for e in self.learned.evidence(passage, reading.tokens))
        if not found and not reading.signals:
            return None  # nothing to show a reviewer
        return Verdict(start, reading.end, 0, tuple(sorted((*reading.signals, *found), key=lambda s: s.start)),
                       probability)

    def tokens(self, text: str) -> list[str]:
        """The patterns' evidence in ``text`` as the learned model reads it (training reads it here)."""
        return list(dict.fromkeys(t for r in self.read(text, (), False, True) for t in r.tokens))

    def read(self, text: str, allowed: Sequence[str], name: bool, full: bool) -> list[Reading]:
        """Each passage with its pattern signals and verdict. Without ``full`` a text that cannot reach
        THRESHOLD is not read further (most texts); ``full`` reads it for the learned model."""
        keyed = skeleton_chars(fold(text)) if text and not self.empty else ""
        found = keyed and next(self.automaton.iter(keyed), None) is not None
        hits: list[tuple[int, Any]] = list(self.automaton.iter(keyed)) if found else []
        if not hits and not _LATIN.search(text):
            return [Reading(a, b) for a, b in _passages(text)] if full else []  # nothing for the patterns
        cache: list[list[int]] = []
        patterns = [*pattern_signals(text, self.allowed), *shape_signals(text, keyed, cache)]
        if not full and _bound(hits, name) + sum(p.weight for p in patterns) < THRESHOLD:
            return []  # even if every signal counted, no passage could reach THRESHOLD
        breaks = [m.start() for m in SENTENCE_BREAK.finditer(text)]
        signals, warned = self._term_signals(text, hits, breaks, cache) if hits else ([], set())
        warned |= {bisect_right(breaks, m.start()) for m in _ARREST.finditer(text)}
        signals.extend(Signal(p.family, p.start, p.end, p.weight, p.label, "", bisect_right(breaks, p.start))
                       for p in patterns)
        if allowed:
            spans = [(m.start(), m.start() + len(a)) for a in allowed if a for m in re.finditer(re.escape(a), text)]
            signals = [s for s in signals if not any(a <= s.start and s.end <= b for a, b in spans)]
        if _QUOTE_CHARS.search(text):
            signals = _unquoted(text, signals)
        signals.sort(key=lambda s: s.start)
        starts = [s.start for s in signals]
        readings: list[Reading] = []
        warned_at = sorted(warned)
        for start, end in _passages(text):
            inside = signals[bisect_left(starts, start) : bisect_left(starts, end)]
            first = bisect_left(warned_at, bisect_right(breaks, start))
            warns = first < len(warned_at) and warned_at[first] <= bisect_right(breaks, end - 1)
            verdict = _score(start, end, inside, warned, name, warns) if inside else None
            if verdict is not None or full:
                readings.append(Reading(start, end, verdict, tuple(inside), _tokens(inside, warned, warns, verdict)))
        return readings


@dataclass(frozen=True)
class Reading:
    """A passage as the patterns read it: its verdict (None below THRESHOLD), every signal in it (counted
    or not) and the evidence tokens the learned model reads."""

    start: int
    end: int
    verdict: Verdict | None = None
    signals: tuple[Signal, ...] = ()
    tokens: tuple[str, ...] = ()


def _tokens(inside: Sequence[Signal], warned: set[int], warns: bool, verdict: Verdict | None) -> tuple[str, ...]:
    """What the patterns saw in a passage, as words the learned model reads beside its n-grams (``@`` never
    occurs in folded text): each family present outside warning sentences, a warning, a verdict."""
    out = [f"@{s.family}" for s in inside if _counts(s, warned)]
    out.extend(f"@{s.family}-{s.via}" for s in inside if s.via)
    if warns:
        out.append("@warning")
    if verdict is not None:
        out.append("@verdict")
    return tuple(dict.fromkeys(out))


def _counts(s: Signal, warned: set[int]) -> bool:
    """Whether a signal counts where it stands: outside a warning sentence always; inside one only a
    brand, brand shape, bet-number, disguised domain or contact, and not a brand the sentence names (a
    warning's quotation, 跳转至“开云体育”赌博网站, or a report on a licensed industry, see ``[report]``)."""
    return s.sentence not in warned or (s.family in _ALWAYS and not s.named)


def _unquoted(text: str, signals: list[Signal]) -> list[Signal]:
    """``signals`` without the list words that lie inside a short quotation, and with its brands marked as
    named (quotations do not nest: the one that could hold a signal is the last to open before it)."""
    quoted = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    if not quoted:
        return signals
    opens = [a for a, _ in quoted]
    kept = []
    for s in signals:
        # a brand shape's name may begin before the quotation mark (名为“智博体育app官网”: the folded text has
        # no marks); what it offers, its category and sign-up words, is what the quotation must hold
        at = s.end - 2 if s.family == "brand-shape" else s.start
        i = bisect_right(opens, at - 1) - 1
        inside = i >= 0 and s.end < quoted[i][1]
        if inside and s.family in _NAMED:
            continue
        kept.append(replace(s, named=True) if inside and s.family == "brand" else s)
    return kept


def _bound(hits: list[tuple[int, Any]], name: bool) -> int:
    """The most the automaton's hits could score: each entry once, platform words capped."""
    best: dict[tuple[str, str], int] = {}
    for _, (_, group) in hits:
        for term, _via in group:
            if term.weight:
                strong = name and term.family == "scam"
                best[(term.family, term.text)] = max(term.weight, THRESHOLD) if strong else term.weight
    platform = sum(w for (family, _), w in best.items() if family == "platform")
    return sum(best.values()) - max(0, platform - _PLATFORM_CAP)


_LATIN = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] continues a longer Latin word on either side (ids, urls, hashes)."""
    return (start > 0 and _LATIN.match(text[start - 1]) is not None) or (
        end < len(text) and _LATIN.match(text[end]) is not None)


def _passages(text: str) -> Iterator[tuple[int, int]]:
    at = 0
    for m in _PARAGRAPH.finditer(text):
        yield at, m.start()
        at = m.end()
    yield at, len(text)


def _score(start: int, end: int, signals: Iterable[Signal], warned: set[int], name: bool,
           warns: bool = False) -> Verdict | None:
    """A passage's verdict: warning sentences drop what they explain, platform words need vice beside
    them, each (family, entry) counts once; None below THRESHOLD or with one weak signal alone. In a
    ``name`` (a plain-text field: an account, unit or stage name, a title, a positioning line) a
    solicitation counts in full: a name never quotes one to explain it. A passage that ``warns`` (one of
    its sentences holds a warning word) is not reported on weak words alone: police prose describes how
    gambling works in the sentences after its warning, spam that warns still names, links or gives a
    contact."""
    kept: list[Signal] = []
    reach = -1  # a list entry inside a longer one (精品 in 国产精品, 官方 in 官方网站) is part of it
    for s in sorted(signals, key=lambda s: (s.start, -s.end)):
        listed = s.family in _LISTED
        if (listed and s.end <= reach) or not _counts(s, warned):
            continue
        kept.append(replace(s, weight=max(s.weight, THRESHOLD)) if name and s.family == "scam" else s)
        if listed:
            reach = max(reach, s.end)
    shapes = [(s.start, s.end) for s in kept if s.family == "brand-shape"]  # in order, never overlapping
    if shapes:  # 体育app, 官网 inside 智博体育app官网入口 are part of the name
        opens = [a for a, _ in shapes]
        kept = [s for s in kept if s.family not in ("vice", "platform") or not _inside(s, shapes, opens)]
    vice_sentences = {s.sentence for s in kept if s.family in _HAS_VICE}
    counted: dict[tuple[str, str], Signal] = {}
    for s in sorted(kept, key=lambda s: (-s.weight, s.start)):
        if s.family == "platform" and s.sentence not in vice_sentences:
            continue
        counted.setdefault((s.family, term_key(s.label)), s)
    platform = sum(s.weight for s in counted.values() if s.family == "platform")
    score = sum(s.weight for s in counted.values()) - max(0, platform - _PLATFORM_CAP)
    strong = any(s.weight >= THRESHOLD for s in counted.values())
    if score < THRESHOLD or (len(counted) < 2 and not strong):
        return None
    if warns and not name and all(s.family in _WEAK for s in counted.values()):
        return None
    return Verdict(start, end, score, tuple(sorted(counted.values(), key=lambda s: s.start)))


def _inside(s: Signal, spans: list[tuple[int, int]], opens: list[int]) -> bool:
    """Whether ``s`` lies inside one of ``spans`` (sorted, not overlapping; ``opens`` their starts)."""
    i = bisect_right(opens, s.start) - 1
    return i >= 0 and s.end <= spans[i][1]


def allow_markers(file_text: str) -> list[tuple[str, str]]:
    """(allowed text, reason) of every allow marker in a file: a reviewed false positive, recorded where
    review sees it. A marker without a reason (at least two characters) does not count."""
    out = []
    for m in ALLOW_MARKER.finditer(file_text):
        reason = m.group(2).strip().rstrip("-").strip()  # a Markdown marker's "--" of its closing "-->"
        if len(reason) >= 2:
            out.append((m.group(1), reason))
    return out


@lru_cache(maxsize=8)
def detector_for(terms: tuple[Term, ...], allowed_domains: tuple[str, ...]) -> Detector:
    return Detector(terms, allowed_domains, learned_model())
