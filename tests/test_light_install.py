"""The light install: `govmedia check` (the reusable pre-commit hook) needs none of the site's dependencies.

pyproject.toml keeps MkDocs, Material, jieba, nh3 and segno in the ``site`` extra. A subprocess in which
importing any of them fails stands for an environment installed without the extra: ``check``, ``new``,
``report`` and ``export`` must work there; ``site`` must say how to install the extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE_ONLY = ("mkdocs", "material", "jieba", "nh3", "segno")

# Run before govmedia's entry point: every import of a site-only distribution fails, as without the extra.
BLOCKER = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {SITE_ONLY!r}:
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
from govmedia.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("govmedia.site"))
print("site modules:", loaded, file=sys.stderr)
sys.exit(code)
"""


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCKER, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "GOVMEDIA_LANG": "zh"})


def test_site_dependencies_are_an_extra() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    site = " ".join(project["optional-dependencies"]["site"]).lower()
    for name in ("mkdocs", "mkdocs-material", "jieba", "segno"):
        assert name not in core.replace("markdown-it", "")
        assert name in site
    assert "govmedia[site]" in project["optional-dependencies"]["dev"]
    assert "venv_install '[site]'" in (REPO / "scripts" / "serve.sh").read_text(encoding="utf-8")


def test_check_without_the_site_extra(tmp_path: Path) -> None:
    result = _run("check", "--today", "2026-12-07", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "site modules: []" in result.stderr
    assert "没有发现问题" in result.stderr


def test_report_and_export_without_the_site_extra(tmp_path: Path) -> None:
    assert _run("report", "--period", "2026-11", "--today", "2026-12-07").returncode == 0
    out = tmp_path / "accounts.csv"
    result = _run("export", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def test_site_without_the_extra_says_how_to_install_it() -> None:
    result = _run("site", "build", "--today", "2026-12-07")
    assert result.returncode == 2
    assert "govmedia[site]" in result.stderr and "Traceback" not in result.stderr
