"""Property-based fuzzing of the content scanners (GM501-GM504): never raise, offsets stay in the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.rules.content import BUILTIN_TERMS
from govmedia.rules.lib import contentscan

SETTINGS = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
MATCHER = contentscan.Matcher(contentscan.parse_terms(BUILTIN_TERMS.read_text(encoding="utf-8"), "builtin"))
ALLOWED = ["gov.cn", "weixin.qq.com"]

PIECES = ["澳门", "葡京", "澳門", "bet", "365", "ＢＥＴ", "е", "\u200b", "\u3000", "<", ">", "&", "#",
          ";", "x", "java", "script", ":", "//", "https", "http", "@", "[", "]", "(", ")", "{", "}", "%",
          "--8<--", "\n",
          "138", "1234", "5678", "+86", "-", " ", "11010519491231002X", "xn--", ".", "gov.cn", "打击", "。",
          "网赌", "互联网赌博", "!", "`", "*", "\\", "&#106;", "data", "mailto"]
HOSTILE = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=80).map("".join)
TEXTS = HOSTILE | st.text(max_size=500)


@SETTINGS
@given(TEXTS)
def test_banned_terms(text: str) -> None:
    for hit in MATCHER.find(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.term.kind in ("ban", "topic")


@SETTINGS
@given(TEXTS)
def test_links(text: str) -> None:
    for link in contentscan.markdown_links(text):
        assert 0 <= link.offset <= len(text)
        contentscan.check_url(link.url, ALLOWED)
    contentscan.check_url(text, ALLOWED)


@SETTINGS
@given(TEXTS)
def test_markup_and_personal_data(text: str) -> None:
    for m in contentscan.markdown_markup(text) + contentscan.plain_markup(text):
        assert 0 <= m.offset < len(text)
    for item in contentscan.personal_data(text):
        assert text[item.offset : item.offset + len(item.text)] == item.text
        contentscan.mask(item.text, item.kind)
    contentscan.show(text)


@SETTINGS
@given(st.text(min_size=2, max_size=12), st.text(max_size=40), st.text(max_size=40))
def test_a_listed_term_is_found_wherever_it_is_put(term: str, before: str, after: str) -> None:
    """Recall: a term of the list is found inside any text, unless folding leaves nothing of it, or a Latin
    term continues a longer Latin word (an id or a url, where look-alike letters collide by chance)."""
    key = contentscan.term_key(term)
    if len(key) < 2 or contentscan.term_key(before + term + after).find(key) < 0:
        return
    word = contentscan._latin_word_char
    if key.isascii() and ((before and word(before[-1])) or (after and word(after[0]))
                          or not (word(term[0]) and word(term[-1]))):
        return
    matcher = contentscan.Matcher([contentscan.Term(term, "ban", "test")])
    assert matcher.find(before + term + after)
