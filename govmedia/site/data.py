"""Open data: ``/data/accounts.json``, ``/data/accounts.csv``, ``/data/announcements.json``, ``/feed.xml``.

Every value comes from the public view (``publish.Public``): allowlisted fields and derived labels.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from govmedia.dialect.urls import url_host
from govmedia.site.markdown import render_markdown
from govmedia.site.publish import ANNOUNCEMENT_KIND_LABELS, OFFICIAL_STATUSES, PUBLISHED_ORDER, Public, status_label

ATOM = "http://www.w3.org/2005/Atom"
DEMO_MARK = "演示数据，非真实账号"


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def accounts_json(pub: Public) -> str:
    """Every published account, with what the verify page needs to normalise URLs per platform."""
    return _dump({
        "jurisdiction": pub.jurisdiction,
        "demo": pub.demo,
        "generated_on": pub.today.isoformat(),
        "platforms": {
            pid: {"label": p.label, "hosts": list(p.hosts), "case_insensitive": p.case_insensitive}
            for pid, p in pub.platforms.items()
        },
        "statuses": {s: {"label": status_label(s), "official": s in OFFICIAL_STATUSES}
                     for s in PUBLISHED_ORDER},
        "accounts": [a.as_dict() for a in pub.accounts],
    })


# Open-data column headers in Chinese (the JSON keys stay English); a key not listed keeps its name.
HEADERS = {
    "unit_id": "单位标识", "account_id": "账号标识", "name": "账号名称", "platform": "平台标识",
    "platform_id": "平台账号ID", "url": "链接", "status": "状态标识", "opened_on": "开设日期",
    "positioning": "功能定位", "aliases": "其他账号标识", "wechat_biz": "公众号__biz",
    "unit_name": "主办单位", "unit_short_name": "主办单位简称", "platform_label": "平台", "status_label": "状态",
    "official": "是否官方账号", "demo": "数据说明",
}
SHEET_TITLE = "政务新媒体名录"


def _rows(pub: Public) -> tuple[list[str], list[dict[str, Any]]]:
    """The open-data table: columns (keys) and rows; a demo register says so on every row."""
    rows = [a.as_dict() for a in pub.accounts]
    columns: list[str] = list(rows[0]) if rows else ["unit_id", "account_id"]
    for key in ("aliases", "wechat_biz"):  # always present, even when no account has one
        if key not in columns:
            columns.append(key)
    if pub.demo:
        columns.append("demo")
        for row in rows:
            row["demo"] = DEMO_MARK
    return columns, rows


def accounts_csv(pub: Public) -> bytes:
    """UTF-8 with BOM so that Excel opens it; Chinese headers; one row per published account."""
    columns, rows = _rows(pub)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS.get(c, c) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _csv_cell(value: Any) -> str:
    text = _text(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be evaluated by Excel.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    # A long number (a 16-digit Bilibili id) or one with a leading zero: a spreadsheet would round it or drop
    # the zero. A leading tab makes Excel and WPS read the cell as text; programs strip it.
    if text.isascii() and text.isdigit() and (len(text) > 11 or text.startswith("0")):
        return "\t" + text
    return text


def accounts_xlsx(pub: Public) -> bytes:
    """The same table as a workbook whose every cell is text: ids keep every digit, nothing is a formula."""
    columns, rows = _rows(pub)
    wb = Workbook(write_only=True)  # streamed: a 100,000-row sheet never sits in memory as cell objects
    ws = wb.create_sheet(SHEET_TITLE)
    stamp = datetime(pub.today.year, pub.today.month, pub.today.day)  # reproducible builds
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = pub.jurisdiction
    ws.freeze_panes = "A2"
    for values in [[HEADERS.get(c, c) for c in columns], *([_text(row.get(c)) for c in columns] for row in rows)]:
        cells = []
        for text in values:
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # openpyxl would take "=..." for a formula
            cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return _stable_zip(out.getvalue(), (stamp.year, stamp.month, stamp.day, 0, 0, 0))


def _stable_zip(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The workbook with every member dated ``when``: the same register gives the same bytes on every build."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                stamp = f"{when[0]:04d}-{when[1]:02d}-{when[2]:02d}T00:00:00Z".encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>",
                                 content)
            dst.writestr(member, content)
    return out.getvalue()


def announcements_json(pub: Public) -> str:
    return _dump({
        "jurisdiction": pub.jurisdiction,
        "demo": pub.demo,
        "generated_on": pub.today.isoformat(),
        "announcements": [
            {"id": a.stem, **a.values, "kind_label": ANNOUNCEMENT_KIND_LABELS.get(a["kind"], a["kind"]),
             "current": a.current, "page": f"announcements/{a.stem}/", "body_markdown": a.body}
            for a in pub.announcements
        ],
    })


def atom_feed(pub: Public, site_url: str | None) -> str:
    """Atom feed of the published announcements, newest first."""
    authority = url_host(pub.portal_url) or "govmedia.invalid"
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"tag:{authority},2024:govmedia/announcements"
    mark = f"【{DEMO_MARK}】" if pub.demo else ""
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{mark}{pub.jurisdiction}政务新媒体公告"
    if pub.demo:
        ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = DEMO_MARK
    newest = pub.announcements[0].published_on if pub.announcements else pub.today
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00+08:00"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = pub.jurisdiction
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}feed.xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}announcements/"})
    for a in pub.announcements:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:{authority},{a['published_on']}:govmedia/{a.stem}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = mark + a["title"]
        stamp = f"{a['published_on']}T00:00:00+08:00"
        ET.SubElement(entry, f"{{{ATOM}}}published").text = stamp
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}announcements/{a.stem}/"})
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = render_markdown(a.body)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
