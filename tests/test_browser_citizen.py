"""The public site as citizens use it, in Debian's chromium at 1366 px and on a 390 px phone.

Every kind of input a citizen holds is typed into the home page's form and opened as /verify/?account=…;
the verdict must be the expected one AND be seen: the element at the centre of the verdict's visible part is
the verdict (or inside it), so nothing — site search, a header, a drawer — covers it. The register must fit
a phone, axe-core (npm, run inside the page) must find no serious or critical violation, site search must
find a unit and an account by name. Screenshots for docs/verify.md are written to GOVMEDIA_SCREENSHOT_DIR
(default: a temporary folder).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.test_browser import browser, served  # noqa: F401 - the module's fixtures

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Real links, from tests/fixtures/links/links.yaml (each with its source there).
DOUYIN_SHARE = "7.43 FuL:/ 你别说，真挺好看的 https://v.douyin.com/iFDbjn2M/ 复制此链接，打开Dou音搜索，直接观看视频！"
WECHAT_SHORT = "https://mp.weixin.qq.com/s/roc7CmIjuEyqlMgUYRF9dw"
KUAISHOU_SHORT = "https://v.kuaishou.com/EHyg3o"
ARTICLE = "https://mp.weixin.qq.com/s?__biz={}&mid=2655142500&idx=1&sn=77fbb51f69117d7b573e17928f1a26ce&scene=0#rd"
SEEN = """() => {
  const box = document.getElementById('gm-verdict');
  if (!box) return 'no verdict element';
  const r = box.getBoundingClientRect();
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, window.innerHeight);
  const left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
  if (bottom - top < 20 || right - left < 20) return 'verdict outside the viewport: ' + JSON.stringify(r);
  const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
  if (!hit || !box.contains(hit)) return 'covered by ' + (hit ? hit.outerHTML.slice(0, 120) : 'nothing');
  return 'seen';
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def shots() -> Path:
    folder = Path(os.environ.get("GOVMEDIA_SCREENSHOT_DIR") or "/tmp/govmedia-shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cases(out: Path) -> list[tuple[str, str, str]]:
    """(label, input, expected verdict): every kind of input, from the built site's own data."""
    data: dict[str, Any] = json.loads((out / "data" / "verify.json").read_text(encoding="utf-8"))
    accounts = data["accounts"]
    weibo = next(a for a in accounts if a["platform"] == "weibo" and a["official"])
    wechat = next(a for a in accounts if a["platform"] == "wechat_official" and a["official"] and a["wechat_biz"])
    aliased = next(a for a in accounts if a["official"] and a["aliases"])
    gone = next(a for a in accounts if not a["official"] and a["url"])
    unit = next(u for u in data["units"] if u["unit_id"] == "wangyi-education")
    return [
        ("profile-link", weibo["url"].replace("https://weibo.com", "http://M.WEIBO.com") + "/?from=share", "official"),
        ("platform-id", weibo["platform_id"], "official"),
        ("alias", aliased["aliases"][0], "official"),
        ("article-link", ARTICLE.format(wechat["wechat_biz"]), "official"),
        ("former", gone["url"], "former"),
        ("name", "王益发布", "name-only"),
        ("traditional", "王益發佈", "lookalike"),
        ("near-identical", "王盆发布", "lookalike"),
        ("pinyin", "wangyifabu", "lookalike"),
        ("unit", unit["name"], "unit"),
        ("douyin-share-text", DOUYIN_SHARE, "undecidable"),
        ("wechat-short-link", WECHAT_SHORT, "undecidable"),
        ("kuaishou-short-link", KUAISHOU_SHORT, "undecidable"),
        ("unknown-link", "https://weibo.com/u/9" + weibo["platform_id"][1:], "unknown"),
        ("unknown-name", "王益区便民补贴领取中心", "unknown"),
    ]


@pytest.fixture(params=list(VIEWPORTS))
def viewed(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield request.param, page
    context.close()
    assert not errors


def _verdict(page: Any) -> tuple[str, str]:
    page.wait_for_selector("#gm-verdict")
    return str(page.get_attribute("#gm-verdict", "data-verdict")), str(page.evaluate(SEEN))


def test_every_input_from_the_home_form_and_a_shared_link(viewed: tuple[str, Any],
                                                          served: tuple[str, Path]) -> None:  # noqa: F811
    size, page = viewed
    base, out = served
    for label, text, expected in cases(out):
        page.goto(base)
        page.fill("#gm-home-q", text)
        page.click(".gm-verify-form button")
        page.wait_for_url("**/verify/?account=*")
        assert _verdict(page) == (expected, "seen"), (size, label, "home form")
        assert page.locator(".md-search__output:visible").count() == 0  # site search stays closed
        if label in ("article-link", "traditional", "douyin-share-text", "unit"):
            page.screenshot(path=str(shots() / f"verify-{label}-{size}.png"))
        page.goto(base + "verify/?account=" + quote(text))
        assert _verdict(page) == (expected, "seen"), (size, label, "shared link")
        assert page.input_value("#gm-q") == text


def test_pages_fit_a_phone(browser: Any, served: tuple[str, Path]) -> None:  # noqa: F811
    base, _ = served
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    try:
        page = context.new_page()
        for path in ("", "register/", "verify/?account=王益发布", "units/wangyi-gov-office/", "announcements/",
                     "data/", "policies/", "units/"):
            page.goto(base + path)
            assert page.evaluate(OVERFLOW) <= 0, path
        page.goto(base + "register/")
        badges = page.locator("#gm-register tbody tr .gm-status")
        assert badges.count() > 5
        for i in range(badges.count()):  # the status of every account is on screen, not off to the right
            box = badges.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"]["width"]
        page.screenshot(path=str(shots() / "register-phone.png"))
    finally:
        context.close()


def test_filters_hidden_without_javascript(browser: Any, served: tuple[str, Path]) -> None:  # noqa: F811
    base, _ = served
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "register/")
        assert not page.locator("#gm-filter").is_visible()
        assert page.locator("#gm-register tbody tr").count() > 5
    finally:
        context.close()


@pytest.mark.parametrize("query,target", [("黄堡镇", "units/huangbao-town/"), ("王益教育", "units/wangyi-education/")],
                         ids=["unit", "account"])
def test_search_finds_units_and_accounts_by_name(browser: Any, served: tuple[str, Path],  # noqa: F811
                                                 query: str, target: str) -> None:
    base, _ = served
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base)
        page.click("input.md-search__input")
        page.keyboard.type(query)
        page.keyboard.press("End")  # the keyup Material's search listens for (typing inserts text like an IME)
        page.wait_for_selector(".md-search-result__list li")
        links = page.eval_on_selector_all(".md-search-result__list a", "els => els.map(e => e.href)")
        assert any(target in link for link in links), links
    finally:
        context.close()


@pytest.mark.parametrize("path", ["", "register/", "verify/?account=王益發佈", "units/wangyi-gov-office/"])
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_no_serious_accessibility_violation(browser: Any, served: tuple[str, Path],  # noqa: F811
                                            path: str, size: str) -> None:
    """axe-core from npm (tests/js, installed by scripts/test.sh), injected into the page: no serious or
    critical violation, colour contrast (4.5:1) included."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run (cd tests/js && npm ci) as scripts/test.sh does", pytrace=False)
    base, _ = served
    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base + path)
        if "account=" in path:
            page.wait_for_selector("#gm-verdict")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, bad
    finally:
        context.close()


def test_no_page_speaks_for_the_theme(served: tuple[str, Path]) -> None:  # noqa: F811
    _, out = served
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10 and (out / "404.html").is_file()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Material for MkDocs" not in text and "Not found" not in text, page
        assert '<html lang="zh-CN"' in text and 'class="md-skip"' in text, page
    assert "页面不存在" in (out / "404.html").read_text(encoding="utf-8")
