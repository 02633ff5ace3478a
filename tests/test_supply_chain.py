"""What the ecosystem's tools ask of the repository: workflows audited by zizmor (offline) with no high
finding, actions pinned by commit with the version beside it, images by digest, a timeout on every job; a
LICENSE matching the package's declaration; one version in pyproject, the package and the CHANGELOG."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

import govmedia

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
GITLAB = REPO / ".gitlab-ci.yml"
ZIZMOR = Path(sys.executable).parent / "zizmor"
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")
DIGEST = re.compile(r"^[\w./:-]+@sha256:[0-9a-f]{64}$")


def _zizmor(*paths: Path) -> list[dict[str, Any]]:
    result = subprocess.run([str(ZIZMOR), "--offline", "--format", "json", *map(str, paths)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr  # 1x: findings of some severity
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def test_zizmor_reports_no_high_finding() -> None:
    high = [f["ident"] for f in _zizmor(*WORKFLOWS) if f["determinations"]["severity"] == "High"]
    assert high == []


def test_zizmor_would_report_an_unpinned_action(tmp_path: Path) -> None:
    """The audit above can fail: the same workflow with a tag instead of a commit is a high finding."""
    text = (REPO / ".github/workflows/check.yml").read_text(encoding="utf-8")
    unpinned = re.sub(r"actions/checkout@[0-9a-f]{40} # v[\d.]+", "actions/checkout@v4", text)
    assert unpinned != text
    target = tmp_path / ".github" / "workflows" / "check.yml"
    target.parent.mkdir(parents=True)
    target.write_text(unpinned, encoding="utf-8")
    assert "unpinned-uses" in [f["ident"] for f in _zizmor(target) if f["determinations"]["severity"] == "High"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_and_images_are_pinned_and_jobs_time_out(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.match(r"^\s*(-\s+)?uses:", line):
            assert PINNED_USES.match(line), line
    workflow = yaml.safe_load(text)
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int) and job["timeout-minutes"] <= 60, name
        container = job.get("container")
        if container is not None:
            image = container if isinstance(container, str) else container["image"]
            assert DIGEST.match(image), image


def test_gitlab_image_pinned_and_jobs_time_out() -> None:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    default = pipeline["default"]
    assert DIGEST.match(default["image"]), default["image"]
    assert default.get("timeout")
    for name, job in pipeline.items():
        if isinstance(job, dict) and "script" in job:
            assert "image" not in job or DIGEST.match(job["image"]), name


def test_license_is_the_declared_one() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_one_version_everywhere() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == govmedia.__version__
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.M)
    assert newest is not None and newest.group(1) == project["version"]
    assert "vMAJOR.MINOR.PATCH" in changelog and (REPO / "docs" / "releasing.md").is_file()
