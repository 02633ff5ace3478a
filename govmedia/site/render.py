"""Pages of the public site, as plain functions from the public view to HTML (no MkDocs here).

Each page is addressed by its directory URL ("" is the home page, "units/<unit_id>/" a unit).
Every value is escaped with ``esc``; contributor Markdown goes through ``render_markdown`` only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from govmedia.register.lifecycle import ACTION_LABELS, STATUS_LABELS, TRANSITIONS
from govmedia.site.html import esc, rel, safe_title
from govmedia.site.markdown import render_markdown
from govmedia.site.publish import (
    ANNOUNCEMENT_KIND_LABELS,
    PUBLIC_MODELS,
    PUBLISHED_ORDER,
    UNIT_KIND_LABELS,
    PubAccount,
    PubAnnouncement,
    Public,
    public_fields,
    status_label,
)
from govmedia.site.qr import qr_codes

ASSETS = "assets/govmedia/"
NOT_OFFICIAL = "已不再是官方账号"
DEMO_NOTE = "本站为演示，数据均为虚构（演示数据，非真实账号）。"
DOC_NOTE = '<span class="gm-doc">（须有正式文件及文号）</span>'


@dataclass
class Page:
    path: str  # directory URL: "", "register/", "units/<id>/"
    title: str  # already made inert by safe_title
    html: str
    search: bool = True  # include in the search index
    hide: list[str] = field(default_factory=list)  # material front matter: navigation, toc
    # What is rendered only when the page is written, in place of LATE in ``html``: a unit page's accounts
    # and QR codes. The search index never sees it, and the 25,000 unit pages of a 100,000-account register
    # are never all in memory at once.
    late: Callable[[], str] | None = None

    def final_html(self) -> str:
        """The page content with the late part in place (what a reader sees)."""
        return self.finish(self.html)

    def finish(self, html: str) -> str:
        return html.replace(LATE, self.late(), 1) if self.late is not None else html

    @property
    def src_uri(self) -> str:
        return f"{self.path}index.md"


def _page(path: str, title: str, body: str, **kw: object) -> Page:
    return Page(path, safe_title(title), f'<div class="gm" id="gm-main">\n{body}\n</div>', **kw)  # type: ignore[arg-type]


def _status_badge(acc: PubAccount) -> str:
    cls = "gm-ok" if acc.official else "gm-gone"
    extra = "" if acc.official else f"（{NOT_OFFICIAL}）"
    return f'<span class="gm-status {cls}">{esc(acc.status_label)}{esc(extra)}</span>'


def _ext_link(url: str, text: str | None = None) -> str:
    return f'<a class="gm-url" href="{esc(url)}" rel="noopener noreferrer external">{esc(text or url)}</a>'


def _url_cell(a: PubAccount) -> str:
    """The account's profile link, or its platform id where the platform has no stable profile URL."""
    url = a.values.get("url")
    if url:
        return _ext_link(url)
    return f"<code>{esc(a['platform_id'])}</code>" if a.values.get("platform_id") else "—"


def _table(caption: str, head: Iterable[str], rows: Iterable[str], table_id: str = "") -> str:
    ths = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    tid = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<div class="gm-scroll" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f"<table{tid}><caption>{esc(caption)}</caption>"
            f"<thead><tr>{ths}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>")


def _announcement_item(here: str, a: PubAnnouncement) -> str:
    kind = ANNOUNCEMENT_KIND_LABELS.get(a["kind"], a["kind"])
    return (f'<li><time datetime="{esc(a["published_on"])}">{esc(a["published_on"])}</time> '
            f'<span class="gm-kind">{esc(kind)}</span> '
            f'<a href="{esc(rel(here, f"announcements/{a.stem}/"))}">{esc(a["title"])}</a></li>')


def home(pub: Public) -> Page:
    here = ""
    current = [a for a in pub.announcements if a.current]
    if current:
        items = "\n".join(_announcement_item(here, a) for a in current)
        ann = f'<ul class="gm-announcements" id="gm-current">\n{items}\n</ul>'
    else:
        ann = '<p id="gm-current">目前没有处于公示期内的公告。</p>'
    counts = Counter((a["platform"], a["status"]) for a in pub.accounts)
    statuses = [s for s in PUBLISHED_ORDER if any(st == s for _, st in counts)]
    rows = []
    for pid, platform in pub.platforms.items():
        cells = [counts.get((pid, s), 0) for s in statuses]
        if any(cells):
            tds = "".join(f"<td>{n}</td>" for n in cells)
            rows.append(f'<tr><th scope="row">{esc(platform.label)}</th>{tds}<td>{sum(cells)}</td></tr>')
    totals = "".join(f"<td>{sum(counts.get((p, s), 0) for p in pub.platforms)}</td>" for s in statuses)
    rows.append(f'<tr class="gm-total"><th scope="row">合计</th>{totals}<td>{len(pub.accounts)}</td></tr>')
    table = _table("各平台账号数量（按状态）", ["平台", *(status_label(s) for s in statuses), "合计"], rows)
    official = sum(1 for a in pub.accounts if a.official)
    body = f"""<h1>{esc(pub.jurisdiction)}政务新媒体名录</h1>
<p class="gm-lead">本名录公布{esc(pub.jurisdiction)}经审批开设的全部政务新媒体账号。目前共有 <strong>{official}</strong> 个官方账号，
分属 <strong>{len({a.unit_id for a in pub.accounts if a.official})}</strong> 个主办单位。未列入本名录的账号，请勿轻信。</p>
{verify_form(here, "gm-home-q")}
<h2>公示中的公告</h2>
{ann}
<p><a href="{rel(here, "announcements/")}">全部公告（含往期）</a> · <a href="{rel(here, "feed.xml")}">订阅（Atom）</a></p>
<h2>账号统计</h2>
{table}
<p><a href="{rel(here, "register/")}">查看完整名录</a> · <a href="{rel(here, "data/")}">下载开放数据</a></p>
<p class="gm-meta">数据日期：{esc(pub.today.isoformat())}</p>"""
    return _page(here, "首页", body, hide=["navigation", "toc"])


def verify_form(here: str, input_id: str) -> str:
    return f"""<form class="gm-verify-form" role="search" action="{rel(here, "verify/")}" method="get">
<label for="{input_id}">核验账号：粘贴账号链接、平台账号 ID 或名称</label>
<div class="gm-row"><input id="{input_id}" name="account" type="search" required autocomplete="off" spellcheck="false"
 placeholder="例如 https://weibo.com/u/1234567890"><button type="submit">核验</button></div>
</form>"""


def register(pub: Public) -> Page:
    here = "register/"
    rows = []
    for a in pub.accounts:
        rows.append(
            f'<tr data-unit="{esc(a.unit_id)}" data-platform="{esc(a["platform"])}" data-status="{esc(a["status"])}"'
            f' data-id="{esc(a["platform_id"])}">'
            f'<td data-label="账号名称"><a href="{esc(rel(here, f"units/{a.unit_id}/"))}#{esc(a.account_id)}">'
            f'{esc(a["name"])}</a></td>'
            f'<td data-label="状态">{_status_badge(a)}</td>'
            f'<td data-label="平台">{esc(a.platform_label)}</td>'
            f'<td data-label="主办单位"><a href="{esc(rel(here, f"units/{a.unit_id}/"))}">{esc(a.unit_name)}</a></td>'
            f'<td data-label="开设日期">{esc(a["opened_on"] or "—")}</td>'
            f'<td data-label="链接">{_url_cell(a)}</td></tr>')
    units = sorted({(a.unit_id, a.unit_name) for a in pub.accounts}, key=lambda u: (u[1], u[0]))
    unit_opts = "".join(f'<option value="{esc(u)}">{esc(n)}</option>' for u, n in units)
    plat_used = {a["platform"] for a in pub.accounts}
    plat_opts = "".join(f'<option value="{esc(p)}">{esc(v.label)}</option>'
                        for p, v in pub.platforms.items() if p in plat_used)
    stat_used = {a["status"] for a in pub.accounts}
    stat_opts = "".join(f'<option value="{esc(s)}">{esc(status_label(s))}</option>'
                        for s in PUBLISHED_ORDER if s in stat_used)
    body = f"""<h1>政务新媒体名录</h1>
<p>{esc(pub.jurisdiction)}全部已备案的政务新媒体账号，包括已注销关停或退出监管的账号（标明“{NOT_OFFICIAL}”）。
也可下载<a href="{rel(here, "data/")}">开放数据</a>（JSON、CSV）。</p>
<form class="gm-filters" id="gm-filter" hidden aria-label="筛选名录">
<div><label for="gm-f-unit">主办单位</label><select id="gm-f-unit" name="unit"><option value="">全部</option>{unit_opts}</select></div>
<div><label for="gm-f-platform">平台</label><select id="gm-f-platform" name="platform"><option value="">全部</option>{plat_opts}</select></div>
<div><label for="gm-f-status">状态</label><select id="gm-f-status" name="status"><option value="">全部</option>{stat_opts}</select></div>
<div><label for="gm-f-text">关键词（名称、单位、账号 ID）</label><input id="gm-f-text" name="q" type="search" autocomplete="off"></div>
</form>
<p id="gm-count" role="status" aria-live="polite">共 {len(pub.accounts)} 个账号。</p>
{_table(f"{pub.jurisdiction}政务新媒体名录（共 {len(pub.accounts)} 个账号）",
        ["账号名称", "状态", "平台", "主办单位", "开设日期", "链接"], rows, "gm-register")}
<script src="{rel(here, ASSETS + "register.js")}"></script>"""
    return _page(here, "名录", body, search=False, hide=["navigation", "toc"])


def units_index(pub: Public) -> Page:
    here = "units/"
    per_unit = pub.unit_accounts()
    rows = []
    for unit_id, unit in sorted(pub.units.items(), key=lambda kv: (kv[1].name, kv[0])):
        accs = per_unit.get(unit_id, [])
        rows.append(f'<tr><td><a href="{esc(unit_id)}/">{esc(unit.name)}</a></td><td>{esc(unit.short_name)}</td>'
                    f"<td>{sum(1 for a in accs if a.official)}</td></tr>")
    body = "<h1>主办单位</h1>\n" + _table(f"主办单位（共 {len(pub.units)} 个）", ["单位全称", "简称", "官方账号数"], rows)
    return _page(here, "主办单位", body, search=False, hide=["toc"])


LATE = "<!--gm-late-->"


def unit_page(pub: Public, unit_id: str, accounts: list[PubAccount], qrs: dict[str, str] | None = None) -> Page:
    """A unit's page: its heading and one line naming its accounts now (what site search indexes, so a unit
    and an account are found by name), the accounts' details and QR codes when it is written (``Page.late``)."""
    unit = pub.units[unit_id]
    names = "、".join(dict.fromkeys(f"{a['name']}（{a.platform_label}）" for a in accounts))
    summary = f'<p class="gm-summary">{esc(unit.short_name)}的政务新媒体账号：{esc(names or "暂无")}</p>'
    page = _page(f"units/{unit_id}/", unit.name, f"<h1>{esc(unit.name)}</h1>\n{summary}\n{LATE}", hide=["toc"])
    own = None if qrs is None else {a["url"]: qrs[a["url"]] for a in accounts if a.values.get("url") in qrs}
    page.late = lambda: _unit_body(pub, unit_id, accounts, own)  # only this unit's QR codes: freed with it
    return page


def _unit_body(pub: Public, unit_id: str, accounts: list[PubAccount], qrs: dict[str, str] | None) -> str:
    unit = pub.units[unit_id]
    v = unit.values
    parent = ""
    if v.get("parent") and v["parent"] in pub.units:
        parent_unit = pub.units[v["parent"]]
        parent = f'<dt>主管单位</dt><dd><a href="../{esc(parent_unit.unit_id)}/">{esc(parent_unit.name)}</a></dd>'
    sections = []
    for a in accounts:
        figure = ""
        svg = None if qrs is None or not a.values.get("url") else qrs.get(a["url"])
        if svg:  # official accounts only: a closed account's QR code would send people to it
            label = esc(f"{a['name']}（{a.platform_label}）的二维码")
            svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
            figure = f'<figure class="gm-qrbox">{svg}<figcaption>扫码访问</figcaption></figure>'
        sections.append(f"""<section class="gm-account{"" if a.official else " gm-account-gone"}" id="{esc(a.account_id)}">
<h2>{esc(a["name"])} <small>{esc(a.platform_label)}</small></h2>
<div class="gm-account-body"><dl>
<dt>状态</dt><dd>{_status_badge(a)}</dd>
<dt>平台账号 ID</dt><dd><code>{esc(a["platform_id"] or "—")}</code></dd>
{_handles(a)}<dt>链接</dt><dd>{_url_cell(a)}</dd>
<dt>开设日期</dt><dd>{esc(a["opened_on"] or "—")}</dd>
<dt>功能定位</dt><dd>{esc(a["positioning"] or "—")}</dd>
</dl>{figure}</div>
</section>""")
    accounts_html = "\n".join(sections) if sections else "<p>本单位暂无已备案的政务新媒体账号。</p>"
    return f"""<dl class="gm-unit">
<dt>简称</dt><dd>{esc(unit.short_name)}</dd>
<dt>统一社会信用代码</dt><dd><code>{esc(v.get("uscc", ""))}</code></dd>
<dt>单位类型</dt><dd>{esc(UNIT_KIND_LABELS.get(str(v.get("kind")), v.get("kind")))}</dd>
{parent}<dt>行政区划代码</dt><dd>{esc(v.get("division_code", ""))}</dd>
</dl>
<p><a href="../../register/">返回名录</a></p>
{accounts_html}"""


def _handles(a: PubAccount) -> str:
    """The account's other public handles (微信号, 抖音号 …) and WeChat ``__biz``, where registered."""
    out = ""
    if a.values.get("aliases"):
        out += f'<dt>其他账号标识</dt><dd>{"、".join(f"<code>{esc(x)}</code>" for x in a["aliases"])}</dd>'
    if a.values.get("wechat_biz"):
        out += f'<dt>公众号 __biz</dt><dd><code>{esc(a["wechat_biz"])}</code></dd>'
    return out


def verify(pub: Public) -> Page:
    here = "verify/"
    body = f"""<h1>核验账号</h1>
<p>收到自称“官方”的账号或链接时，请在这里核验。核验在您的浏览器内完成，不会上传您输入的内容。</p>
{verify_form(here, "gm-q")}
<div id="gm-result" role="status" aria-live="polite"></div>
<noscript><p>核验需要启用 JavaScript。也可以在<a href="../register/">名录</a>中查找账号名称或平台账号 ID，
或下载<a href="../data/">开放数据</a>。</p></noscript>
<h2>如何核验</h2>
<ul>
<li>可粘贴账号主页链接（如 https://weibo.com/u/…、https://www.douyin.com/user/…）、公众号文章链接（带 __biz= 的长链接）、
平台账号 ID（如 gh_…）、微信号、抖音号、快手号、B站 UID，或抖音、快手的分享口令。</li>
<li>链接中的 http/https、www. 与 m. 前缀、末尾的斜杠、跟踪参数和大小写差异会被自动忽略。</li>
<li>显示「已备案：官方账号」的才是{esc(pub.jurisdiction)}的官方政务新媒体；已注销关停或退出监管的账号也能查到，但会注明{NOT_OFFICIAL}。</li>
<li>只输入名称时只能提示：冒充者常常照抄名称，请再核对账号 ID 或主页链接。与官方名称相似但不相同的（繁体、形近字、拼音、加字）会标明「疑似仿冒」。</li>
<li>短链接和分享口令不含账号信息，本页无法判断，会告诉您如何在平台上找到账号 ID。</li>
<li>显示「未在本名录中，请勿轻信」时，请不要轻信该账号发布的信息，可向区政府办公室反映。</li>
</ul>
<script src="{rel(here, ASSETS + "verify.js")}" data-index="{rel(here, "data/verify.json")}"></script>"""
    return _page(here, "核验账号", body, search=False, hide=["toc"])


def announcements_index(pub: Public) -> Page:
    here = "announcements/"
    current = [a for a in pub.announcements if a.current]
    archived = [a for a in pub.announcements if not a.current]

    def block(items: list[PubAnnouncement], empty: str, list_id: str) -> str:
        if not items:
            return f'<p id="{list_id}">{empty}</p>'
        return f'<ul class="gm-announcements" id="{list_id}">\n' + "\n".join(
            _announcement_item(here, a) for a in items) + "\n</ul>"

    body = f"""<h1>公告</h1>
<p>政务新媒体开设、变更、退出监管和注销关停，均须公示不少于 {pub.announcement_min_days} 天。
<a href="../feed.xml">订阅公告（Atom）</a></p>
<h2>公示中</h2>
{block(current, "目前没有处于公示期内的公告。", "gm-ann-current")}
<h2>往期公告</h2>
{block(archived, "暂无往期公告。", "gm-ann-archive")}"""
    return _page(here, "公告", body, hide=["toc"])


def announcement_page(pub: Public, a: PubAnnouncement, by_ref: dict[str, PubAccount] | None = None) -> Page:
    here = f"announcements/{a.stem}/"
    if by_ref is None:
        by_ref = {acc.ref: acc for acc in pub.accounts}
    items = []
    for ref in a["accounts"]:
        acc = by_ref.get(ref)
        if acc is None:
            items.append(f"<li><code>{esc(ref)}</code></li>")
        else:
            items.append(f'<li><a href="../../units/{esc(acc.unit_id)}/#{esc(acc.account_id)}">{esc(acc["name"])}</a>'
                         f"（{esc(acc.platform_label)}，{esc(acc.unit_name)}）</li>")
    state = "公示中" if a.current else "公示期已结束"
    kind = ANNOUNCEMENT_KIND_LABELS.get(a["kind"], a["kind"])
    body = f"""<h1>{esc(a["title"])}</h1>
<dl class="gm-unit">
<dt>类型</dt><dd>{esc(kind)}</dd>
<dt>公示期</dt><dd><time datetime="{esc(a["published_on"])}">{esc(a["published_on"])}</time> 至
<time datetime="{esc(a["display_until"])}">{esc(a["display_until"])}</time>（{state}）</dd>
<dt>涉及账号</dt><dd><ul>{"".join(items)}</ul></dd>
</dl>
<div class="gm-body">
{render_markdown(a.body)}
</div>
<p><a href="../">全部公告</a></p>"""
    # Individual announcements stay out of the search index (the list page is in it): keeps the index
    # small enough for a phone on a register with thousands of announcements.
    return _page(here, a["title"], body, search=False, hide=["toc"])


def policy_slug(index: int, stem: str) -> str:
    ok = stem.isascii() and all(c.isalnum() or c in "-_." for c in stem) and not stem.startswith(".")
    return stem if ok and stem else f"policy-{index + 1}"


def policies_index(pub: Public) -> Page:
    here = "policies/"
    docs = "\n".join(f'<li><a href="{esc(policy_slug(i, p.stem))}/">{esc(p.title)}</a></li>'
                     for i, p in enumerate(pub.policies)) or "<li>暂无。</li>"
    trans_rows = []
    for before, afters in TRANSITIONS.items():
        src = "（新开设）" if before is None else STATUS_LABELS[before][0]
        dst = "、".join(STATUS_LABELS[s][0] for s in sorted(afters, key=list(STATUS_LABELS).index)) or "—（终态）"
        trans_rows.append(f'<tr><th scope="row">{esc(src)}</th><td>{esc(dst)}</td></tr>')
    chains = []
    for action, stages in pub.chains.items():
        steps = "".join(
            f"<li>{esc(pub.stages.get(s, (s, False))[0])}{DOC_NOTE if pub.stages.get(s, (s, False))[1] else ''}</li>"
            for s in stages)
        label = ACTION_LABELS.get(action, (action, action))[0]
        chains.append(f'<h3>{esc(label)}</h3>\n<ol class="gm-chain">{steps}</ol>')
    body = f"""<h1>规则</h1>
<h2>制度文件</h2>
<ul>{docs}</ul>
<h2>账号生命周期</h2>
<p>每个账号的状态只能按下表转换；每次转换都须有完整的审批记录，并按规定公示。</p>
{_table("状态转换（左列状态可转换为右列状态之一）", ["当前状态", "可转换为"], trans_rows)}
<h2>审批流程</h2>
<p>各类申请须依次经过以下审批环节（按顺序）：</p>
{"".join(chains)}"""
    return _page(here, "规则", body, hide=["toc"])


def policy_page(index: int, stem: str, title: str, text: str) -> Page:
    here = f"policies/{policy_slug(index, stem)}/"
    html = render_markdown(text)
    body = f"<h1>{esc(title)}</h1>\n<div class=\"gm-body\">\n{_drop_first_heading(html)}\n</div>"
    return _page(here, title, body)


def _drop_first_heading(html: str) -> str:
    # render_markdown moved the document's own "# title" to <h2>: the page already shows it as <h1>.
    stripped = html.lstrip()
    if stripped.startswith("<h2>"):
        end = stripped.find("</h2>")
        return stripped[end + 5:] if end >= 0 else stripped
    return html


def open_data(pub: Public) -> Page:
    here = "data/"
    fields = []
    for kind, model in PUBLIC_MODELS.items():
        fields.append(f"<li>{esc(kind)}：{esc('、'.join(public_fields(model)))}</li>")
    body = f"""<h1>开放数据</h1>
<p>名录数据以开放格式提供，每次更新网站时重新生成（数据日期 {esc(pub.today.isoformat())}）。{
    f"<strong>{DEMO_NOTE}</strong>" if pub.demo else ""}</p>
<ul>
<li><a href="accounts.json">accounts.json</a>：全部已备案账号（JSON）</li>
<li><a href="accounts.csv">accounts.csv</a>：全部已备案账号（CSV，UTF-8 带 BOM，中文表头，可直接用 Excel、WPS 打开；
超过 11 位或以 0 开头的数字账号 ID 前加了一个制表符，电子表格因此按文本显示、不会丢失末尾数字）</li>
<li><a href="accounts.xlsx">accounts.xlsx</a>：同一张表的 Excel 工作簿（每个单元格都是文本）</li>
<li><a href="announcements.json">announcements.json</a>：全部已发布公告（JSON）</li>
<li><a href="verify.json">verify.json</a>：核验页面使用的索引（账号名称的比对形式、各平台链接格式）</li>
<li><a href="../feed.xml">feed.xml</a>：公告订阅（Atom）</li>
</ul>
<h2>公开字段</h2>
<p>只公开以下字段（以及单位名称、平台名称、状态名称等派生标签），其他字段（如负责人、审批人、承办协议）不公开：</p>
<ul>{"".join(fields)}</ul>"""
    return _page(here, "开放数据", body, hide=["toc"])


def all_pages(pub: Public, qr: bool = True) -> list[Page]:
    qrs = qr_codes(sorted({a["url"] for a in pub.accounts if a.official and a.values.get("url")})) if qr else None
    by_ref = {acc.ref: acc for acc in pub.accounts}
    pages = [home(pub), register(pub), units_index(pub), verify(pub), announcements_index(pub),
             policies_index(pub), open_data(pub)]
    for unit_id, accounts in pub.unit_accounts().items():
        pages.append(unit_page(pub, unit_id, accounts, qrs))
    pages.extend(announcement_page(pub, a, by_ref) for a in pub.announcements)
    pages.extend(policy_page(i, p.stem, p.title, p.text) for i, p in enumerate(pub.policies))
    return pages
