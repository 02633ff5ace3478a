"""The site's rendering functions, without MkDocs: escaping, allowlist, window, links, data files."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govmedia.schemas import Account, Announcement, Unit
from govmedia.schemas.account import PUBLISHED_STATUSES, STATUSES
from govmedia.site.data import accounts_csv, accounts_json, announcements_json, atom_feed
from govmedia.site.html import rel, safe_title
from govmedia.site.markdown import render_markdown
from govmedia.site.publish import (
    PUBLISHED_ORDER,
    PubAccount,
    PubAnnouncement,
    Public,
    PubPlatform,
    PubUnit,
    _case_insensitive,
    public_fields,
)
from govmedia.site.qr import _cache_file, qr_codes, qr_svg
from govmedia.site.render import all_pages, announcement_page, home, register, unit_page
from govmedia.site.site import add_csp, csp

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TODAY = date(2026, 6, 1)


def hostile_public() -> Public:
    pub = Public(
        today=TODAY, jurisdiction="王益区" + HOSTILE, portal_url="https://www.wangyi.gov.cn/", demo=True,
        platforms={"weibo": PubPlatform("weibo", "微博" + HOSTILE, ("weibo.com",), True)},
        stages={"unit_head": ("负责人" + HOSTILE, False), "city": ("市政府办公室", True)},
        chains={"open": ["unit_head", "city"], "change": ["city"], "exit": ["city"], "close": ["city"]},
        announcement_min_days=30,
    )
    pub.units["evil"] = PubUnit("evil", {
        "name": "恶意单位" + HOSTILE, "short_name": HOSTILE, "uscc": '"><script>1</script>', "kind": "x<y",
        "parent": None, "division_code": "610202"})
    pub.accounts.append(PubAccount(
        unit_id="evil", account_id="weibo",
        values={"name": "账号" + HOSTILE, "platform": "weibo", "platform_id": '1"onmouseover="x',
                "url": 'https://weibo.com/u/1"><script>alert(2)</script>', "status": "active",
                "opened_on": "2025-01-01", "positioning": HOSTILE},
        unit_name="恶意单位" + HOSTILE, unit_short_name=HOSTILE, platform_label="微博" + HOSTILE,
        status_label="正常运行", official=True))
    pub.announcements.append(PubAnnouncement(
        stem="2026-05-20-evil",
        values={"title": "公告" + HOSTILE, "kind": "opening", "accounts": ["evil/weibo"],
                "published_on": "2026-05-20", "display_until": "2026-07-20"},
        body=f"正文 {HOSTILE}\n\n<div onclick=x>raw</div>\n\n[x](javascript:alert(1)) ![i](https://evil.example/i.png)\n\n"
             "{: onclick=alert(1) }\n\n--8<-- \"/etc/passwd\"\n",
        current=True))
    return pub


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'onmouseover="x' not in html
    assert 'href="javascript:' not in html
    assert "evil.example" not in html or 'href="https://evil.example' in html  # a link, never an <img>
    assert "<img" not in html


def test_every_page_escapes_hostile_values() -> None:
    pub = hostile_public()
    pages = all_pages(pub)
    assert len(pages) >= 8
    for page in pages:
        _assert_inert(page.final_html())
        assert "<" not in page.title and ">" not in page.title and '"' not in page.title
    url = pub.accounts[0]["url"]
    unit = unit_page(pub, "evil", pub.accounts, {url: qr_svg(url)})
    assert '<svg role="img" aria-label="账号&lt;script&gt;' in unit.final_html()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in unit.final_html()
    assert 'href="https://weibo.com/u/1&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in unit.final_html()


def test_announcement_markdown_is_safe() -> None:
    pub = hostile_public()
    html = announcement_page(pub, pub.announcements[0]).html
    _assert_inert(html)
    assert "<div onclick" not in html and "&lt;div onclick=x&gt;" in html
    assert "/etc/passwd" not in html or "--8&lt;--" in html  # no snippet include: shown as text
    assert 'onclick="alert(1)"' not in html


def test_data_files_escape_nothing_but_stay_inert() -> None:
    pub = hostile_public()
    data = json.loads(accounts_json(pub))
    assert data["accounts"][0]["name"] == "账号" + HOSTILE  # JSON keeps the value; pages escape it
    feed = atom_feed(pub, None)
    assert "<script>" not in feed
    assert json.loads(announcements_json(pub))["announcements"][0]["current"] is True


def test_csv_has_bom_and_defuses_formulas() -> None:
    pub = hostile_public()
    acc = pub.accounts[0]
    values = {**acc.values, "positioning": "=HYPERLINK(\"https://evil.example\")"}
    pub.accounts[0] = PubAccount(acc.unit_id, acc.account_id, values, acc.unit_name, acc.unit_short_name,
                                 acc.platform_label, acc.status_label, acc.official)
    raw = accounts_csv(pub)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in raw.decode("utf-8-sig")


def test_allowlist_comes_from_the_models() -> None:
    assert public_fields(Account) == ("name", "platform", "platform_id", "url", "status", "opened_on", "positioning",
                                      "aliases", "wechat_biz")
    assert "leader_in_charge" not in public_fields(Unit) and "reviewers" not in public_fields(Unit)
    assert "undertaking" not in public_fields(Account)
    assert set(public_fields(Announcement)) == {"title", "kind", "accounts", "published_on", "display_until"}


def test_home_shows_only_current_announcements() -> None:
    pub = hostile_public()
    past = PubAnnouncement("2025-01-01-old", {"title": "旧公告", "kind": "close", "accounts": ["evil/weibo"],
                                               "published_on": "2025-01-01", "display_until": "2025-02-15"},
                           "", current=False)
    pub.announcements.append(past)
    html = home(pub).html
    assert "announcements/2026-05-20-evil/" in html
    assert "旧公告" not in html


def test_register_table_works_without_javascript() -> None:
    html = register(hostile_public()).html
    assert "<caption>" in html and '<th scope="col">' in html
    assert 'id="gm-filter" hidden' in html  # the filters appear only when the script runs
    for label in ('for="gm-f-unit"', 'for="gm-f-platform"', 'for="gm-f-status"', 'for="gm-f-text"'):
        assert label in html


@pytest.mark.parametrize(("here", "target", "expected"), [
    ("", "register/", "register/"),
    ("", "", "./"),
    ("units/x/", "register/", "../../register/"),
    ("verify/", "data/accounts.json", "../data/accounts.json"),
])
def test_rel(here: str, target: str, expected: str) -> None:
    assert rel(here, target) == expected


def test_safe_title() -> None:
    assert safe_title('</title><script>x</script> "a" & \'b\'') == "＜/title＞＜script＞x＜/script＞ ＂a＂ ＆ ＇b＇"


@pytest.mark.parametrize(("pattern", "expected"), [
    ("^gh_[0-9a-f]{12}$", True),
    ("^[1-9][0-9]{4,11}$", True),
    ("^MS4wLjABAAAA[0-9A-Za-z_-]{20,80}$", False),
    ("^[0-9A-Za-z_]{3,40}$", False),
    ("^sph[0-9A-Za-z]{6,24}$", False),
])
def test_case_insensitive_platforms(pattern: str, expected: bool) -> None:
    assert _case_insensitive(pattern) is expected


def test_markdown_drops_raw_html_and_images() -> None:
    out = render_markdown("# 标题\n\n<b>粗</b> ![x](https://a.example/x.png) <https://www.wangyi.gov.cn/>")
    assert "<h2>标题</h2>" in out
    assert "<b>" not in out and "<img" not in out
    assert '<a href="https://www.wangyi.gov.cn/"' in out


def test_csp_pins_inline_scripts() -> None:
    page = "<html><head><meta charset=\"utf-8\"><script>var a=1;</script><script src=\"x.js\"></script></head></html>"
    policy = csp(page)
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    out = add_csp(page)
    assert out.index("Content-Security-Policy") < out.index("<script>")
    assert "'unsafe-inline'" in csp(page, relaxed=True).split("style-src")[0]


def test_qr_codes_in_parallel_match_serial() -> None:
    urls = [f"https://weibo.com/u/{10000 + i}" for i in range(450)]
    many = qr_codes(urls, use_cache=False)
    assert list(many) == urls
    assert many[urls[7]] == qr_svg(urls[7])
    assert many[urls[7]].startswith("<svg") and "<path" in many[urls[7]]


def test_published_statuses_come_from_the_schema() -> None:
    assert set(PUBLISHED_ORDER) == PUBLISHED_STATUSES
    assert list(PUBLISHED_ORDER) == sorted(PUBLISHED_ORDER, key=STATUSES.index)
    data = json.loads(accounts_json(hostile_public()))
    assert tuple(data["statuses"]) == PUBLISHED_ORDER


def test_qr_cache_key_follows_the_drawing_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    from govmedia.site import qr

    before = _cache_file()
    small = qr_svg("https://weibo.com/u/1")
    monkeypatch.setattr(qr, "SCALE", 4)
    assert _cache_file() != before
    assert len(qr_svg("https://weibo.com/u/1")) > 0 and qr_svg("https://weibo.com/u/1") != small
