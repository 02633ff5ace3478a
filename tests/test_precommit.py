"""Real `pre-commit` runs of the govmedia-check hook in temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _env() -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "PRE_COMMIT_HOME": os.environ.get("PRE_COMMIT_HOME", str(Path.home() / ".cache" / "pre-commit")),
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Path:
    root = make_register(today=__import__("datetime").date.today())
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for h in config["repos"][0]["hooks"] if h["id"] == "govmedia-check"]
    config["repos"][0]["hooks"] = hooks
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "scripts").mkdir(exist_ok=True)
    shutil.copy2(REPO / "scripts" / "in-venv", root / "scripts" / "in-venv")
    _git(root, "init", "-q")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "add", "-A")
    assert _git(root, "commit", "-qm", "register").returncode == 0
    return root


def _pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    return subprocess.run([exe, *args], cwd=root, capture_output=True, text=True, env=_env(), timeout=300)


def test_hook_passes_on_clean_change(repo: Path) -> None:
    account = repo / "accounts/wangyi-education/weibo/account.yaml"
    text = account.read_text(encoding="utf-8")
    account.write_text(text.replace("positioning: ", "positioning: 每日发布教育政策解读。"), encoding="utf-8")
    _git(repo, "add", "-A")
    result = _pre_commit(repo, "run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_blocks_bad_file_with_its_line(repo: Path) -> None:
    account = repo / "accounts/wangyi-education/weibo/account.yaml"
    account.write_text(account.read_text(encoding="utf-8") + "status: closed\n", encoding="utf-8")
    _git(repo, "add", "-A")
    result = _pre_commit(repo, "run")
    assert result.returncode == 1
    assert "accounts/wangyi-education/weibo/account.yaml:" in result.stdout and "GM003" in result.stdout
    # The real `git commit` is refused by the installed hook as well.
    assert _pre_commit(repo, "install").returncode == 0
    commit = subprocess.run(["git", "commit", "-qm", "bad"], cwd=repo, capture_output=True, text=True, env=_env())
    assert commit.returncode != 0 and "GM003" in commit.stdout + commit.stderr


def test_hook_reports_only_changed_files(repo: Path) -> None:
    other = repo / "accounts/wangyi-health/unit.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "bad file committed without hooks")
    account = repo / "accounts/wangyi-education/unit.yaml"
    account.write_text(account.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    _git(repo, "add", "-A")
    result = _pre_commit(repo, "run")
    assert result.returncode == 0, result.stdout


def test_hooks_manifest_matches_config() -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h for h in config["repos"][0]["hooks"]}
    for hook in manifest:
        assert local[hook["id"]]["entry"] == f"scripts/in-venv {hook['entry']}"
        assert hook["files"] == local[hook["id"]]["files"]
    assert all(repo["repo"] == "local" for repo in config["repos"])


def test_every_hook_is_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for hook in config["repos"][0]["hooks"]:
        assert hook["id"] in readme, f"hook {hook['id']} is not documented in README.md"
