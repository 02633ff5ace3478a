"""Real `pre-commit` runs of the govmedia-check hook in temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.conftest import TEST_GIT_IDENTITY

REPO = Path(__file__).resolve().parents[1]
# The date every hook run checks at (GOVMEDIA_TODAY): the register is made for it, the hook never reads the
# real date, so these tests give the same answer on any day.
TODAY = date(2026, 12, 7)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _env() -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "PRE_COMMIT_HOME": os.environ.get("PRE_COMMIT_HOME", str(Path.home() / ".cache" / "pre-commit")),
            "GOVMEDIA_TODAY": TODAY.isoformat(), **TEST_GIT_IDENTITY}


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Path:
    root = make_register(today=TODAY)
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
        assert hook["language"] == "python"  # pre-commit installs it: no PATH needed
        assert hook.get("pass_filenames", True) == local[hook["id"]].get("pass_filenames", True)
    assert next(h for h in manifest if h["id"] == "govmedia-check")["pass_filenames"] is False
    assert all(repo["repo"] == "local" for repo in config["repos"])


def test_every_hook_is_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for hook in config["repos"][0]["hooks"]:
        assert hook["id"] in readme, f"hook {hook['id']} is not documented in README.md"


def test_one_check_however_many_files(repo: Path) -> None:
    """pre-commit would start a hook once per ~130 kB of file names; the hook asks git instead: one check."""
    names = [f"policies/{'说明' * 30}-{i:04d}.md" for i in range(1500)]  # ~200 bytes each: several batches
    assert sum(len(n.encode()) + 1 for n in names) > 2 * 131072
    for name in names:
        (repo / name).write_text("# 说明\n\n本页说明政务新媒体名录的维护方式。\n", encoding="utf-8")
    _git(repo, "add", "-A")
    env = {**_env(), "GOVMEDIA_TRACE": "1"}
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    result = subprocess.run([exe, "run", "--verbose"], cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("govmedia: mode=") == 1, result.stdout


def test_hook_reports_the_staged_file_and_all_files_on_a_clean_tree(repo: Path) -> None:
    bad = repo / "accounts/wangyi-health/unit.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "bad file committed without hooks")
    # Nothing staged: `pre-commit run --all-files` (CI) reports every file's findings.
    result = _pre_commit(repo, "run", "--all-files")
    assert result.returncode == 1 and "accounts/wangyi-health/unit.yaml:" in result.stdout
    # A push range (pre-push, --from-ref/--to-ref) reports the files it changed.
    result = _pre_commit(repo, "run", "--from-ref", "HEAD~1", "--to-ref", "HEAD")
    assert result.returncode == 1 and "accounts/wangyi-health/unit.yaml:" in result.stdout


def _copy_tracked(src: Path, dst: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=src, capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        if name and (src / name).is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, dst / name)


def test_repository_hook_needs_no_path(tmp_path: Path) -> None:
    """A clone of this repository, its .venv not on PATH (a GUI client, a new terminal): the hook finds it."""
    clone = tmp_path / "clone"
    clone.mkdir()
    _copy_tracked(REPO, clone)
    (clone / ".venv").symlink_to(Path(sys.executable).parents[1])
    _git(clone, "init", "-q")
    _git(clone, "add", "-A")
    assert _git(clone, "commit", "-qm", "clone", "--no-verify").returncode == 0
    env = {**_env(), "PATH": "/usr/bin:/bin"}
    assert shutil.which("govmedia", path=env["PATH"]) is None
    exe = Path(sys.executable).parent / "pre-commit"
    result = subprocess.run([str(exe), "run", "govmedia-check", "--all-files"], cwd=clone, capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    # Without the environment the hook says what to do instead of "Executable not found".
    (clone / ".venv").unlink()
    result = subprocess.run([str(exe), "run", "govmedia-check", "--all-files"], cwd=clone, capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode != 0 and "scripts/test.sh" in result.stdout


def test_reusable_hook_installs_itself_lightly(tmp_path: Path, make_register: Callable[..., Path]) -> None:
    """Another district's register names this repository's hook (`language: python`): pre-commit installs
    govmedia into an environment of its own, without the site's dependencies, and runs it with no PATH."""
    hook_repo = tmp_path / "govmedia"
    hook_repo.mkdir()
    _copy_tracked(REPO, hook_repo)
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    assert _git(hook_repo, "commit", "-qm", "govmedia", "--no-verify").returncode == 0
    rev = _git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    register = make_register(today=TODAY)
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "govmedia-check"}]}]}
    (register / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(register, "init", "-q")
    _git(register, "add", "-A")
    assert _git(register, "commit", "-qm", "register", "--no-verify").returncode == 0
    home = tmp_path / "pre-commit-home"
    env = {**_env(), "PATH": "/usr/bin:/bin", "PRE_COMMIT_HOME": str(home)}
    exe = Path(sys.executable).parent / "pre-commit"
    result = subprocess.run([str(exe), "run", "govmedia-check", "--all-files"], cwd=register, capture_output=True,
                            text=True, env=env, timeout=1500)
    assert result.returncode == 0, result.stdout + result.stderr
    installed = {p.name.split("-")[0].lower() for p in home.glob("repo*/py_env-*/lib/python*/site-packages/*")}
    assert {"pydantic", "govmedia"} <= installed
    assert not installed & {"mkdocs", "material", "mkdocs_material", "jieba", "segno", "nh3"}
