"""The whole public site as data: pages (HTML) and files (bytes), ready for any static-site adapter."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.register.context import Context
from govmedia.register.registry import Registry
from govmedia.run.engine import check_all

from govmedia.site.data import accounts_csv, accounts_json, accounts_xlsx, announcements_json, atom_feed
from govmedia.site.publish import Part, Public, build_public, public_part
from govmedia.site.render import ASSETS, Page, all_pages
from govmedia.site.verifydata import verify_index

ASSET_DIR = Path(__file__).parent / "assets"
TEMPLATE_DIR = Path(__file__).parent / "templates"
DEMO_BANNER = "演示数据，非真实账号"
LOGO = ASSETS + "logo.png"
LOGO_MAX = 256 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
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
    site_url: str | None = None

    @property
    def description(self) -> str:
        return str(self.public.site_info.get("description") or f"{self.public.jurisdiction}政务新媒体名录")

    def extra(self, today: date) -> dict[str, Any]:
        """What the theme override reads (``config.extra.govmedia``): the demo banner and the footer."""
        return {"demo": self.public.demo, "today": today.isoformat(), "site": footer_info(self.public)}


class RefusedError(Exception):
    """The register may not be published: the message lists why (Chinese and English)."""


MAX_LISTED = 200  # findings listed in the refusal; `govmedia check` lists all


def checked_site(root: Path, today: date, site_url: str | None, qr: bool = True) -> Site:
    """Check the register at ``root`` and build its site, or raise RefusedError. A large register is checked
    in chunks, in worker processes: only its public data comes back."""
    done = check_all(Context(root=root, today=today, cache=True), extract=public_part)
    registry, findings = done.registry, done.findings
    # Only what would be unsafe to publish stops the site: unreadable or malformed files (GM0xx) and
    # content safety (GM5xx). Compliance findings (GM1xx-GM4xx) never take the public register offline.
    errors = [f for f in findings if f.severity == "error" and blocks_publishing(f.code)]
    if errors or registry.governance is None:
        lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.zh}" for f in errors[:MAX_LISTED]]
        if len(errors) > MAX_LISTED:
            lines.append(f"……另有 {len(errors) - MAX_LISTED} 个错误：运行 govmedia check 查看全部 / and more")
        raise RefusedError("govmedia: 名录检查未通过，拒绝发布网站 / the register has errors, refusing to build:\n"
                           + "\n".join(lines or ["policies/governance.yaml: missing or invalid"]))
    info = registry.governance.model.site
    site_url = site_url or info.url
    try:
        logo = read_logo(root, info.logo)
    except ValueError as e:
        raise RefusedError(f"govmedia: {e}") from None
    site = build_site(registry, today, site_url, qr=qr, parts=done.extracts, logo=logo)
    site.site_url = site_url
    return site


def build_site(registry: Registry, today: date, site_url: str | None = None, qr: bool = True,
               parts: list[Part] | None = None, logo: bytes | None = None) -> Site:
    """``parts``: the public data of the unit folders when ``registry`` does not hold them (a sharded check);
    ``logo``: the district's PNG logo (``read_logo``)."""
    pub = build_public(registry, today, parts)
    site = Site(pub)
    for page in all_pages(pub, qr=qr):
        site.pages[page.src_uri] = page
    site.files["data/accounts.json"] = accounts_json(pub).encode("utf-8")
    site.files["data/verify.json"] = json.dumps(verify_index(pub), ensure_ascii=False, separators=(",", ":")).encode()
    site.files["data/accounts.csv"] = accounts_csv(pub)
    site.files["data/accounts.xlsx"] = accounts_xlsx(pub)
    site.files["data/announcements.json"] = announcements_json(pub).encode("utf-8")
    site.files["feed.xml"] = atom_feed(pub, site_url).encode("utf-8")
    if logo is not None:
        site.files[LOGO] = logo
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


def blocks_publishing(code: str) -> bool:
    """Findings that stop the site: file integrity (GM0xx) and content safety (GM5xx). A page built from a
    broken file or carrying spam must not go out; a compliance finding (GM1xx-GM4xx) leaves the register up."""
    return code.startswith(("GM0", "GM5"))


def read_logo(root: Path, rel: str | None) -> bytes | None:
    """The district's logo (governance ``site.logo``): a regular PNG file of at most LOGO_MAX bytes inside
    the register. PNG only: an SVG could carry script."""
    if rel is None:
        return None
    path = (root / rel)
    if ".." in Path(rel).parts or not path.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"网站标志 site.logo “{rel}” 必须是名录仓库中的文件 / site.logo must be inside the register")
    try:
        with path.open("rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise ValueError(f"网站标志 {rel} 不是普通文件 / site.logo is not a regular file")
            data = f.read(LOGO_MAX + 1)
    except OSError as e:
        raise ValueError(f"网站标志 {rel} 无法读取（{e.strerror}）/ site.logo cannot be read") from None
    if len(data) > LOGO_MAX or not data.startswith(PNG_MAGIC):
        raise ValueError(f"网站标志 {rel} 必须是不超过 {LOGO_MAX // 1024} KB 的 PNG 图片 / site.logo must be a PNG "
                         f"of at most {LOGO_MAX // 1024} KB")
    return data


def footer_info(pub: Public) -> dict[str, str]:
    """What the footer shows, from governance ``site`` (empty values left out)."""
    info = {k: str(v) for k, v in pub.site_info.items() if v and k in ("organiser", "phone", "email", "icp", "police")}
    if "police" in info:  # the record number the national filing site looks up
        info["police_code"] = "".join(c for c in info["police"] if c.isdigit())
    info.setdefault("organiser", pub.jurisdiction)
    return info


_SKIP = re.compile(r'<div data-md-component="skip">.*?</div>', re.DOTALL)


def finish_page(html: str, relaxed: bool = False) -> str:
    """Every page as it is written: lang="zh-CN", a skip link to the content, the CSP."""
    html = html.replace('<html lang="zh"', '<html lang="zh-CN"', 1)
    html = html.replace('<div class="md-search" data-md-component="search" role="dialog">',
                        '<div class="md-search" data-md-component="search" role="dialog" aria-label="站内搜索">', 1)
    html = _SKIP.sub('<div data-md-component="skip"><a href="#gm-main" class="md-skip">跳到正文</a></div>', html, 1)
    return add_csp(html, relaxed)
