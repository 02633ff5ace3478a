"""The whole public site as data: pages (HTML) and files (bytes), ready for any static-site adapter."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from govmedia.register.registry import Registry

from govmedia.site.data import accounts_csv, accounts_json, announcements_json, atom_feed
from govmedia.site.publish import Part, Public, build_public
from govmedia.site.render import ASSETS, Page, all_pages
from govmedia.site.verifydata import verify_index

ASSET_DIR = Path(__file__).parent / "assets"
TEMPLATE_DIR = Path(__file__).parent / "templates"
DEMO_BANNER = "演示数据，非真实账号"
# Top-level navigation: units, accounts and announcements are deliberately NOT in the nav (it is
# rendered into every page, so listing them would make the build quadratic).
NAV = [
    ("首页", ""),
    ("名录", "register/"),
    ("核验", "verify/"),
    ("主办单位", "units/"),
    ("公告", "announcements/"),
    ("规则", "policies/"),
    ("开放数据", "data/"),
]


@dataclass
class Site:
    public: Public
    pages: dict[str, Page] = field(default_factory=dict)  # src_uri ("register/index.md") -> page
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> content


def build_site(registry: Registry, today: date, site_url: str | None = None, qr: bool = True,
               parts: list[Part] | None = None) -> Site:
    """``parts``: the public data of the unit folders when ``registry`` does not hold them (a sharded check)."""
    pub = build_public(registry, today, parts)
    site = Site(pub)
    for page in all_pages(pub, qr=qr):
        site.pages[page.src_uri] = page
    site.files["data/accounts.json"] = accounts_json(pub).encode("utf-8")
    site.files["data/verify.json"] = json.dumps(verify_index(pub), ensure_ascii=False, separators=(",", ":")).encode()
    site.files["data/accounts.csv"] = accounts_csv(pub)
    site.files["data/announcements.json"] = announcements_json(pub).encode("utf-8")
    site.files["feed.xml"] = atom_feed(pub, site_url).encode("utf-8")
    for asset in sorted(ASSET_DIR.iterdir()):
        if asset.is_file() and asset.suffix in (".css", ".js"):
            site.files[ASSETS + asset.name] = asset.read_bytes()
    return site


_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)


def csp(html: str, relaxed: bool = False) -> str:
    """The Content-Security-Policy for ``html``: only this site, inline scripts pinned by hash.

    ``relaxed`` (``mkdocs serve``) allows inline scripts so that live reload works.
    """
    if relaxed:
        scripts = "'self' 'unsafe-inline'"
    else:
        hashes = []
        for m in _INLINE_SCRIPT.finditer(html):
            attrs = m.group("attrs").lower()
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = hashlib.sha256(m.group("body").encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
        scripts = " ".join(["'self'", *dict.fromkeys(hashes)])
    return ("default-src 'self'; script-src " + scripts + "; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'")


def add_csp(html: str, relaxed: bool = False) -> str:
    """Insert the CSP meta tag first thing in ``<head>`` (it only guards what follows it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(html, relaxed)}">'
    anchor = re.search(r"<meta charset=[^>]*>", html, re.IGNORECASE) or re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if anchor is None:
        return html
    return html[: anchor.end()] + "\n    " + meta + html[anchor.end():]
