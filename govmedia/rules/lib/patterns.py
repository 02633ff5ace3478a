"""GM501's pattern families that are regular expressions, not list entries: disguised and plain domains,
bet-numbers, messenger contacts and marked phones, brand shapes, certificates, promised earnings, mirror
addresses, keyword lists and repeated titles (govmedia/rules/lib/detector.py explains the families and
scores them). Every expression is bounded, without nested unbounded repetition: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from govmedia.dialect.identifiers import host_in
from govmedia.dialect.textfold import ascii_lookalike, fold_map
from govmedia.rules.lib.contentscan import BARE_URL

SENTENCE_BREAK = re.compile(r"[。！？；!?;\n]")  # sentence ends: no term matches across one


@dataclass(frozen=True)
class Signal:
    family: str
    start: int  # index in the text
    end: int  # exclusive
    weight: int
    label: str  # the list entry or what the pattern saw
    via: str = ""  # "", "pinyin", "initials", "lookalike"
    sentence: int = 0  # which sentence of the text it lies in
    named: bool = False  # a brand named, not offered (quoted in a warning, or in an industry report)


_TLD = r"(?:com|net|org|cc|vip|top|xyz|one|win|me|co|cn|info|app|io|tv|club|bz|bet|live|pro|fun|site|asia|cyou|shop|online|la|ws)"
_SEP = r"(?:[,，。·・•、]|点|點|dot)"
_SEP_RE = re.compile(r"\s?(?:[,，。·・•、]|点|點|dot)\s?")
_ODD_SEP = re.compile(r"[。·・•、]|点|點|dot")
_LABEL = r"[a-z0-9][a-z0-9\-]{0,30}"
# Patterns read the lower-case ASCII form (ascii_lookalike): no IGNORECASE, which would cost Python's
# regular-expression engine its literal-prefix search. Each runs only where a cheap test finds its anchor.
_TLD_END = re.compile(rf"{_TLD}(?![a-z0-9])")
_DISGUISED = re.compile(rf"(?<![a-z0-9])(?:{_LABEL}\s?{_SEP}\s?){{1,3}}{_TLD}\Z")
_DOMAIN = re.compile(rf"(?<![a-z0-9@.\-])(?:{_LABEL}\.){{1,4}}{_TLD}\Z")
_DOMAIN_REACH = 4 * 36  # characters before a top-level domain that a domain may take
_BET_NUMBER = re.compile(r"(?<![a-z0-9])(?:\d{2,6}\s?(?:bet|bat|beat)(?![a-z])|(?:bet|bat|beat)\s?\d{2,6}(?![0-9]))")
_HAN_WORDS = ("体育", "棋牌", "娱乐", "彩票", "电竞", "真人", "视讯", "捕鱼", "體育", "娛樂", "電競")
_HAN_NUMBER = re.compile(rf"(?<![0-9第])\d{{2,6}}\s?(?:{'|'.join(_HAN_WORDS)})|"
                         rf"(?:{'|'.join(_HAN_WORDS)})\s?\d{{2,6}}(?![0-9年月日号万亿元个家名人届期%])")
# A casino's name with its site code, written where an institution's name stood (9001cc金沙, 金沙990,
# 9728太阳集团): a copied school site whose name a defacer replaced. A year (2023金沙江…) is not a code.
_CASINO_WORDS = ("金沙", "太阳集团", "太阳城", "伟德", "葡京", "威尼斯人", "永利", "太陽集團", "太陽城", "偉德")
_CASINO_NUMBER = re.compile(rf"(?<![0-9a-z])(?!(?:19|20)\d\d(?![0-9]))\d{{2,6}}[a-z]{{0,3}}\s?(?:{'|'.join(_CASINO_WORDS)})|"
                            rf"(?:{'|'.join(_CASINO_WORDS)})\s?\d{{2,6}}(?![0-9年月日号万亿元个家名人届期%])")
_IM = r"(?:微信|威信|薇信|溦信|v信|vx|wx|微|薇|威|溦|嶶|扣扣|扣|qq|飞机|飛機|tg|telegram|电报|電報)"
_IM_HINT = re.compile(r"微|薇|威|溦|嶶|扣|飞机|飛機|电报|電報")  # with letters (qq, wx, tg, v信) _CONTACT runs anyway
# A messenger word written without a separator (wx…, qq…, vx…) is not read inside a Latin word or a URL's
# token (…/MS4wLjAB…wxl2PT…: random ids hold "wx", "qq", "vx"); with a colon it is (abc123QQ：123456).
_CONTACT = re.compile(
    rf"(?:{_IM}(?:客服|号|账号)?\s{{0,2}}[:：(（【\[「『]{{1,3}}"
    rf"|(?:加|\+)\s{{0,2}}(?:{_IM}|v|q)号?\s{{0,2}}[:：(（【\[]{{0,3}}"
    r"|(?<![a-z0-9_=&%\-])(?:v信|vx|wx|qq|微信)号?|(?:微|薇|溦|嶶)(?=\d{5})|(?<![a-z])q\s?[:：])"
    r"\s{0,2}(@?)([a-z0-9_][a-z0-9_\-]{3,29})")
# A mobile number with a messenger's or a phone's word written between its digits (178(电)7383(溦)9004):
# never an office's way of giving a number, always a way past filters.
_MARKED_PHONE = re.compile(
    r"(?<![0-9])1[3-9]\d(?:[\s\-.乄乀()（）【】\[\]]{0,2}(?:电|電|话|話|微|溦|薇|威|v|信)?[\s\-.乄乀()（）【】\[\]]{0,2}\d){8}"
    r"(?![0-9])")
_PHONE_MARK = re.compile(r"[电電话話微溦薇威v信]")
# Digits in groups joined by 乄 or 乀 (781乄372乄524): a messenger id written past filters, never a number
# an office gives.
_SPLIT_DIGITS = re.compile(r"(?<![0-9])\d{2,5}(?:\s?[乄乀]\s?\d{2,5}){2,4}(?![0-9])")
_INVOICE = re.compile(r"代开.{0,8}?发票|代開.{0,8}?發票")  # 代开常州医药发票: the words apart
# Earnings promised with a figure (收益日结保底200+300=500元, 日赚500元): pyramid and task-scam lures.
# Also a success rate claimed for a service (80%的解密出款成功, 成功率高达98%).
_PROMISE = re.compile(r"(?:日结|保底|日赚|日入|月入|躺赚|日返|稳赚)[^\d\n。，,]{0,3}\d{2,6}(?:元|块|\+|%)"
                      r"|成功率(?:高达|达到?|超过)?\d{2,3}%|\d{2,3}%的?[^\d\s。，,；;]{0,4}成功")
_PROMISE_HINT = re.compile(r"日结|保底|日赚|日入|月入|躺赚|日返|稳赚|%")
# A certificate offered for sale (代办驾驶证, 武安办毕业证, 出售假文凭): 办 straight before the document;
# 办理 and 补办 are the words of a service hall, not of a forger.
_CERT = re.compile(r"(?:代办|代做|制作|出售|办)(?:各类|各种|假)?"
                   r"(?:驾驶证|驾照|身份证|毕业证|学位证|学历证|文凭|结婚证|离婚证|房产证|护照|资格证|职称证)")
# A name shaped like a gambling brand: a short name, a gambling category, then where-to-sign-up words
# (智博体育app官网入口, a8体育app官网入口, 盛世国际娱乐开户). Read on the folded text, so spaced-out or
# traditional-script writing (a 8 体 育 a p p 官 网) meets it. Two or more sign-up words after the category
# are an SEO title, never a government sentence; one (腾讯体育app) needs other evidence beside it.
_SHAPE_WORDS = ("体育", "娱乐", "棋牌", "电竞", "国际", "真人")
_SHAPE_SUFFIX = r"(?:app|官方网站|官方|官网|入口|下载|注册|登录|网页版|手机版|网址|开户|平台|首页|直营|全站)"
_SHAPE = re.compile(rf"(?:[\u4e00-\u9fff]{{2,4}}|(?<![a-z0-9])[a-z0-9]{{1,8}})(?:{'|'.join(_SHAPE_WORDS)}){{1,2}}"
                    rf"({_SHAPE_SUFFIX}{{1,4}})")
_SHAPE_ONE = re.compile(_SHAPE_SUFFIX)
# A mobile number offered for business: after 电/电话/咨询 (any separators), or followed by a contact name.
_PHONE_HINT = re.compile(r"电|電|咨询|諮詢|经理|經理")  # "tel" has letters: _PHONE runs only with a hint
_PHONE = re.compile(
    r"(?:(?:电话?|電話?|咨询|諮詢|tel)\s{0,2}[:：\-—)）】\]]{0,3}\s{0,2})?(1[3-9]\d(?:[\s\-.乄乀]{0,2}\d){8})(?![0-9])"
    r"(?:\s{0,2}[\u4e00-\u9fff]{1,2}(?:经理|經理|先生|小姐|总|總)|[\s\-—]{0,2}(?:微信|同微|v信|微】|微\]))?")
_PHONE_NAMED = ("经理", "經理", "先生", "小姐", "总", "總", "微信", "同微", "v信", "微】", "微]")  # a mobile offered as a WeChat id


# A site announcing its next address (最新地址, 备用网址, 永久域名): blocked sites do, offices do not (an
# office that moves says 新网址 or 最新网址, which stay plain).
_MIRROR = re.compile(r"(?:(?:备用|永久|防封|防屏蔽)(?:地址|网址|網址|域名|网站|入口)|最新(?:地址|域名))"
                     r"\d?\s{0,2}[:：]?\s{0,2}(?:https?://)?\s{0,2}\Z")
_MIRROR_REACH = 24


def _domains(text: str, flat: str, allowed: Sequence[str]) -> Iterator[Signal]:
    """Domains ending at each top-level domain of the text: disguised (www,x,com; 079点one) or plain."""
    for tld in _TLD_END.finditer(flat):
        at = tld.start()
        if at == 0 or (flat[at - 1].isascii() and flat[at - 1].isalnum()):
            continue
        first = max(0, at - _DOMAIN_REACH)
        window = flat[first : tld.end()]
        m = _DISGUISED.search(window)
        if m is not None and not host_in(_SEP_RE.sub(".", m.group()).replace(" ", ""), allowed):
            # www,376838,com or 079点one is never a government's way of giving an address: strong alone.
            # Only "abc, co" (a comma in an English list?) needs a second signal.
            found = m.group()
            strong = found.startswith("www") or any(c.isdigit() for c in found) or _ODD_SEP.search(found)
            yield Signal("domain", first + m.start(), tld.end(), 10 if strong else 8, found)
            continue
        m = _DOMAIN.search(window)
        if m is not None and not host_in(m.group(), allowed):
            written = text[first + m.start() : tld.end()]
            if "." not in written:  # full-width or look-alike dots (０７９．ｏｎｅ): written to dodge filters
                yield Signal("domain", first + m.start(), tld.end(), 10, written)
                continue
            if _MIRROR.search(flat[max(0, first + m.start() - _MIRROR_REACH) : first + m.start()]):
                # 备用地址1：http://6kke.com: a site that keeps changing its address, never an office's
                yield Signal("domain", first + m.start(), tld.end(), 10, m.group())
                continue
            label = m.group().rsplit(".", 2)[-2]  # the name before the top-level domain: 376838, 03j2
            numeric = sum(c.isdigit() for c in label) * 2 >= len(label) >= 2
            yield Signal("domain", first + m.start(), tld.end(), 6 if numeric else 3, m.group())


def origin_of(text: str, cache: list[list[int]]) -> list[int]:
    """For each character of the folded text, its index in ``text`` (worked out once per scan: a Python loop)."""
    if not cache:
        cache.append(fold_map(text)[1])
    return cache[0]


def shape_signals(text: str, keyed: str, cache: list[list[int]]) -> list[Signal]:
    """Brand-shaped names (_SHAPE) on the folded text ``keyed``, placed back on ``text``."""
    if not any(w in keyed for w in _SHAPE_WORDS):
        return []
    found: list[Signal] = []
    for m in _SHAPE.finditer(keyed):
        origin = origin_of(text, cache)
        first, last = origin[m.start()], origin[m.end() - 1] + 1
        weight = 10 if len(_SHAPE_ONE.findall(m.group(1))) >= 2 else 6
        found.append(Signal("brand-shape", first, last, weight, text[first:last]))
    return found


# A keyword-stuffed title: four or more short segments joined by _ | or " I " (injected porn and gambling
# titles: 国产精品_久久_一区二区_…), also a hyphen between Han characters or between spaces (色综合天天-色综合天-…).
# Commas are not separators here: government prose is full of them.
_LIST_SEP = re.compile(r"_|\||\s[iI]\s|｜|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff])|\s-\s")
_LIST_SEGMENT = 24  # characters a segment may have


def _keyword_list(text: str) -> Iterator[Signal]:
    for line_start, line in _lines(text):
        cuts = [m for m in _LIST_SEP.finditer(line)]
        if len(cuts) < 3:
            repeated = _repeated_title(line_start, line) if cuts else None
            if repeated is not None:
                yield repeated
            continue
        bounds = [0, *(m.end() for m in cuts)]
        ends = [*(m.start() for m in cuts), len(line)]
        short = sum(1 for a, b in zip(bounds, ends, strict=True) if 0 < len(line[a:b].strip()) <= _LIST_SEGMENT)
        if short >= 4 and not SENTENCE_BREAK.search(line):
            yield Signal("keyword-list", line_start, line_start + len(line), 4, f"{short} 段关键词")


_TITLE_PUNCT = re.compile(r"[，。、；：,;:！？!?（）()“”]")
_REPEAT = 6  # characters of a phrase that an SEO title repeats


def _repeated_title(line_start: int, line: str) -> Signal | None:
    """A title (one short line without sentence punctuation) that repeats a phrase of its own
    (国产美女视频免费观看的网站_国产美女视频免费观看的网站高清在线): search-engine bait, never a heading."""
    if not 2 * _REPEAT <= len(line) <= 80 or _TITLE_PUNCT.search(line):
        return None
    seen: set[str] = set()
    for i in range(len(line) - _REPEAT + 1):
        phrase = line[i : i + _REPEAT]
        if phrase in seen and not phrase.isascii():
            return Signal("keyword-list", line_start, line_start + len(line), 4, f"重复“{phrase}”")
        if i + _REPEAT <= len(line):
            seen.add(phrase)
    return None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for line in text.split("\n"):
        yield at, line
        at += len(line) + 1


def pattern_signals(text: str, allowed: Sequence[str]) -> Iterator[Signal]:
    """The regular-expression families over a length-preserving lower-case ASCII form of ``text``; each
    family runs only when a cheap test finds what it needs (letters for domains and bet-numbers, a
    messenger's or a phone's word for contacts)."""
    letters = _LETTER.search(text) is not None
    im = _IM_HINT.search(text) is not None
    phone = _PHONE_HINT.search(text) is not None
    han_number = any(w in text for w in _HAN_WORDS)
    casino_number = any(w in text for w in _CASINO_WORDS)
    listed = "_" in text or "|" in text or "｜" in text or " I " in text or " i " in text or "-" in text
    promise = _PROMISE_HINT.search(text) is not None
    split = "乄" in text or "乀" in text
    if not (letters or im or phone or han_number or casino_number or listed or promise or split or "代开" in text
            or "代開" in text or "办" in text):
        return
    flat = ascii_lookalike(text)
    if listed:
        yield from _keyword_list(text)
    if letters and ("bet" in flat or "bat" in flat or "beat" in flat):
        for m in _BET_NUMBER.finditer(flat):
            yield Signal("bet-number", m.start(), m.end(), 10, m.group())
    if han_number:
        for m in _HAN_NUMBER.finditer(flat):
            yield Signal("bet-number", m.start(), m.end(), 6, m.group())
    if casino_number:
        for m in _CASINO_NUMBER.finditer(flat):
            yield Signal("bet-number", m.start(), m.end(), 10, m.group())
    if letters:
        yield from _domains(text, flat, allowed)
    if "代开" in flat or "代開" in flat:
        for m in _INVOICE.finditer(flat):
            yield Signal("scam", m.start(), m.end(), 4, m.group())
    if promise:
        for m in _PROMISE.finditer(flat):
            yield Signal("promise", m.start(), m.end(), 4, m.group())
    if "办" in text or "出售" in text or "制作" in text:
        for m in _CERT.finditer(flat):
            yield Signal("cert", m.start(), m.end(), 6, m.group())
    if phone or im or (letters and "tel" in flat):
        for m in _PHONE.finditer(flat):
            named = m.group().endswith(_PHONE_NAMED)
            if named or m.start() < m.start(1):
                yield Signal("contact", m.start(), m.end(), 7 if named else 5, m.group())
    # A link's letters (a profile id such as …/user/MS4wLjABAAAAQqM9…) belong to the address, not to a
    # handle offered to readers: links are GM502's.
    links = [u.span() for u in BARE_URL.finditer(flat)] if letters else []
    if im or letters:
        for m in _CONTACT.finditer(flat):
            offered = m.group(1) or sum(c.isdigit() for c in m.group(2)) >= 2  # @handle, or an id with digits
            if offered and not _in_spans(m.start(2), links):
                yield Signal("contact", m.start(), m.end(), 5, m.group())
    if phone or im or letters:
        for m in _MARKED_PHONE.finditer(flat):
            if _PHONE_MARK.search(m.group()) and not _in_spans(m.start(), links):
                yield Signal("contact", m.start(), m.end(), 10, m.group())
    if split:
        for m in _SPLIT_DIGITS.finditer(flat):
            yield Signal("contact", m.start(), m.end(), 10, m.group())


def _in_spans(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in spans)


# Latin letters as written: ASCII, full-width, and the Greek and Cyrillic blocks whose letters pass for Latin.
_LETTER = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a\u0370-\u04ff]")
