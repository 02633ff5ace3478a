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

from govmedia.site.site import LOGO, NAV, TEMPLATE_DIR, RefusedError, Site, checked_site, finish_page

TODAY_ENV = "GOVMEDIA_TODAY"


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
        try:
            self.site = checked_site(self.root, today, config.site_url, qr=self.config.qr)
        except RefusedError as e:
            raise PluginError(str(e)) from None
        config.site_url = self.site.site_url
        config.theme.dirs.insert(0, str(TEMPLATE_DIR))
        if LOGO in self.site.files:
            config.theme["logo"] = config.theme["favicon"] = LOGO
        config.site_description = self.site.description
        config.extra["govmedia"] = self.site.extra(today)
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
