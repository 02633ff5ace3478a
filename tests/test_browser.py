"""The built site in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

Serves a built demo register on 127.0.0.1, filters the register, verifies an official and an
unofficial URL, reads the home page announcements, and fails on any request to another host or any
Content-Security-Policy violation. Set GOVMEDIA_NO_BROWSER=1 to skip where chromium is missing.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import BASE_TODAY
from tests.test_site_build import mkdocs_build

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path("/tmp")


EXISTING_CLOSED = {
    "accounts/wangyi-education/douyin/account.yaml": "name: 王益教育局\nplatform: douyin\nstatus: closed\n",
    "accounts/wangyi-education/douyin/requests/2026-05-01-register/request.yaml": (
        "action: register\nsubmitted_on: 2026-05-01\napplicant: {name: 原台账记载, title: 区政府办公室}\n"
        "reason: 依据原台账导入\nrecorded_status: closed\nended_on: 2024-04-30\n"),
    "accounts/wangyi-education/douyin/requests/2026-05-01-register/district_office.yaml": (
        "decision: approved\ndecided_on: 2026-05-02\napprover: {name: 原台账记载, title: 区政府办公室}\n"
        "comment: 依据原台账导入\n"),
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(demo_cache: Callable[[int, date], Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("GOVMEDIA_NO_BROWSER"):  # as scripts/test.sh: any non-empty value
            pytest.skip("GOVMEDIA_NO_BROWSER=1 and no chromium at /usr/bin/chromium")
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
                    "or set GOVMEDIA_NO_BROWSER=1 to skip the browser tests", pytrace=False)
    root = tmp_path_factory.mktemp("browser") / "reg"
    shutil.copytree(demo_cache(21, BASE_TODAY), root)
    for rel, text in EXISTING_CLOSED.items():  # an old account known only by name, platform and closure date
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root.parent / "site"
    done = mkdocs_build(root, out, BASE_TODAY)
    assert done.returncode == 0, done.stderr[-3000:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(served: tuple[str, Path]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, served: tuple[str, Path]) -> Iterator[Any]:
    """A phone-sized page that records console errors and every request to another host (none allowed)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = context.new_page()
    problems: list[str] = []
    foreign: list[str] = []

    def request(r: Any) -> None:  # (recorded, not routed: routing would stall the search worker's fetch)
        if urlsplit(r.url).hostname != "127.0.0.1" and not r.url.startswith(("data:", "blob:")):
            foreign.append(r.url)

    context.on("request", request)
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()
    assert not foreign, f"requests to another host: {foreign}"
    assert not problems, f"console errors (CSP violations?): {problems}"


def _data(out: Path, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((out / "data" / name).read_text(encoding="utf-8"))
    return result


def test_home_page_shows_current_announcements(page: Any, served: tuple[str, Path]) -> None:
    base, out = served
    page.goto(base)
    expected = [a["title"] for a in _data(out, "announcements.json")["announcements"] if a["current"]]
    assert expected
    shown = page.locator("#gm-current li a").all_inner_texts()
    assert shown == expected
    assert "演示数据，非真实账号" in page.locator(".md-banner").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "govmedia-home.png"), full_page=True)


def test_register_filters(page: Any, served: tuple[str, Path]) -> None:
    base, out = served
    accounts = _data(out, "accounts.json")["accounts"]
    page.goto(base + "register/")
    rows = page.locator("#gm-register tbody tr")
    assert rows.count() == len(accounts)
    assert page.locator("#gm-filter").is_visible()
    page.select_option("#gm-f-platform", "weibo")
    weibo = [a for a in accounts if a["platform"] == "weibo"]
    assert page.locator("#gm-register tbody tr:visible").count() == len(weibo) > 0
    page.select_option("#gm-f-platform", "")
    first = accounts[0]
    page.select_option("#gm-f-unit", first["unit_id"])
    assert page.locator("#gm-register tbody tr:visible").count() == sum(a["unit_id"] == first["unit_id"] for a in accounts)
    page.select_option("#gm-f-unit", "")
    page.select_option("#gm-f-status", "closed")
    assert page.locator("#gm-register tbody tr:visible").count() == sum(a["status"] == "closed" for a in accounts)
    page.select_option("#gm-f-status", "")
    page.fill("#gm-f-text", first["platform_id"])
    assert page.locator("#gm-register tbody tr:visible").count() == 1
    assert "显示 1 个账号" in page.locator("#gm-count").inner_text()


def _verify(page: Any, base: str, query: str) -> str:
    page.goto(base + "verify/")
    page.fill("#gm-q", query)
    page.click(".gm-verify-form button")
    page.wait_for_selector("#gm-result .gm-verdict")
    text: str = page.locator("#gm-result").inner_text()
    return text


def test_verify_official_and_unofficial(page: Any, served: tuple[str, Path]) -> None:
    base, out = served
    accounts = _data(out, "accounts.json")["accounts"]
    weibo = next(a for a in accounts if a["platform"] == "weibo" and a["official"])
    # scheme, m. host, capitals in the host, trailing slash, tracking query: still the same account
    messy = weibo["url"].replace("https://weibo.com", "http://M.WEIBO.com") + "/?from=share#top"
    text = _verify(page, base, messy)
    assert text.startswith("已备案") and weibo["unit_name"] in text and "微博" in text and weibo["status_label"] in text
    page.screenshot(path=str(SCREENSHOTS / "govmedia-verify.png"), full_page=True)

    wechat = next(a for a in accounts if a["platform"] == "wechat_official" and a["official"])
    text = _verify(page, base, wechat["url"] + "&scene=124#wechat_redirect")
    assert text.startswith("已备案") and wechat["unit_name"] in text

    fake = "https://weibo.com/u/9" + weibo["platform_id"][1:]
    assert "未在本名录中，请勿轻信" in _verify(page, base, fake)
    assert "未在本名录中，请勿轻信" in _verify(page, base, "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=FAKE")
    assert "疑似仿冒" in _verify(page, base, "王益发布官方客服")  # an official name with words added


def test_verify_handle_name_and_closed_account(page: Any, served: tuple[str, Path]) -> None:
    base, out = served
    accounts = _data(out, "accounts.json")["accounts"]
    official = next(a for a in accounts if a["official"])
    assert _verify(page, base, official["platform_id"]).startswith("已备案")
    app = next(a for a in accounts if a["platform"] == "app" and a["official"])  # an id like cn.gov.x.y
    assert _verify(page, base, app["platform_id"]).startswith("已备案")
    assert "未在本名录中" in _verify(page, base, app["platform_id"] + "x")
    text = _verify(page, base, f"「{official['name']}」")  # a name alone identifies nothing
    assert text.startswith("名称相符，但仅凭名称不能确认") and official["unit_name"] in text
    gone = next(a for a in accounts if a["status"] in ("closed", "exited") and a["url"])
    text = _verify(page, base, gone["url"])
    assert text.startswith("已备案，但已不再是官方账号") and gone["status_label"] in text


def test_verify_an_existing_closed_account_known_by_name_only(page: Any, served: tuple[str, Path]) -> None:
    """Recorded by a registration (存量登记) with no id and no url: found by its name, and not official."""
    base, _ = served
    text = _verify(page, base, "王益教育局")
    assert text.startswith("已备案，但已不再是官方账号") and "已注销关停（已不再是官方账号）" in text and "抖音" in text


def test_home_verify_box_leads_to_the_verdict(page: Any, served: tuple[str, Path]) -> None:
    base, out = served
    official = next(a for a in _data(out, "accounts.json")["accounts"] if a["official"])
    page.goto(base)
    page.fill("#gm-home-q", official["url"])
    page.click(".gm-verify-form button")
    page.wait_for_selector("#gm-result .gm-verdict")
    assert page.locator("#gm-result").inner_text().startswith("已备案")


def test_search_finds_chinese_words(browser: Any, served: tuple[str, Path]) -> None:
    """Material's search (jieba-segmented index, lunr zh) works offline under the site's CSP."""
    base, _ = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        pg = context.new_page()
        pg.goto(base + "policies/")
        pg.click("input.md-search__input")
        pg.keyboard.type("政务公开")  # inserted as text (like an IME): no key events ...
        pg.keyboard.press("End")  # ... so send the keyup that material's search listens for
        pg.wait_for_selector(".md-search-result__list li")
        assert pg.locator(".md-search-result__list li").count() > 0
    finally:
        context.close()
