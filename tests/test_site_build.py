"""A real ``mkdocs build --strict`` of a demo register into tmp_path, inspected as HTML and data.

One build is shared by the module (``built``); the failing-build test stops in the checks, before
any page is rendered, so it is cheap.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from govmedia.register.loader import load
from govmedia.site.data import HEADERS
from govmedia.site.publish import public_fields
from tests.conftest import BASE_TODAY

SPEC_PATHS = [
    "index.html", "register/index.html", "verify/index.html", "announcements/index.html",
    "policies/index.html", "data/accounts.json", "data/accounts.csv", "data/announcements.json", "feed.xml",
]


def mkdocs_build(root: Path, out: Path, today: date, strict: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(out)]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "GOVMEDIA_TODAY": today.isoformat()}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)


@dataclass
class Built:
    root: Path
    out: Path

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def files(self, *suffixes: str) -> Iterator[Path]:
        for p in sorted(self.out.rglob("*")):
            if p.is_file() and p.suffix in suffixes:
                yield p


@pytest.fixture(scope="module")
def built(demo_cache: Callable[[int, date], Path], tmp_path_factory: pytest.TempPathFactory) -> Built:
    import shutil

    root = tmp_path_factory.mktemp("site-reg") / "reg"
    shutil.copytree(demo_cache(40, BASE_TODAY), root)  # a 40-account demo register
    out = root.parent / "site"
    done = mkdocs_build(root, out, BASE_TODAY)
    assert done.returncode == 0, done.stderr[-3000:]
    return Built(root, out)


def test_every_spec_path_exists(built: Built) -> None:
    for rel in SPEC_PATHS:
        assert (built.out / rel).is_file(), rel
    registry = load(built.root)
    for unit_id in registry.units:
        assert (built.out / "units" / unit_id / "index.html").is_file(), unit_id


def test_demo_banner_on_every_page(built: Built) -> None:
    pages = list(built.files(".html"))
    assert len(pages) > 10
    for page in pages:
        assert "演示数据，非真实账号" in page.read_text(encoding="utf-8"), page


def test_csp_meta_on_every_page(built: Built) -> None:
    for page in built.files(".html"):
        head = page.read_text(encoding="utf-8")[:3000]
        assert 'http-equiv="Content-Security-Policy"' in head, page
        assert "default-src 'self'" in head


class _Refs(HTMLParser):
    """Every URL that makes the browser load something (not plain <a href> links)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "track") and a.get("src"):
            self.loads.append((tag, a["src"]))
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "alternate"):  # names, not loads
            self.loads.append((tag, a["href"]))
        if tag == "object" and a.get("data"):
            self.loads.append((tag, a["data"]))
        if a.get("srcset"):
            self.loads.append((tag, a["srcset"]))


def _external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data")


def test_no_asset_from_another_host(built: Built) -> None:
    for page in built.files(".html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.loads, page
        bad = [(t, u) for t, u in parser.loads if _external(u)]
        assert not bad, (page, bad)
    for sheet in built.files(".css"):
        text = sheet.read_text(encoding="utf-8")
        assert "@import" not in text, sheet
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        assert not [u for u in urls if _external(u)], sheet


def test_register_table_lists_published_accounts_only(built: Built) -> None:
    html = built.read("register/index.html")
    assert "<caption>" in html and '<th scope="col">账号名称</th>' in html
    registry = load(built.root)
    for acc, rec in registry.valid_accounts():
        row = f'data-unit="{acc.unit_id}" data-platform="{rec.model.platform}" data-status="{rec.model.status}"'
        if rec.model.status in ("applying", "rejected"):
            assert rec.model.url is None or rec.model.url not in html
        else:
            assert row in html, acc.ref
    assert html.count("<tr data-unit=") == len(json.loads(built.read("data/accounts.json"))["accounts"])


def test_unit_pages_have_anchors_and_qr_codes(built: Built) -> None:
    data = json.loads(built.read("data/accounts.json"))
    for acc in data["accounts"]:
        html = built.read(f"units/{acc['unit_id']}/index.html")
        assert f'id="{acc["account_id"]}"' in html
    assert '<svg role="img"' in built.read(f"units/{data['accounts'][0]['unit_id']}/index.html")
    gone = [a for a in data["accounts"] if not a["official"]]
    assert gone, "the demo has closed and exited accounts"
    assert "已不再是官方账号" in built.read(f"units/{gone[0]['unit_id']}/index.html")


def test_announcement_window(built: Built) -> None:
    anns = json.loads(built.read("data/announcements.json"))["announcements"]
    current = [a for a in anns if a["published_on"] <= BASE_TODAY.isoformat() <= a["display_until"]]
    past = [a for a in anns if a["display_until"] < BASE_TODAY.isoformat()]
    assert current and past
    home = built.read("index.html")
    index = built.read("announcements/index.html")
    archive = index.split('id="gm-ann-archive"', 1)[1]
    for a in current:
        assert a["current"] and f'announcements/{a["id"]}/' in home
    for a in past:
        assert not a["current"]
        assert f'announcements/{a["id"]}/' not in home
        assert f'{a["id"]}/' in archive
        assert (built.out / "announcements" / a["id"] / "index.html").is_file()
    # newest first on the home page
    dates = re.findall(r'<time datetime="([0-9-]+)">', home.split('id="gm-current"', 1)[1].split("</ul>", 1)[0])
    assert dates == sorted(dates, reverse=True)


def test_feed_is_atom(built: Built) -> None:
    from xml.etree import ElementTree as ET

    feed = ET.fromstring(built.read("feed.xml"))
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(json.loads(built.read("data/announcements.json"))["announcements"])


def test_open_data_files(built: Built) -> None:
    raw = (built.out / "data" / "accounts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json.loads(built.read("data/accounts.json"))
    assert len(rows) == len(data["accounts"]) > 0
    from govmedia.schemas import Account

    derived = {"unit_id", "account_id", "unit_name", "unit_short_name", "platform_label", "status_label", "official",
               "demo"}
    assert set(rows[0]) == {HEADERS[k] for k in set(public_fields(Account)) | derived}  # Chinese headers
    assert {r["数据说明"] for r in rows} == {"演示数据，非真实账号"}
    workbook = load_workbook(built.out / "data" / "accounts.xlsx", read_only=True)
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert sheet[0] == tuple(csv.reader(io.StringIO(raw.decode("utf-8-sig"))).__next__())
    assert len(sheet) == len(rows) + 1 and all(isinstance(v, str) for row in sheet for v in row if v is not None)
    assert {a["status"] for a in data["accounts"]} <= {"active", "changing", "exiting", "closing", "closed", "exited"}


def _private_strings(root: Path) -> set[str]:
    """Values of fields that are NOT public, minus any that the public text happens to contain."""
    import yaml

    registry = load(root)
    secrets: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and len(value) >= 3 and not re.fullmatch(r"[0-9-]+|[a-z_]+", value):
            secrets.add(value)  # (dates, numbers and enum words identify nobody)

    for unit in registry.units.values():
        if unit.record:
            m = unit.record.model
            walk(m.model_dump(mode="json", exclude=set(public_fields(type(m)))))
    for acc, rec in registry.valid_accounts():
        walk(rec.model.model_dump(mode="json", exclude=set(public_fields(type(rec.model)))))
        for req in acc.requests:
            if req.request:
                walk(req.request.model.model_dump(mode="json"))
            for approval in req.approvals.values():
                walk(approval.model.model_dump(mode="json"))
    assert registry.governance is not None
    walk([s.reviewers for s in registry.governance.model.stages.values()])
    public_text = "\n".join(
        [p.text for p in registry.policies] + [a.body for a in registry.announcements]
        + [yaml.safe_dump(x, allow_unicode=True) for x in (
            [u.record.model.model_dump(mode="json", include=set(public_fields(type(u.record.model))))
             for u in registry.units.values() if u.record]
            + [r.model.model_dump(mode="json", include=set(public_fields(type(r.model))))
               for _, r in registry.valid_accounts()]
            + [{k: s.title for k, s in registry.governance.model.stages.items()}])])
    return {s for s in secrets if s not in public_text}


def test_allowlist_private_fields_never_published(built: Built) -> None:
    secrets = _private_strings(built.root)
    # leaders, reviewers, undertaking companies, agreements, applicants and approvers are all private
    assert any(s.startswith("@") for s in secrets)
    assert len(secrets) > 20
    for path in built.files(".html", ".json", ".csv", ".xml", ".js"):
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:5])


def test_sharded_build_publishes_exactly_the_one_process_site(built: Built, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A large register is checked in chunks by worker processes, which hand back only their units' public
    data (govmedia/run/sharded.py): the site built that way is byte for byte the site of a one-process check."""
    monkeypatch.setenv("GOVMEDIA_SHARD_UNITS", "3")
    out = tmp_path / "sharded"
    done = mkdocs_build(built.root, out, BASE_TODAY)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix != ".gz"}
    theirs = {p.relative_to(built.out).as_posix(): p.read_bytes() for p in built.out.rglob("*")
              if p.is_file() and p.suffix != ".gz"}
    assert sorted(ours) == sorted(theirs)
    assert [rel for rel in ours if ours[rel] != theirs[rel]] == []
    assert len([rel for rel in ours if rel.startswith("units/")]) > 5


@pytest.mark.parametrize("sharded", ["", "3"], ids=["one-process", "sharded"])
def test_register_with_an_error_does_not_build(make_register: Callable[..., Path], tmp_path: Path, sharded: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVMEDIA_SHARD_UNITS", sharded)
    root = make_register()
    target = sorted((root / "accounts").glob("*/*/account.yaml"))[-1]  # in the last chunk
    target.write_text(target.read_text(encoding="utf-8") + "name: 重复的键\n", encoding="utf-8")
    out = tmp_path / "out"
    done = mkdocs_build(root, out, BASE_TODAY)
    assert done.returncode != 0
    assert "GM003" in done.stderr and "account.yaml" in done.stderr
    assert not (out / "index.html").exists()


def test_site_command_builds_a_real_register_without_banner(make_register: Callable[..., Path], tmp_path: Path) -> None:
    from govmedia.cli import main

    root = make_register(n=3)
    gov = root / "policies" / "governance.yaml"
    gov.write_text(gov.read_text(encoding="utf-8").replace("demo: true", "demo: false"), encoding="utf-8")
    out = tmp_path / "built"
    assert main(["site", "build", "--root", str(root), "--today", BASE_TODAY.isoformat(),
                 "--site-dir", str(out), "--strict"]) == 0
    assert (out / "verify" / "index.html").is_file()
    assert "演示数据" not in (out / "index.html").read_text(encoding="utf-8")  # a real register: no banner
    assert main(["site", "build", "--root", str(tmp_path / "nowhere")]) == 2


REPO = Path(__file__).resolve().parents[1]


def test_template_and_root_site_config_agree() -> None:
    """The demo generator copies govmedia/templates/ into every register: keep the two in step."""
    assert (REPO / "mkdocs.yml").read_text(encoding="utf-8") == \
        (REPO / "govmedia" / "templates" / "mkdocs.yml").read_text(encoding="utf-8")
    assert (REPO / "site_docs" / "README.md").read_text(encoding="utf-8") == \
        (REPO / "govmedia" / "templates" / "site_docs" / "README.md").read_text(encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "font: false" in config and "language: zh" in config and "- govmedia" in config


def test_shipped_register_builds(tmp_path: Path) -> None:
    """The repository itself is a register (generated for 2026-11-30): its site builds strictly."""
    done = mkdocs_build(REPO, tmp_path / "site", date(2026, 11, 30))
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "verify" / "index.html").is_file()
    assert not (tmp_path / "site" / "README").exists()  # nothing from site_docs/ is published


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_command_names_a_missing_docs_dir(make_register: Callable[..., Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str], lang: str) -> None:
    from govmedia.cli import main
    from govmedia.commands.site import docs_dir

    root = make_register(n=3)
    assert docs_dir(root / "mkdocs.yml") == root / "site_docs"
    (root / "site_docs" / "README.md").unlink()
    (root / "site_docs").rmdir()
    assert main(["site", "build", "--root", str(root), "--lang", lang, "--site-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "site_docs" in err and "Traceback" not in err
    assert ("请从模板仓库复制 site_docs/" in err) if lang == "zh" else ("copy the site_docs/ folder" in err)
    assert not (tmp_path / "out").exists()


def test_docs_dir_is_read_from_the_configuration(tmp_path: Path) -> None:
    from govmedia.commands.site import docs_dir

    config = tmp_path / "mkdocs.yml"
    (tmp_path / "base.yml").write_text("docs_dir: inherited\n", encoding="utf-8")
    os.environ["GOVMEDIA_TEST_DOCS"] = "from-env"
    try:
        for text, want in [
            ("site_name: x\n", "docs"), ("docs_dir: pages\n", "pages"), ("docs_dir: 'my docs'  # c\n", "my docs"),
            ('site_name: x\ndocs_dir: "site_docs"\n', "site_docs"), ("{site_name: x, docs_dir: flow}\n", "flow"),
            ("a: &d anchored\ndocs_dir: *d\n", "anchored"), ("docs_dir: !ENV GOVMEDIA_TEST_DOCS\n", "from-env"),
            ("docs_dir: !ENV [GOVMEDIA_TEST_UNSET, GOVMEDIA_TEST_DOCS, fallback]\n", "from-env"),
            ("docs_dir: !ENV [GOVMEDIA_TEST_UNSET, fallback]\n", "fallback"),
            ("INHERIT: base.yml\nsite_name: x\n", "inherited"),
            ("markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:os.system\ndocs_dir: d\n", "d"),
        ]:
            config.write_text(text, encoding="utf-8")
            assert docs_dir(config) == tmp_path / want, text
    finally:
        del os.environ["GOVMEDIA_TEST_DOCS"]


def test_docs_dir_of_a_hostile_configuration_is_no_traceback(tmp_path: Path) -> None:
    """Nesting deep enough to exhaust the composer's recursion, or an INHERIT that names a FIFO (which would
    wait for a writer) or /dev/zero: docs_dir gives up, and MkDocs explains the configuration itself."""
    from govmedia.commands.site import docs_dir

    config = tmp_path / "mkdocs.yml"
    os.mkfifo(tmp_path / "fifo.yml")
    for text in ["extra: " + "[" * 100_000 + "]" * 100_000 + "\n", "INHERIT: fifo.yml\n", "INHERIT: /dev/zero\n"]:
        config.write_text(text, encoding="utf-8")
        assert docs_dir(config) in (tmp_path, tmp_path / "docs"), text


def test_every_page_has_exactly_one_heading(built: Built) -> None:
    """Material adds an <h1> of the page title when the content has none: a unit page, whose body is rendered
    when it is written, must still carry its own heading, or it would show two."""
    pages = list(built.files(".html"))
    counts = {p.relative_to(built.out).as_posix(): p.read_text(encoding="utf-8").count("<h1") for p in pages}
    assert any(rel.startswith("units/") for rel in counts)
    assert {rel: n for rel, n in counts.items() if n != 1 and rel != "404.html"} == {}


def test_rules_page_lists_every_request_chain(built: Built) -> None:
    """The public rules page shows the approval chain of every request action, registration included, with
    each chain's stages in governance.yaml's order."""
    from govmedia.register.lifecycle import ACTION_LABELS
    from govmedia.register.loader import load
    from govmedia.schemas.common import ACTIONS

    page = built.read("policies/index.html")
    record = load(built.root).governance
    assert record is not None
    gov = record.model
    for action in ACTIONS:
        heading = f"<h3>{ACTION_LABELS[action][0]}</h3>"
        assert heading in page, action
        chain = page.split(heading, 1)[1].split("</ol>", 1)[0]
        titles = [gov.stages[s].title for s in gov.chain(action)]
        assert [chain.find(t) for t in titles] == sorted(chain.find(t) for t in titles) and -1 not in [
            chain.find(t) for t in titles], (action, titles)
