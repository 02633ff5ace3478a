"""The site as files: MkDocs and zensical (pinned) build the same pages from them, and a build whose output
lacks a generated page fails loudly instead of publishing a one-page site."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from govmedia.cli import main
from govmedia.site.export import EngineError, finish_output
from govmedia.site.site import checked_site
from tests.conftest import BASE_TODAY

VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}


class _Text(HTMLParser):
    """The text of the generated content (the element with id gm-main), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth and tag not in VOID:
            self.depth += 1
        elif not self.depth and dict(attrs).get("id") == "gm-main":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def page_texts(out: Path) -> dict[str, str]:
    texts = {}
    for page in sorted(out.rglob("index.html")):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        texts[page.relative_to(out).as_posix()] = " ".join(" ".join(parser.parts).split())
    return texts


def test_mkdocs_and_zensical_publish_the_same_pages(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register()
    outs = {}
    for engine in ("mkdocs", "zensical"):
        outs[engine] = tmp_path / engine
        assert main(["site", "build", "--root", str(root), "--today", BASE_TODAY.isoformat(), "--engine", engine,
                     "--site-dir", str(outs[engine])]) == 0
    mk, zs = page_texts(outs["mkdocs"]), page_texts(outs["zensical"])
    assert len(mk) > 30 and "register/index.html" in mk and "verify/index.html" in mk
    assert mk == zs
    for engine, out in outs.items():
        home = (out / "index.html").read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in home and "Content-Security-Policy" in home and "gm-footer" in home, engine
        assert (out / "data" / "accounts.xlsx").is_file() and (out / "data" / "verify.json").is_file(), engine


def test_output_without_the_generated_pages_fails_loudly(make_register: Callable[..., Path], tmp_path: Path) -> None:
    """What zensical does with a mkdocs.yml whose plugin it drops: a one-page site. It must not pass."""
    site = checked_site(make_register(n=3), BASE_TODAY, None, qr=False)
    out = tmp_path / "one-page"
    out.mkdir()
    (out / "index.html").write_text('<html><div id="gm-main">首页</div></html>', encoding="utf-8")
    with pytest.raises(EngineError, match="生成的页面缺失"):
        finish_output(site, out)


def test_engine_refuses_a_register_with_spam(make_register: Callable[..., Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = make_register(n=3)
    gov = root / "policies" / "governance.yaml"
    gov.write_text(gov.read_text(encoding="utf-8").replace("  banned_terms: []", "  banned_terms: [王益快钱]"),
                   encoding="utf-8")
    account = sorted((root / "accounts").glob("*/*/account.yaml"))[0]
    account.write_text(account.read_text(encoding="utf-8").replace("positioning: ", "positioning: 王益快钱。"),
                       encoding="utf-8")
    out = tmp_path / "out"
    assert main(["site", "build", "--root", str(root), "--today", BASE_TODAY.isoformat(), "--engine", "zensical",
                 "--site-dir", str(out)]) == 1
    assert "GM501" in capsys.readouterr().err and not out.exists()


def test_engine_will_not_replace_a_folder_that_is_not_a_site(make_register: Callable[..., Path],
                                                            tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["site", "build", "--root", str(make_register(n=3)), "--today", date(2026, 6, 1).isoformat(),
                 "--engine", "mkdocs", "--site-dir", str(out)]) == 1
    assert (out / "notes.txt").is_file()
    shutil.rmtree(out)
