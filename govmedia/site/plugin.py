"""The MkDocs adapter: the only module that imports mkdocs. Everything else is plain functions.

``mkdocs build`` runs the register checks first and refuses to build on any error, then publishes
the pages and data files of ``website.site.build_site`` from memory (``File.generated``).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

from govmedia.register.context import Context
from govmedia.run.engine import check_all

from govmedia.site.publish import public_part
from govmedia.site.site import (
    LOGO,
    NAV,
    TEMPLATE_DIR,
    Site,
    blocks_publishing,
    build_site,
    finish_page,
    footer_info,
    read_logo,
)

TODAY_ENV = "GOVMEDIA_TODAY"
MAX_LISTED = 200  # findings listed in the build error; `govmedia check` lists all


class GovmediaConfig(Config):  # type: ignore[no-untyped-call]
    root = c.Optional(c.Type(str))  # the register, relative to mkdocs.yml (default: its folder)
    today = c.Optional(c.Type(str))  # build date YYYY-MM-DD (default: today; env GOVMEDIA_TODAY wins)
    qr = c.Type(bool, default=True)  # draw QR codes on the unit pages


def build_date(configured: str | None) -> date:
    text = os.environ.get(TODAY_ENV) or configured
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PluginError(f"govmedia: build date must be YYYY-MM-DD, got {text!r} ({TODAY_ENV} or plugin 'today')") from None


class GovmediaPlugin(BasePlugin[GovmediaConfig]):  # type: ignore[no-untyped-call]
    site: Site | None = None
    serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = (Path(config.config_file_path).parent / (self.config.root or ".")).resolve()
        today = build_date(self.config.today)
        # A large register is checked in chunks, in worker processes: only its public data comes back.
        done = check_all(Context(root=self.root, today=today, cache=True), extract=public_part)
        registry, findings = done.registry, done.findings
        # Only what would be unsafe to publish stops the site: unreadable or malformed files (GM0xx) and
        # content safety (GM5xx). Compliance findings (GM1xx-GM4xx) never take the public register offline.
        errors = [f for f in findings if f.severity == "error" and blocks_publishing(f.code)]
        if errors or registry.governance is None:
            lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.zh}" for f in errors[:MAX_LISTED]]
            if len(errors) > MAX_LISTED:
                lines.append(f"……另有 {len(errors) - MAX_LISTED} 个错误：运行 govmedia check 查看全部 / and more")
            raise PluginError("govmedia: 名录检查未通过，拒绝发布网站 / the register has errors, refusing to build:\n"
                              + "\n".join(lines or ["policies/governance.yaml: missing or invalid"]))
        info = registry.governance.model.site
        if not config.site_url and info.url:
            config.site_url = info.url
        try:
            logo = read_logo(self.root, info.logo)
        except ValueError as e:
            raise PluginError(f"govmedia: {e}") from None
        self.site = build_site(registry, today, config.site_url, qr=self.config.qr, parts=done.extracts, logo=logo)
        config.theme.dirs.insert(0, str(TEMPLATE_DIR))
        if logo is not None:
            config.theme["logo"] = config.theme["favicon"] = LOGO
        config.site_description = info.description or f"{self.site.public.jurisdiction}政务新媒体名录"
        config.extra["govmedia"] = {"demo": self.site.public.demo, "today": today.isoformat(),
                                    "site": footer_info(self.site.public)}
        config.use_directory_urls = True
        config.nav = [{title: f"{path}index.md"} for title, path in NAV]
        if "assets/govmedia/site.css" not in config.extra_css:
            config.extra_css.append("assets/govmedia/site.css")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        docs_dir = Path(config.docs_dir).resolve()
        for f in list(files):  # publish nothing but what the register generates
            if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(docs_dir):
                files.remove(f)
        for src_uri, page in self.site.pages.items():
            meta: dict[str, Any] = {"title": page.title, "hide": page.hide}
            if not page.search:
                meta["search"] = {"exclude": True}
            files.append(File.generated(config, src_uri, content=f"---\n{json.dumps(meta)}\n---\n"))
        for path, content in self.site.files.items():
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        assert self.site is not None
        generated = self.site.pages.get(page.file.src_uri)
        return generated.html if generated else html

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        generated = self.site.pages.get(page.file.src_uri) if self.site else None
        if generated is not None:
            output = generated.finish(output)
            # Written once: let go of this page's HTML and of its unit's QR codes (at 100,000 accounts they
            # add up to about 1 GB). Nothing of MkDocs reads them afterwards (search indexed the page before).
            generated.html, generated.late = "", None
            page.content = None
        return finish_page(output, relaxed=self.serving)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return finish_page(output_content, relaxed=self.serving) if template_name.endswith(".html") else output_content

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in ("accounts", "announcements", "policies"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server
