"""The bot's workflows write to the repository, so they are held to more than the check's: the default
branch's code only (never a merge request's), the least permission per job, actions pinned by commit,
untrusted values through the environment only, and zizmor finds nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = {name: REPO / ".github/workflows" / f"{name}.yml" for name in ("bot-issue", "bot-review", "daily-check")}
DEFAULT_BRANCH = "${{ github.event.repository.default_branch }}"
WRITES = {"write"}


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _on(wf: dict[Any, Any]) -> dict[str, Any]:
    on = wf.get("on", wf.get(True))  # PyYAML reads the key `on` as True
    assert isinstance(on, dict)
    return on


@pytest.mark.parametrize(("name", "trigger"), [("bot-issue", "issues"), ("bot-review", "pull_request_review"),
                                               ("daily-check", "schedule")])
def test_trigger_and_least_privilege(name: str, trigger: str) -> None:
    wf = _load(WORKFLOWS[name])
    on = _on(wf)
    assert trigger in on and not {"pull_request_target", "workflow_run", "pull_request"} & set(on)
    assert wf["permissions"] == {}  # nothing by default: each job asks for what it uses
    for job in wf["jobs"].values():
        assert job["timeout-minutes"] <= 20 and job["permissions"]
        assert "contents" in job["permissions"]
        assert "actions" not in job["permissions"] and "id-token" not in job["permissions"]


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_writing_jobs_run_the_default_branch_code(name: str) -> None:
    """A job that may write checks out the default branch, installs that, and hands the event to the bot as a
    file: the merge request's code never runs, and nothing from the event is pasted into a shell line."""
    for job in _load(WORKFLOWS[name])["jobs"].values():
        steps = job["steps"]
        (checkout,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert checkout["with"]["ref"] == DEFAULT_BRANCH
        if WRITES & set(job["permissions"].values()) and job["permissions"].get("contents") == "write":
            assert checkout["with"]["persist-credentials"] is True  # the bot pushes with it
        else:
            assert checkout["with"]["persist-credentials"] is False
        runs = "\n".join(str(s.get("run", "")) for s in steps)
        assert "${{" not in runs
        assert "pip install -q --disable-pip-version-check ." in runs and "-e" not in runs.split()
        assert re.search(r"govmedia\" bot (issue|review|daily)", runs)


def test_actions_pinned_by_commit() -> None:
    for path in WORKFLOWS.values():
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.search(r"uses:\s*(\S+)", line)
            if m:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", m.group(1)), line
                assert re.search(r"# v\d+\.\d+\.\d+", line), line


def test_review_job_skips_comments_and_serialises_per_merge_request() -> None:
    wf = _load(WORKFLOWS["bot-review"])
    assert wf["concurrency"]["group"] == "bot-review-${{ github.event.pull_request.number }}"
    assert wf["concurrency"]["cancel-in-progress"] is False
    (job,) = wf["jobs"].values()
    assert "approved" in job["if"] and "changes_requested" in job["if"]


def test_gitlab_bot_jobs_run_on_their_schedules_only() -> None:
    data = _load(REPO / ".gitlab-ci.yml")
    for name, kind in (("bot-sync", "bot"), ("daily-check", "daily")):
        (rule,) = data[name]["rules"]
        assert rule["if"] == f'$CI_PIPELINE_SOURCE == "schedule" && $GOVMEDIA_SCHEDULE == "{kind}"'
    assert data["pages"]["rules"][0] == {"if": "$GOVMEDIA_SCHEDULE", "when": "never"}
    assert "govmedia bot gitlab-sync" in "\n".join(data["bot-sync"]["script"])


def _zizmor() -> str | None:
    here = Path(sys.executable).parent / "zizmor"
    return str(here) if here.exists() else shutil.which("zizmor")


@pytest.mark.skipif(_zizmor() is None, reason="zizmor is not installed (pip install zizmor)")
def test_zizmor_finds_nothing() -> None:
    done = subprocess.run([str(_zizmor()), "--offline", "--no-progress", *map(str, WORKFLOWS.values())],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_installed_package_has_the_bot() -> None:
    """The workflows run `pip install .` (not editable): every folder of the bot must be a package."""
    for folder in (REPO / "govmedia/bots", REPO / "govmedia/commands"):
        assert (folder / "__init__.py").is_file(), f"{folder} is not a package: setuptools would leave it out"
