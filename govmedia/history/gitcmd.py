"""Running git for the history rules: a predictable environment, a bounded time, errors as :class:`BaseError`.

Kept apart from the base snapshot (govmedia/history/gitbase.py) so that a module needing only git — the
pre-existing findings of ``govmedia check --base`` — does not import the loader and the models at start-up.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT = 300  # seconds for one git command: a hang is worse than an error


class BaseError(Exception):
    """REF cannot be used as a base: a usage error (exit 2), reported in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def git_env() -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def git(root: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``root`` with a predictable environment; a missing git is a :class:`BaseError`."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], input=stdin,
                              capture_output=True, env=git_env(), timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise BaseError("找不到 git 命令：使用 --base 需要安装 git。",
                        "git is not installed: --base needs git.") from None
    except subprocess.TimeoutExpired:
        raise BaseError(f"git {args[0]} 超时（{GIT_TIMEOUT} 秒）。", f"git {args[0]} timed out.") from None
    if check and proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit {proc.returncode}"
        raise BaseError(f"git {args[0]} 失败：{last}", f"git {args[0]} failed: {last}")
    return proc


def resolve(root: Path, ref: str) -> str:
    """The commit id that ``ref`` names, or a :class:`BaseError` saying what to do."""
    if not ref or ref.startswith("-") or any(ch in ref for ch in "\0\n\r"):
        raise BaseError(f"--base 的值 “{ref}” 不是 git 版本名：请写分支名、标签或提交号，如 origin/main。",
                        f"--base '{ref}' is not a git revision: give a branch, tag or commit, e.g. origin/main.")
    inside = git(root, "rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise BaseError(f"{root} 不在 git 仓库中：--base 只能在名录的 git 仓库里使用。",
                        f"{root} is not inside a git work tree: --base needs the register's git repository.")
    proc = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    if proc.returncode != 0:
        raise BaseError(
            f"找不到 git 版本 “{ref}”：请确认名称正确并已获取（CI 中先运行 git fetch origin <目标分支>）。",
            f"git revision '{ref}' not found: check the name and fetch it first (in CI: git fetch origin <base>).")
    return proc.stdout.decode("ascii").strip()
