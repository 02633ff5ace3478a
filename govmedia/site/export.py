"""The site as plain files, for any engine that reads mkdocs.yml: ``govmedia site build --engine mkdocs|zensical``.

The register is checked and its site built in this process (``site.checked_site``); every page is written as
a Markdown file holding its finished HTML, every data file and asset as itself, the theme override as a
``custom_dir``, and a generated ``mkdocs.yml`` that needs no plugin. MkDocs and zensical then build the same
pages from the same files. Afterwards every written page gets what the plugin adds (``site.finish_page``:
lang, skip link, CSP), and a build that lacks any generated page fails loudly: zensical silently drops
plugins it does not know and would otherwise publish a one-page site with exit status 0.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.site.render import ASSETS
from govmedia.site.site import LOGO, NAV, TEMPLATE_DIR, Site, finish_page

ENGINES = ("mkdocs", "zensical")
MARKER = 'id="gm-main"'  # every generated page's content carries it
SEARCH = {"lang": "zh", "separator": r'[\s\u200b\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?=[A-Z][a-z])'}


class EngineError(Exception):
    """The engine failed, or its output lacks generated pages."""


def write_project(site: Site, today: date, project: Path) -> Path:
    """Write the pages, data files, theme override and mkdocs.yml into ``project``; return the config. The
    engine writes the site to ``project/site`` (zensical wants it inside the project)."""
    if project.exists():
        shutil.rmtree(project)
    docs = project / "docs"
    for src_uri, page in site.pages.items():
        meta: dict[str, Any] = {"title": page.title, "hide": page.hide}
        if not page.search:
            meta["search"] = {"exclude": True}
        target = docs / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n{page.final_html()}\n", encoding="utf-8")
    for rel, content in site.files.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    shutil.copytree(TEMPLATE_DIR, project / "overrides")
    theme: dict[str, Any] = {"name": "material", "language": "zh", "custom_dir": "overrides", "font": False,
                             "features": ["navigation.tabs"], "palette": {"primary": "custom", "accent": "custom"}}
    if LOGO in site.files:
        theme["logo"] = theme["favicon"] = LOGO
    config = {
        "site_name": f"{site.public.jurisdiction}政务新媒体名录",
        "site_description": site.description,
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": theme,
        "extra_css": [ASSETS + "site.css"],
        "extra": {"govmedia": site.extra(today)},
        "nav": [{title: f"{path}index.md"} for title, path in NAV],
        "plugins": [{"search": SEARCH}],
    }
    if site.site_url:
        config["site_url"] = site.site_url
    path = project / "mkdocs.yml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")  # JSON is YAML
    return path


def engine_command(engine: str, config: Path) -> list[str]:
    if engine == "zensical":
        return [str(Path(sys.executable).with_name("zensical")), "build", "--config-file", str(config)]
    return [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config)]


def finish_output(site: Site, out: Path) -> None:
    """Give every written page what the plugin gives it, and fail when a generated page is missing."""
    missing = []
    for page in site.pages.values():
        html = out / page.path / "index.html"
        if not html.is_file() or MARKER not in html.read_text(encoding="utf-8"):
            missing.append(page.path or "/")
    if missing:
        raise EngineError(f"生成的页面缺失或不是由名录生成的（共 {len(missing)} 个，如 {', '.join(missing[:5])}）："
                          f"网站引擎没有发布名录的页面，拒绝使用这次构建 / {len(missing)} generated pages missing")
    for html in out.rglob("*.html"):
        html.write_text(finish_page(html.read_text(encoding="utf-8")), encoding="utf-8")


def build_with(engine: str, site: Site, today: date, project: Path, out: Path) -> None:
    """Build ``site`` with ``engine`` in ``project`` and put the result at ``out`` (replacing an earlier site)."""
    if out.exists() and any(out.iterdir()) and not (out / "index.html").is_file():
        raise EngineError(f"{out} 不是空目录，也不是以前生成的网站：请换一个输出目录 / {out} is not empty and not a site")
    config = write_project(site, today, project)
    try:
        done = subprocess.run(engine_command(engine, config), cwd=project, capture_output=True, text=True,
                              check=False, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise EngineError(f"无法运行 {engine} / cannot run {engine}: {e}") from None
    if done.returncode != 0:
        raise EngineError(f"{engine} 构建失败 / {engine} failed:\n{done.stderr[-3000:]}")
    built = project / "site"
    finish_output(site, built)
    if out.exists():
        shutil.rmtree(out)
    shutil.move(str(built), str(out))
