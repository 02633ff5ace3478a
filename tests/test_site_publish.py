"""What the site publishes and when it refuses: spreadsheet-safe open data, and a build that stops only on
file-integrity (GM0xx) and content-safety (GM5xx) errors, never on compliance findings."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from govmedia.site.data import accounts_csv, accounts_xlsx, atom_feed
from govmedia.site.publish import PubAccount, Public
from govmedia.site.render import all_pages
from govmedia.site.site import blocks_publishing
from govmedia.site.verifydata import verify_index
from tests.conftest import BASE_TODAY
from tests.test_site_build import mkdocs_build
from tests.test_site_render import hostile_public

LONG_ID = "1234567890123456"  # a 16-digit Bilibili id: a spreadsheet keeps 15 significant digits


def _public_with_tricky_cells() -> tuple[Public, str]:
    pub = hostile_public()
    pub.accounts.append(PubAccount(
        unit_id="evil", account_id="bilibili",
        values={"name": "=HYPERLINK(\"http://x\")", "platform": "weibo", "platform_id": LONG_ID,
                "url": f"https://space.bilibili.com/{LONG_ID}", "status": "active", "opened_on": "2025-01-01",
                "positioning": "+1", "aliases": ["0123", "wy1"], "wechat_biz": None},
        unit_name="单位", unit_short_name="单位", platform_label="哔哩哔哩", status_label="正常运行", official=True))
    return pub, LONG_ID


def test_csv_keeps_long_ids_as_text_and_defuses_formulas() -> None:
    pub, long_id = _public_with_tricky_cells()
    rows = list(csv.reader(io.StringIO(accounts_csv(pub).decode("utf-8-sig"))))
    head, last = rows[0], rows[-1]
    assert head[:3] == ["单位标识", "账号标识", "账号名称"] and "平台账号ID" in head  # Chinese headers
    cell = dict(zip(head, last, strict=True))
    assert cell["平台账号ID"] == "\t" + long_id  # Excel and WPS read it as text: every digit kept
    assert cell["账号名称"].startswith("'=") and cell["功能定位"] == "'+1"
    assert cell["其他账号标识"] == "0123、wy1" and cell["是否官方账号"] == "是"
    assert cell["数据说明"] == "演示数据，非真实账号"


def test_xlsx_cells_are_all_text_and_never_formulas(tmp_path: Path) -> None:
    pub, long_id = _public_with_tricky_cells()
    target = tmp_path / "accounts.xlsx"
    target.write_bytes(accounts_xlsx(pub))
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "单位标识"
    last = {h.value: c for h, c in zip(rows[0], rows[-1], strict=True)}
    assert last["平台账号ID"].value == long_id and last["平台账号ID"].data_type == "s"
    assert last["账号名称"].value.startswith("=") and last["账号名称"].data_type == "s"  # text, not a formula
    assert all(c.data_type == "s" for row in rows for c in row if c.value is not None)
    first = accounts_xlsx(pub)
    time.sleep(1.1)  # openpyxl stamps the second of saving: the bytes must not change with it
    assert accounts_xlsx(pub) == first


def test_feed_carries_the_demo_marker() -> None:
    pub = hostile_public()
    feed = atom_feed(pub, "https://demo.example.org/")
    assert "<title>【演示数据，非真实账号】" in feed and "<subtitle>演示数据，非真实账号</subtitle>" in feed
    assert 'href="https://demo.example.org/announcements/' in feed


def test_only_integrity_and_content_errors_block_publishing() -> None:
    assert blocks_publishing("GM003") and blocks_publishing("GM010") and blocks_publishing("GM501")
    assert not any(blocks_publishing(c) for c in ("GM101", "GM105", "GM202", "GM301", "GM401", "GM402"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_compliance_error_leaves_the_site_up(make_register: Callable[..., Path], tmp_path: Path) -> None:
    """An active account with comments switched off (GM402) is a compliance error: the register is still
    published (the daily check reports it), unlike spam or a broken file."""
    root = make_register()
    _edit(root / "accounts/wangyi-education/weibo/account.yaml", "comments: true", "comments: false")
    out = tmp_path / "out"
    done = mkdocs_build(root, out, BASE_TODAY)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "register" / "index.html").is_file()


def test_spam_stops_the_site(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register()
    gov = root / "policies" / "governance.yaml"
    _edit(gov, "  banned_terms: []", "  banned_terms: [王益快钱]")
    _edit(root / "accounts/wangyi-education/weibo/account.yaml", "positioning: ", "positioning: 提供王益快钱服务。")
    out = tmp_path / "out"
    done = mkdocs_build(root, out, BASE_TODAY)
    assert done.returncode != 0 and "GM501" in done.stderr
    assert not (out / "index.html").exists()


def test_logo_must_be_a_png_inside_the_register(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register(n=3)
    (root / "policies" / "logo.png").write_text('<svg onload="alert(1)"/>', encoding="utf-8")
    done = mkdocs_build(root, tmp_path / "out", BASE_TODAY)
    assert done.returncode != 0 and "PNG" in done.stderr and "Traceback" not in done.stderr
    assert re.search(r"site\.logo", done.stderr)


def test_an_account_without_url_is_published_with_its_id() -> None:
    """Platforms without a stable profile URL (a mini program, a channel) may register no url."""
    pub = hostile_public()
    pub.accounts.append(PubAccount(
        unit_id="evil", account_id="channels",
        values={"name": "无链接账号", "platform": "weibo", "platform_id": "sphABCDEF12", "url": None,
                "status": "active", "opened_on": "2025-01-01", "positioning": "视频号", "aliases": [],
                "wechat_biz": None},
        unit_name="单位", unit_short_name="单位", platform_label="微信视频号", status_label="正常运行", official=True))
    pages = {p.path: p for p in all_pages(pub)}
    for path in ("register/", "units/evil/"):
        html = pages[path].final_html()
        assert "sphABCDEF12" in html and "None" not in html, path
    assert verify_index(pub)["accounts"][-1]["url"] is None
    assert "None" not in accounts_csv(pub).decode("utf-8-sig").splitlines()[-1]
