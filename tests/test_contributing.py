"""CONTRIBUTING.md works: its laptop steps, run as written, register an account and pass pre-commit.

The commands are read from the ```sh blocks of the guide, so the guide and this test cannot drift apart.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from .conftest import run_check

ROOT = Path(__file__).parent.parent
GUIDE = ROOT / "CONTRIBUTING.md"
# Steps that need the network or the forge, or set up the environment this test already runs in.
SKIPPED = ("git clone", "git push", "cd ", "python3 -m venv", ". .venv/bin/activate", "pip install")
# The date of the whole guide's run (GOVMEDIA_TODAY): the same answer on any day.
TODAY = date(2026, 12, 7)
HOOK_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: govmedia-check
        name: govmedia check (政务新媒体名录检查)
        entry: govmedia check --changed
        language: system
        files: ^(accounts|announcements|policies)/
        pass_filenames: false
        require_serial: true
"""


def guide_commands() -> list[str]:
    """Every command of the guide's ```sh blocks, continuation lines joined."""
    text = GUIDE.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
    return commands


def test_guide_has_the_laptop_steps() -> None:
    commands = guide_commands()
    assert "pre-commit install" in commands
    assert any(c.startswith("govmedia new account") for c in commands)
    assert "govmedia check" in commands
    assert any(c.startswith("git commit") for c in commands)
    assert "docs/ledger.md" in GUIDE.read_text(encoding="utf-8")
    assert "govmedia report" in GUIDE.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_follow_the_guide(make_register: Callable[..., Path], tmp_path: Path) -> None:
    today = TODAY  # the guide's commands, the hook and the check all read GOVMEDIA_TODAY
    repo = make_register(today=today)
    (repo / ".pre-commit-config.yaml").write_text(HOOK_CONFIG, encoding="utf-8")
    shutil.copytree(ROOT / ".github", repo / ".github")  # a register carries its forms and checklists
    bin_dir = str(Path(sys.executable).parent)
    assert Path(bin_dir, "pre-commit").exists() and Path(bin_dir, "govmedia").exists()
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "区体育中心",
        "GIT_AUTHOR_EMAIL": "staff@example.invalid",
        "GIT_COMMITTER_NAME": "区体育中心",
        "GIT_COMMITTER_EMAIL": "staff@example.invalid",
        "GOVMEDIA_INTERACTIVE": "0",
        "GOVMEDIA_TODAY": today.isoformat(),
    }

    def sh(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    assert sh("git", "init", "-q", "-b", "main").returncode == 0
    assert sh("git", "add", "-A").returncode == 0
    assert sh("git", "commit", "-q", "--no-verify", "-m", "名录").returncode == 0

    ran = []
    for command in guide_commands():
        if command.startswith(SKIPPED):
            continue
        proc = sh(*shlex.split(command))
        assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
        ran.append(command)
        if command.startswith("git commit"):
            assert "govmedia check" in proc.stdout + proc.stderr  # the hook really ran
            assert "Passed" in proc.stdout + proc.stderr
    assert any(c.startswith("govmedia new account") for c in ran)

    log = sh("git", "log", "--name-only", "--format=%s", "-1").stdout
    assert "开设：区体育中心抖音账号" in log
    assert "accounts/wangyi-sports/douyin/account.yaml" in log
    assert f"accounts/wangyi-sports/douyin/requests/{today.isoformat()}-open/request.yaml" in log
    if (repo / ".github" / "CODEOWNERS").is_file():  # the new unit's reviewers own its unit_head approvals
        assert ".github/CODEOWNERS" in log
        assert "@wangyi-gov/wangyi-sports" in (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert sh("git", "status", "--porcelain").stdout.strip() == ""
    assert [f for f in run_check(repo, today=today) if f.severity == "error"] == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hook_blocks_a_bad_commit(make_register: Callable[..., Path], tmp_path: Path) -> None:
    """The guide promises that pre-commit stops a broken file and says how to fix it."""
    today = TODAY
    repo = make_register(today=today)
    (repo / ".pre-commit-config.yaml").write_text(HOOK_CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pc"),
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@example.invalid",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@example.invalid",
        "GOVMEDIA_TODAY": today.isoformat(),
    }

    def sh(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    sh("git", "init", "-q", "-b", "main")
    sh("git", "add", "-A")
    sh("git", "commit", "-q", "--no-verify", "-m", "名录")
    assert sh("pre-commit", "install").returncode == 0
    unit = repo / "accounts/huangbao-town/unit.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("kind: administrative_organ", "kind: 行政机关"),
        encoding="utf-8",
    )
    sh("git", "add", "accounts/huangbao-town/unit.yaml")
    proc = sh("git", "commit", "-m", "bad")
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "accounts/huangbao-town/unit.yaml:5:" in out and "GM010" in out


def test_issue_forms_are_valid_and_cover_every_action() -> None:
    forms = sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("[0-9]-*.yml"))
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run(
        [str(exe), "--builtin-schema", "vendor.github-issue-forms", *map(str, forms)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    config = ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml"
    proc = subprocess.run(
        [str(exe), "--builtin-schema", "vendor.github-issue-config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = " ".join(f.read_text(encoding="utf-8").split("\n", 1)[0] for f in forms)
    for word in ("开设", "变更", "退出监管", "注销关停"):
        assert word in names


def test_merge_request_checklist_names_every_stage() -> None:
    import yaml

    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    gov = yaml.safe_load((ROOT / "policies" / "governance.yaml").read_text(encoding="utf-8"))
    for stage in gov["stages"]:
        assert stage in template, stage
