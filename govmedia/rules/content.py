"""Content safety (第十一条（二）, 第十七条): every text the site publishes, before it is published.

GM501 gambling, porn and spam passages (scored by govmedia/rules/lib/detector.py); GM502 links; GM503 raw HTML, attribute
lists, snippet/template syntax, and HTML-special characters in plain-text fields; GM504 personal data.

The texts: account ``name``, ``positioning`` and ``undertaking.name``; unit ``name`` and ``short_name``;
announcement titles and Markdown bodies; the policy pages (``policies/*.md``); the jurisdiction name,
stage titles and platform labels of governance.yaml. The scanners live in ``govmedia/rules/lib/contentscan.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from govmedia.dialect.files import read_regular
from govmedia.dialect.urls import url_host
from govmedia.findings.finding import Finding, make
from govmedia.register.context import Context
from govmedia.register.registry import Record, Registry
from govmedia.rules.lib.contentscan import (
    SECTIONS,
    Term,
    check_url,
    markdown_links,
    markdown_markup,
    mask,
    parse_terms,
    personal_data,
    plain_markup,
    show,
    unknown_sections,
)
from govmedia.rules.lib.detector import (
    FAMILY_ZH,
    THRESHOLD,
    VIA_ZH,
    Detector,
    Verdict,
    allow_markers,
    detector_for,
)
from govmedia.rules.lib.learned import fingerprint
from govmedia.rules.lib.learned import model as learned_model

TERMS_FILE = "policies/banned-terms.txt"
BUILTIN_TERMS = Path(__file__).resolve().parent.parent / "templates" / TERMS_FILE
DEFAULT_DOMAINS = ("gov.cn",)
MARKER_FILE_LIMIT = 1 << 20  # bytes of a flagged text's file read for allow markers


class Source(NamedTuple):
    """One published text and where it is written (a field's line is looked up only for a finding)."""

    path: str
    line: int  # first line of a Markdown text (a field's: see ``record``)
    column: int
    text: str
    markdown: bool
    what_zh: str  # names the record and the field
    what_en: str
    record: Record[Any] | None = None  # the document whose field ``loc`` this text is
    loc: tuple[str | int, ...] = ()

    def at(self, offset: int) -> tuple[int, int]:
        """File line and column of ``offset`` in the text (the field's own position for plain text)."""
        if not self.markdown:
            if self.record is not None:
                p = self.record.pos(*self.loc)
                return p.line, p.column
            return self.line, self.column
        offset = max(0, min(offset, len(self.text)))
        line = self.line + self.text.count("\n", 0, offset)
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


def _field(record: Record[Any], path: str, text: str, zh: str, en: str, *loc: str | int) -> Source:
    return Source(path, 0, 0, text, False, zh, en, record, loc)


def published_texts(reg: Registry) -> list[Source]:
    """Every text the site publishes, with where it is written; computed once per run."""
    cached: list[Source] | None = reg.derived.get("published_texts")
    if cached is None:
        cached = reg.derived["published_texts"] = list(_published_texts(reg))
    return cached


def _published_texts(reg: Registry) -> Iterator[Source]:
    for unit in reg.units.values():
        if unit.record is None:
            continue
        u = unit.record.model
        yield _field(unit.record, unit.path, u.name, f"单位 {unit.unit_id} 的全称（name）",
                     f"the name of unit {unit.unit_id}", "name")
        yield _field(unit.record, unit.path, u.short_name, f"单位 {unit.unit_id} 的简称（short_name）",
                     f"the short_name of unit {unit.unit_id}", "short_name")
    for acc, rec in reg.valid_accounts():
        a = rec.model
        yield _field(rec, acc.path, a.name, f"账号 {acc.ref} 的名称（name）",
                     f"the name of account {acc.ref}", "name")
        if a.positioning is not None:  # an existing account may lack it (GM108)
            yield _field(rec, acc.path, a.positioning, f"账号 {acc.ref} 的功能定位（positioning）",
                         f"the positioning of account {acc.ref}", "positioning")
        if a.undertaking is not None:
            yield _field(rec, acc.path, a.undertaking.name, f"账号 {acc.ref} 的承办单位名称（undertaking.name）",
                         f"the undertaking unit name of account {acc.ref}", "undertaking", "name")
    for texts in reg.unowned(_base_texts(reg)):
        yield from texts


def _base_texts(reg: Registry) -> Iterator[list[Source]]:
    """The published texts that no unit owns, a list per file: governance.yaml, announcements, policy pages."""
    gov = reg.governance
    if gov is not None:
        g = gov.model
        texts = [_field(gov, gov.path, g.jurisdiction.name, "辖区名称（jurisdiction.name）",
                        "the jurisdiction name (jurisdiction.name)", "jurisdiction", "name")]
        texts.extend(_field(gov, gov.path, stage.title, f"审核环节 {sid} 的标题", f"the title of stage {sid}",
                            "stages", sid, "title") for sid, stage in g.stages.items())
        texts.extend(_field(gov, gov.path, platform.label, f"平台 {pid} 的名称（label）",
                            f"the label of platform {pid}", "platforms", pid, "label")
                     for pid, platform in g.platforms.items())
        yield texts
    for ann in reg.announcements:
        front = ann.record
        yield [_field(front, front.path, front.model.title, f"公告 {ann.slug} 的标题（title）",
                      f"the title of announcement {ann.slug}", "title"),
               Source(front.path, ann.body_line, 1, ann.body, True, f"公告 {ann.slug} 的正文",
                      f"the body of announcement {ann.slug}")]
    for page in reg.policies:
        yield [Source(page.path, 1, 1, page.text, True, f"制度页面 {page.path}", f"the policy page {page.path}")]


# -- configuration -------------------------------------------------------------------------------


def load_terms(reg: Registry) -> tuple[list[Term], list[Finding]]:
    """The register's policies/banned-terms.txt (or the built-in list) plus governance banned_terms."""
    problems: list[Finding] = []  # reading problems are load findings (GM001, GM006) already
    if reg.banned_terms is not None:
        text, source = reg.banned_terms.text, TERMS_FILE
        sections = " ".join(f"[{name}]" for name in SECTIONS)
        problems.extend(make(
            "GM010", TERMS_FILE, number, 1,
            f"未知的节名 {line}：可用的节名为 {sections}；请改正拼写（节名写错时，下面的词条会留在上一节）",
            f"unknown section {line}: the sections are {sections}; fix the spelling (below a misspelt "
            "section, entries stay in the section above)") for number, line in unknown_sections(text))
    else:
        text, source = BUILTIN_TERMS.read_text(encoding="utf-8"), "govmedia:" + TERMS_FILE
    terms = parse_terms(text, source)
    if reg.governance is not None:
        extra = reg.governance.model.content.banned_terms
        terms.extend(Term(t, "ban", "policies/governance.yaml") for t in extra)
    return terms, problems


def allowed_domains(reg: Registry) -> list[str]:
    gov = reg.governance
    if gov is None:
        return list(DEFAULT_DOMAINS)
    configured = list(gov.model.content.allowed_link_domains)
    if configured:
        return configured
    hosts = [h for p in gov.model.platforms.values() for h in p.url_hosts]
    return [*DEFAULT_DOMAINS, *hosts]


# -- rules ---------------------------------------------------------------------------------------

_ART_11 = "第十一条（二）规定政务新媒体不得刊登商业广告或链接商业广告页面"


class _Memo:
    """The texts a rule found clean in earlier runs, under one configuration (``ctx.memo``: None when the
    run keeps no memo): they are not scanned again. A text with a finding is never marked clean."""

    def __init__(self, ctx: Context, rule: str, *config: object) -> None:
        self.memo = ctx.memo
        self.prefix = repr((rule, config)).encode()

    def texts(self, reg: Registry, markdown_only: bool = False) -> Iterator[tuple[Source, bytes | None]]:
        for src in published_texts(reg):
            if markdown_only and not src.markdown:
                continue
            key = self.memo.key(self.prefix + (b"md" if src.markdown else b""), src.text) if self.memo else None
            if key is not None and self.memo is not None and self.memo.clean(key):
                continue
            yield src, key

    def clean(self, key: bytes | None) -> None:
        if key is not None and self.memo is not None:
            self.memo.mark(key)


def banned_terms(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM501: a passage that scores as gambling, porn or spam (govmedia/rules/lib/detector.py)."""
    terms, problems = load_terms(reg)
    domains = tuple(allowed_domains(reg))
    yield from problems
    memo = _Memo(ctx, "GM501", sorted((t.text, t.family, t.weight) for t in terms), domains, fingerprint())
    markers: dict[str, list[tuple[str, str]]] = {}
    found: Detector | None = None  # built on the first text the memo does not know
    for src, key in memo.texts(reg):
        found = found or detector_for(tuple(terms), domains)
        verdicts = found.scan(src.text, name=not src.markdown)
        if not verdicts:
            memo.clean(key)
            continue
        if src.path not in markers:
            markers[src.path] = _markers(ctx, src.path)
        if markers[src.path]:
            verdicts = found.scan(src.text, [text for text, _ in markers[src.path]], name=not src.markdown)
        for verdict in verdicts:
            yield _verdict_finding(src, verdict)


def _markers(ctx: Context, path: str) -> list[tuple[str, str]]:
    """The allow markers of the file that holds a flagged text (read only when a text is flagged)."""
    try:
        data = read_regular(str(ctx.root / path), MARKER_FILE_LIMIT)
    except (OSError, ValueError):
        return []  # unreadable files are the loader's findings
    return allow_markers(data.decode("utf-8", "replace"))


def _verdict_finding(src: Source, verdict: Verdict) -> Finding:
    line, col = src.at(verdict.first.start)
    parts_zh, parts_en = [], []
    for s in verdict.signals[:8]:
        shown = show(src.text[s.start : s.end], 40)
        via_zh = f"，{VIA_ZH[s.via]}写法" if s.via else ""
        via_en = f", written as {s.via}" if s.via else ""
        weight = f"{s.weight / 10:+.1f}" if s.family == "model" else f"+{s.weight}"  # tenths of log-odds
        parts_zh.append(f"{FAMILY_ZH[s.family]} “{shown}”（{s.label}{via_zh}）{weight}")
        parts_en.append(f"{s.family} '{shown}' ({s.label}{via_en}) {weight}")
    passage = show(src.text[verdict.start : verdict.end].strip(), 60)
    score_zh, score_en = _score_words(verdict)
    return make(
        "GM501", src.path, line, col,
        f"{src.what_zh}中的一段文字疑似赌博、色情或广告内容（{score_zh}）："
        f"{'；'.join(parts_zh)}。段落：“{passage}”。{_ART_11}，博彩、色情、广告和垃圾信息不得出现在公开内容中。"
        f"请删除这段文字；若审核确认属正常政务用语，在该文件中加允许标记（YAML 注释 "
        f"# govmedia: allow GM501 \"原文\" 理由，Markdown 中 <!-- govmedia: allow GM501 \"原文\" 理由 -->），"
        f"见 docs/security.md。",
        f"{src.what_en}: a passage looks like gambling, porn or advertising spam ({score_en}): "
        f"{'; '.join(parts_en)}. Passage: '{passage}'. Article 11(2) forbids commercial "
        f"advertising, and gambling, porn or spam text must not be published. Delete the text; if review finds "
        f"it legitimate government prose, add an allow marker to the file (a YAML comment "
        f"# govmedia: allow GM501 \"text\" reason, in Markdown <!-- govmedia: allow GM501 \"text\" reason -->), "
        f"see docs/security.md.")


def _score_words(verdict: Verdict) -> tuple[str, str]:
    """What made the passage spam: the patterns' score, the learned model's probability, or both."""
    model = learned_model()
    zh, en = [], []
    if verdict.score:
        zh.append(f"得分 {verdict.score}，阈值 {THRESHOLD}")
        en.append(f"score {verdict.score}, threshold {THRESHOLD}")
    if verdict.probability is not None:
        p = f"{verdict.probability:.0%}"
        zh.append(f"统计模型判为垃圾内容的概率 {p}" + ("" if verdict.score else f"，阈值 {model.threshold:.0%}"))
        en.append(f"learned model's spam probability {p}" + ("" if verdict.score else
                                                             f", threshold {model.threshold:.0%}"))
    return "；".join(zh), "; ".join(en)


def links(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM502: links must be https and stay inside content.allowed_link_domains."""
    if reg.governance is None:
        return  # which hosts are allowed is governance.yaml's to say; its own finding explains
    allowed = allowed_domains(reg)
    fix_zh = ("第十一条（二）不得链接商业广告页面：链接只能用 https，域名须等于或属于 governance.yaml 中 "
              "content.allowed_link_domains 所列域名。请删除该链接，或改为政府网站上的 https 地址。")
    fix_en = ("article 11(2) forbids links to commercial advertising: links must use https and a host "
              "equal to or under an entry of content.allowed_link_domains in governance.yaml. Delete the "
              "link or point it at an https page of a government site.")
    memo = _Memo(ctx, "GM502", sorted(allowed))
    for src, key in memo.texts(reg, markdown_only=True):
        seen: set[tuple[int, str]] = set()
        problems = [(link, check_url(link.url, allowed)) for link in markdown_links(src.text)]
        if not any(problem for _, problem in problems):
            memo.clean(key)
        for link, problem in problems:
            if problem is None:
                continue
            line, col = src.at(link.offset)
            if (line, problem.en) in seen:
                continue  # the same link seen twice (as a link and as a bare URL): one finding
            seen.add((line, problem.en))
            url = show(link.url, 80)
            yield make("GM502", src.path, line, col,
                       f"{src.what_zh}中的链接 “{url}”：{problem.zh}。{fix_zh}",
                       f"{src.what_en}: the link '{url}': {problem.en}. {fix_en}")
    url_allowed = list(allowed)
    gov = reg.governance
    if gov is not None:
        url_allowed.extend(h for p in gov.model.platforms.values() for h in p.url_hosts)
        portal = gov.model.jurisdiction.portal_url
        problem = check_url(portal, [*url_allowed, *DEFAULT_DOMAINS])
        if problem is not None:
            p = gov.pos("jurisdiction", "portal_url")
            yield make("GM502", gov.path, p.line, p.column,
                       f"门户网站地址 jurisdiction.portal_url “{show(portal, 80)}”：{problem.zh}。{fix_zh}",
                       f"the portal address jurisdiction.portal_url '{show(portal, 80)}': "
                       f"{problem.en}. {fix_en}")
    for acc, rec in reg.valid_accounts():
        if rec.model.url is None:
            continue
        # Whether the host fits the platform is GM107's question; here only what makes any link unsafe
        # (scheme, user@ disguise, IP address, malformed or invalid host) is reported.
        own_host = url_host(rec.model.url) if "://" in rec.model.url else ""
        problem = check_url(rec.model.url, [*url_allowed, own_host] if own_host else url_allowed)
        if problem is not None:
            p = rec.pos("url")
            url = show(rec.model.url, 80)
            yield make("GM502", acc.path, p.line, p.column,
                       f"账号 {acc.ref} 的地址 url “{url}”：{problem.zh}。{fix_zh}",
                       f"the url of account {acc.ref} '{url}': {problem.en}. {fix_en}")


def html(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM503: raw HTML, attribute lists, snippet/template syntax; ``<>"&`` in plain-text fields."""
    memo = _Memo(ctx, "GM503")
    for src, key in memo.texts(reg):
        found = markdown_markup(src.text) if src.markdown else plain_markup(src.text)
        if not found:
            memo.clean(key)
        for m in found:
            line, col = src.at(m.offset)
            shown = show(m.text, 40)
            if src.markdown:
                zh = (f"{src.what_zh}含{m.what_zh} “{shown}”：公开内容只允许纯文本和 Markdown，"
                      "原始 HTML、属性列表和片段/模板语法可能被浏览器或站点生成器执行"
                      "（第十七条，网络安全）。请删除它；需要链接时写成 [文字](https://…) 或 <https://…>。")
                en = (f"{src.what_en} contains {m.what_en} '{shown}': published text is plain Markdown "
                      "only; raw HTML, attribute lists and snippet or template syntax may be executed by the "
                      "browser or the site generator (article 17, network security). Delete it; write links "
                      "as [text](https://…) or <https://…>.")
            else:
                zh = (f"{src.what_zh}含{m.what_zh} “{shown}”：名称、标题等纯文本字段不能含 "
                      "< > \" & 和模板语法（第十七条，网络安全）。请删除，或改用全角符号（＜＞“”＆）或文字。")
                en = (f"{src.what_en} contains {m.what_en} '{shown}': plain-text fields such as names and "
                      "titles must not contain < > \" & or template syntax (article 17, network security). "
                      "Delete it or use the full-width forms (＜＞“”＆) or words.")
            yield make("GM503", src.path, line, col, zh, en)


_KIND = {"mobile": ("手机号码", "a mobile phone number"), "id": ("居民身份证号码", "a resident ID number"),
         "email": ("电子邮箱地址", "an e-mail address")}


def personal(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM504: mobile numbers, resident ID numbers (valid check digit) and e-mail addresses."""
    domains = allowed_domains(reg)
    memo = _Memo(ctx, "GM504", sorted(domains))
    for src, key in memo.texts(reg):
        items = personal_data(src.text, domains)
        if not items:
            memo.clean(key)
        for item in items:
            line, col = src.at(item.offset)
            zh_kind, en_kind = _KIND[item.kind]
            shown = show(mask(item.text, item.kind), 60)
            yield make(
                "GM504", src.path, line, col,
                f"{src.what_zh}含个人信息：{zh_kind} “{shown}”。公开的政务内容不得发布个人手机号、"
                "身份证号或电子邮箱（第十一条（二），个人信息保护）。请删除；需要联系方式时写单位办公电话"
                "（如 0919-2181509）。",
                f"{src.what_en} contains personal data: {en_kind} '{shown}'. Published government text must "
                "not carry personal mobile numbers, ID numbers or e-mail addresses (article 11(2), personal "
                "information protection). Delete it; give the office landline (e.g. 0919-2181509) instead.")


RULES = [banned_terms, links, html, personal]
# These rules read the published texts that no unit folder owns (announcements, policy pages): a sharded run
# scans those in shares beside its chunks of unit folders (docs/architecture.md, "Partial registers").
TEXT_RULES = RULES
