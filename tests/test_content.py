"""Content safety (GM501-GM504): the scanners one by one, the real-government-text corpus, the term list."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from govmedia.rules.content import BUILTIN_TERMS, DEFAULT_DOMAINS, Source
from govmedia.rules.lib.contentscan import (
    Matcher,
    check_url,
    id_check_ok,
    markdown_links,
    markdown_markup,
    parse_terms,
    personal_data,
    plain_markup,
    show,
)
from govmedia.rules.lib.detector import Detector

from .conftest import run_check

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((Path(__file__).parent / "corpus" / "gov").glob("*.md"))
TERMS_TEXT = (REPO / "policies" / "banned-terms.txt").read_text(encoding="utf-8")
TERMS = parse_terms(TERMS_TEXT, "policies/banned-terms.txt")
ALLOWED = ["gov.cn", "weixin.qq.com", "weibo.com", "weibo.cn", "douyin.com"]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(TERMS)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(TERMS, ALLOWED)


def test_term_list_shipped_twice_identically() -> None:
    """The register's list and the template that new registers get must not drift apart."""
    assert (REPO / "policies" / "banned-terms.txt").read_bytes() == BUILTIN_TERMS.read_bytes()


def test_term_list_parses() -> None:
    assert {t.kind for t in TERMS} == {"ban", "topic", "allow", "context", "weak"}
    assert {t.family for t in TERMS} == {"brand", "term", "scam", "vice", "platform", "warning", "report", "allow"}
    assert len({t.text for t in TERMS}) == len(TERMS), "a term is listed twice"
    old = parse_terms("澳门葡京\n~网赌\n!互联网赌博\n+打击\n", "old")  # the prefix format still reads
    assert [(t.kind, t.family, t.weight) for t in old] == [
        ("ban", "term", 10), ("topic", "scam", 4), ("allow", "allow", 0), ("context", "warning", 0)]


# -- GM501 ----------------------------------------------------------------------------------------

SPAM = [
    ("澳门葡京欢迎您", "澳门葡京"),
    ("澳 門 · 葡 京", "澳门葡京"),  # traditional script, spaces, punctuation
    ("ＢＥＴ３６５", "bet365"),  # full-width
    ("BeT365 体育", "bet365"),  # mixed case
    ("bеt365", "bet365"),  # Cyrillic е
    ("365 BET", "365bet"),
    ("真 人 荷 官 在线发牌", "真人荷官"),
    ("時時彩天天開獎", "时时彩"),  # traditional
    ("时★时★彩", "时时彩"),
    ("加Ｖ信 zxc12345 领取彩金福利", "加v信"),
    ("专业代开发票，电话13800000000", "代开发票"),
    ("香港六合彩开奖结果", "六合彩"),
    ("兼职刷单日结", "兼职刷单"),
    ("澳门威尼斯人", "威尼斯人"),
    ("PK10 计划群", "pk10"),
]

CLEAN = [
    "王益区体育局举办全民健身运动会",
    "区全民健身中心全年365天开放",
    "体育彩票公益金支持全民健身",
    "福利彩票、体育彩票由国家特许发行，公益彩票筹集公益金",
    "公安机关严厉打击网络赌博、地下六合彩等违法犯罪",
    "打击互联网赌博专项行动取得阶段性成效",
    "区市场监管局开展广告法执法检查，查处虚假违法广告",
    "警惕刷单返利诈骗",
    "严禁通过网络代购彩票",
    "纳税人可申请代开发票",
    "国家体育总局棋牌运动管理中心",
    "打击赌博、彩票市场专项整治",
]


@pytest.mark.parametrize(("text", "term"), SPAM)
def test_spam_is_found(detector: Detector, text: str, term: str) -> None:
    verdicts = detector.scan(text)
    assert term in [s.label for v in verdicts for s in v.signals], verdicts


@pytest.mark.parametrize("text", CLEAN)
def test_government_prose_is_clean(detector: Detector, text: str) -> None:
    assert detector.scan(text) == []


def test_hit_points_at_the_original_text(detector: Detector) -> None:
    text = "第一段。\n欢迎 澳 門 葡 京 光临"
    (verdict,) = detector.scan(text)
    (signal,) = verdict.signals
    assert text[signal.start : signal.end] == "澳 門 葡 京" and signal.label == "澳门葡京"


def test_overlapping_terms_count_once(detector: Detector) -> None:
    (verdict,) = detector.scan("澳门新葡京")
    assert [s.label for s in verdict.signals] == ["新葡京"]


def test_scam_word_needs_no_warning_in_the_same_sentence(detector: Detector) -> None:
    assert detector.scan("依法打击网赌。") == []
    labels = [s.label for v in detector.scan("依法打击赌博。网赌平台注册送彩金") for s in v.signals]
    assert "注册送彩金" in labels and "网赌" in labels


def test_allow_phrase_only_covers_hits_inside_it(detector: Detector) -> None:
    assert detector.scan("互联网赌博网站") == []
    assert detector.scan("互联网赌博。网赌被黑不给出款") != []


def test_old_matcher_still_reads_the_list(matcher: Matcher) -> None:
    """The term matcher (kept for the fuzz target) reads the sectioned list: weak words are not bans."""
    assert [h.term.text for h in matcher.find("澳门葡京体育")] == ["澳门葡京"]


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_has_no_false_positives(detector: Detector, path: Path) -> None:
    """Real government prose: no GM501-GM504 finding of any kind (false positives must be 0)."""
    text = path.read_text(encoding="utf-8")
    assert detector.scan(text) == []
    bad_links = [(lk.url, check_url(lk.url, ALLOWED)) for lk in markdown_links(text)]
    assert [(url, problem) for url, problem in bad_links if problem] == []
    assert markdown_markup(text) == []
    assert personal_data(text) == []


def test_corpus_checked_as_a_register(make_register: Callable[..., Path]) -> None:
    """The corpus as policy pages and as an announcement body, through the whole check."""
    root = make_register()
    for path in CORPUS:
        (root / "policies" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    ann = sorted((root / "announcements").glob("*.md"))[0]
    front, _ = ann.read_text(encoding="utf-8").rsplit("---\n", 1)
    ann.write_text(front + "---\n\n" + CORPUS[0].read_text(encoding="utf-8"), encoding="utf-8")
    found = [f for f in run_check(root) if f.code.startswith("GM5")]
    assert [f"{f.path}:{f.line} {f.code} {f.en}" for f in found] == []


# -- GM502 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://www.gov.cn/zhengce/", "https://gov.cn", "https://mp.weixin.qq.com/s/x", "/register/", "#top",
    "../verify/", "HTTPS://WWW.GOV.CN/", "https://www.wangyi.gov.cn./x",
])
def test_good_urls(url: str) -> None:
    assert check_url(url, ALLOWED) is None


@pytest.mark.parametrize(("url", "needle"), [
    ("http://www.gov.cn/", "http"),
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    (" \tjava\nscript:alert(1)", "javascript"),
    ("&#106;avascript&#58;alert(1)", "javascript"),
    ("&#x6A;avascript:alert(1)", "javascript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"),
    ("vbscript:msgbox", "vbscript"),
    ("file:///etc/passwd", "file"),
    ("ftp://example.com/", "ftp"),
    ("https://evil.example/", "evil.example"),
    ("https://gov.cn.evil.example/", "gov.cn.evil.example"),
    ("https://evilgov.cn/", "evilgov.cn"),
    ("https://www.gov.cn@evil.example/", "user@"),
    ("//evil.example/x", "evil.example"),
    ("\\\\evil.example/x", "evil.example"),
    ("https://203.0.113.7/", "IP"),
    ("https://例子.中国/", "xn--fsqu00a.xn--fiqs8s (例子.中国)"),
    ("https://xn--fsqu00a.xn--fiqs8s/", "例子.中国"),
])
def test_bad_urls(url: str, needle: str) -> None:
    problem = check_url(url, ALLOWED)
    assert problem is not None and needle in problem.en, problem


def test_links_of_every_markdown_kind() -> None:
    text = ("[a](https://a.example/)\n[b][r]\n<https://c.example/>\n![d](https://d.example/x.png)\n"
            "bare https://e.example/f and www.g.example\n\n[r]: https://r.example/\n")
    hosts = {lk.url.split("/")[2] for lk in markdown_links(text)}
    assert hosts >= {"a.example", "r.example", "c.example", "d.example", "e.example", "www.g.example"}


def test_account_url_outside_allowed_domains(make_register: Callable[..., Path]) -> None:
    root = make_register()
    gov = root / "policies" / "governance.yaml"
    text = gov.read_text(encoding="utf-8")
    text = text.replace("    - weibo.com\n", "    - weibo.com\n    - evil.example\n")
    gov.write_text(text, encoding="utf-8")
    acc = root / "accounts" / "wangyi-education" / "weibo" / "account.yaml"
    acc.write_text(acc.read_text(encoding="utf-8").replace("url: https://weibo.com/", "url: https://xn--80ak6aa92e.com/"),
                   encoding="utf-8")
    findings = run_check(root)
    # The host does not fit the platform: GM107 says so once; GM502 leaves account urls' hosts to it.
    assert [(f.code, f.path, f.line) for f in findings if f.code in ("GM107", "GM502")] == [
        ("GM107", "accounts/wangyi-education/weibo/account.yaml", 5)]
    ann = sorted((root / "announcements").glob("*.md"))[0]
    ann.write_text(ann.read_text(encoding="utf-8") + "\n见 <https://xn--80ak6aa92e.com/>\n", encoding="utf-8")
    found = [f for f in run_check(root) if f.code == "GM502"]
    assert len(found) == 1 and "xn--80ak6aa92e.com (аррӏе.com)" in found[0].en


# -- GM503 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "<script>x</script>", "<img src=x onerror=alert(1)>", "<!-- x -->", "</div>", "<!DOCTYPE html>",
    "<?php ?>",
    "## t {#id}", "p {: .cls }", "[a](https://www.gov.cn/){onclick=alert(1)}", '--8<-- "x"',
    "{% include 'x' %}", "{{ x }}", "<x:y>",
])
def test_markup_found(text: str) -> None:
    assert markdown_markup(text), text


@pytest.mark.parametrize("text", [
    "<https://www.gov.cn/>", "<zhang@example.com>", "年龄<18岁", "a < b", "1 <= 2",
    "[x](<https://www.gov.cn/a b>)",
    "“引号”和《书名号》", "&lt;script&gt;",
])
def test_markup_not_found(text: str) -> None:
    assert markdown_markup(text) == []


@pytest.mark.parametrize(("text", "bad"), [("王益<发布>", True), ("A&B", True), ('"王益"', True),
                                           ("王益（发布）“政务”", False), ("{{ x }}", True)])
def test_plain_fields(text: str, bad: bool) -> None:
    assert bool(plain_markup(text)) is bad


# -- GM504 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("电话13812345678", "mobile"), ("138 1234 5678", "mobile"), ("138-1234-5678", "mobile"),
    ("+86 13912345678", "mobile"), ("+86-139-1234-5678", "mobile"), ("008613912345678", "mobile"),
    ("１３８１２３４５６７８", "mobile"), ("tel:13812345678", "mobile"),
    ("11010519491231002X", "id"), ("11010519491231002x", "id"),
    ("zhang.san@example.com", "email"), ("请发至 li_si+gov@sub.example.cn。", "email"),
])
def test_personal_data_found(text: str, kind: str) -> None:
    assert [p.kind for p in personal_data(text)] == [kind]


@pytest.mark.parametrize("text", [
    "0919-2181509", "2181509", "12345", "12315", "0919-12366", "110105194912310021",  # bad check digit
    "913812345678901", "11610202809403655Q", "2026年13月", "https://weibo.com/u/13812345678",
    "https://www.gov.cn@evil.example/", "国办发〔2018〕123号", "138123456789",
])
def test_personal_data_not_found(text: str) -> None:
    assert personal_data(text) == []


def test_id_check_digit() -> None:
    assert id_check_ok("11010519491231002X")
    assert not id_check_ok("110105194912310021")


# -- messages, positions, performance ---------------------------------------------------------------


def test_show_escapes_invisible_characters_and_truncates() -> None:
    assert show("a\u200bb\u202ec") == "a\\u200bb\\u202ec"
    assert show("x" * 100, 10) == "x" * 10 + "…"


def test_markdown_source_positions() -> None:
    src = Source("a.md", 10, 1, "first\nsecond line", True, "", "")
    assert src.at(0) == (10, 1)
    assert src.at(6 + 7) == (11, 8)
    plain = Source("a.yaml", 4, 7, "text", False, "", "")
    assert plain.at(3) == (4, 7)


def test_messages_show_text_fold_and_fix(make_register: Callable[..., Path]) -> None:
    root = make_register()
    ann = sorted((root / "announcements").glob("*.md"))[0]
    ann.write_text(ann.read_text(encoding="utf-8") + "\n澳門\u3000葡京\n", encoding="utf-8")
    (finding,) = [f for f in run_check(root) if f.code == "GM501"]
    assert "澳門\\u3000葡京" in finding.zh and "澳门葡京" in finding.zh and "第十一条（二）" in finding.zh
    assert "delete the text" in finding.en.lower()


def test_scanners_are_linear_on_hostile_input(detector: Detector) -> None:
    """Long runs that make naive regular expressions backtrack stay fast. CPU time of this process, not
    wall time: on a shared machine other processes' work would otherwise count (markdown-it alone takes
    about 4 s of CPU on the [[[…]( sample)."""
    samples = ["a" * 200_000, "a@" * 100_000, "1" * 200_000, "<" * 200_000, "{" * 200_000,
               "[" * 50_000 + "](" * 50_000, "澳门" * 100_000, "http://" + "a" * 200_000, "&#" * 100_000]
    for text in samples:
        start = time.process_time()
        detector.scan(text)
        personal_data(text)
        markdown_markup(text)
        plain_markup(text)
        for link in markdown_links(text)[:100]:
            check_url(link.url, DEFAULT_DOMAINS)
        assert time.process_time() - start < 10, text[:20]
