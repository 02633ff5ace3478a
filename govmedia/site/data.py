"""Open data: ``/data/accounts.json``, ``/data/accounts.csv``, ``/data/announcements.json``, ``/feed.xml``.

Every value comes from the public view (``publish.Public``): allowlisted fields and derived labels.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

from govmedia.dialect.urls import url_host
from govmedia.site.markdown import render_markdown
from govmedia.site.publish import ANNOUNCEMENT_KIND_LABELS, OFFICIAL_STATUSES, PUBLISHED_ORDER, Public, status_label

ATOM = "http://www.w3.org/2005/Atom"


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


def accounts_csv(pub: Public) -> bytes:
    """UTF-8 with BOM so that Excel opens it; one row per published account."""
    rows = [a.as_dict() for a in pub.accounts]
    columns: list[str] = list(rows[0]) if rows else ["unit_id", "account_id"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ would be evaluated by Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def announcements_json(pub: Public) -> str:
    return _dump({
        "jurisdiction": pub.jurisdiction,
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
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{pub.jurisdiction}政务新媒体公告"
    newest = pub.announcements[0].published_on if pub.announcements else pub.today
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00+08:00"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = pub.jurisdiction
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}feed.xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}announcements/"})
    for a in pub.announcements:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:{authority},{a['published_on']}:govmedia/{a.stem}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = a["title"]
        stamp = f"{a['published_on']}T00:00:00+08:00"
        ET.SubElement(entry, f"{{{ATOM}}}published").text = stamp
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}announcements/{a.stem}/"})
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = render_markdown(a.body)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
