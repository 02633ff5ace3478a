"""The bot's git: a scratch worktree of one branch, files written as data, one normal commit, a push.

A merge request's branch is hostile: a folder of it may be a symlink out of the worktree, so a file is
written only when no part of its path is a symlink, and never over a file that is not a regular file.
git runs with hooks and fsmonitor off, every argument a list item (no shell), and the bot's own
identity (``GOVMEDIA_BOT_NAME`` / ``GOVMEDIA_BOT_EMAIL``).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govmedia.findings.message import Msg

BRANCH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")
_SAFE_PATH = re.compile(r"^(accounts|announcements)/[^\x00]+$")
_CONFIG = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "commit.gpgsign=false",
           "-c", "protocol.file.allow=always"]


class GitError(Exception):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


def identity() -> tuple[str, str]:
    return (os.environ.get("GOVMEDIA_BOT_NAME", "govmedia-bot"),
            os.environ.get("GOVMEDIA_BOT_EMAIL", "govmedia-bot@users.noreply.github.com"))


def git(cwd: Path, *args: str, check: bool = True) -> str:
    name, email = identity()
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "LC_ALL": "C"}
    done = subprocess.run(["git", *_CONFIG, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    if check and done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [""]
        raise GitError(Msg(f"git {args[0]} 失败：{tail[0][:200]}", f"git {args[0]} failed: {tail[0][:200]}"))
    return done.stdout


def valid_branch(name: str) -> bool:
    return bool(BRANCH_RE.match(name)) and ".." not in name and not name.endswith((".lock", "/", "."))


def remote_has(repo: Path, branch: str) -> bool:
    return bool(git(repo, "ls-remote", "--heads", "origin", f"refs/heads/{branch}").strip())


@contextmanager
def worktree(repo: Path, start: str) -> Iterator[Path]:
    """A detached scratch worktree of ``start`` (a commit or remote-tracking ref), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="govmedia-bot-") as scratch:
        path = Path(scratch) / "tree"
        git(repo, "worktree", "add", "--detach", "--quiet", str(path), start)
        try:
            yield path
        finally:
            git(repo, "worktree", "remove", "--force", str(path), check=False)
            git(repo, "worktree", "prune", check=False)


def fetch(repo: Path, *branches: str) -> None:
    refspecs = [f"+refs/heads/{b}:refs/remotes/origin/{b}" for b in branches]
    git(repo, "fetch", "--quiet", "--no-tags", "origin", *refspecs)


def _safe_target(tree: Path, rel: str) -> Path:
    """``tree/rel`` when writing there stays inside the tree, else :class:`GitError`."""
    parts = rel.split("/")
    if not _SAFE_PATH.match(rel) or any(p in ("", ".", "..") for p in parts):
        raise GitError(Msg(f"拒绝写入名录以外的路径 {rel[:200]!r}。", f"refusing to write outside the register: "
                           f"{rel[:200]!r}."))
    cursor = tree
    for part in parts:
        cursor = cursor / part
        try:
            mode = os.lstat(cursor).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode) or (cursor != tree / rel and not stat.S_ISDIR(mode)) or (
            cursor == tree / rel and not stat.S_ISREG(mode)
        ):
            raise GitError(Msg(f"{rel} 的路径中有符号链接或不是普通文件：不写入。",
                               f"{rel}: a part of the path is a symlink or not a regular file: not written."))
    return tree / rel


def write_files(tree: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) each file; every path checked by :func:`_safe_target` first."""
    targets = {rel: _safe_target(tree, rel) for rel in files}
    for rel, text in files.items():
        target = targets[rel]
        if text is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def commit(tree: Path, files: dict[str, str | None], message: str) -> str | None:
    """Write ``files`` and commit exactly them; the new commit's id, or None when nothing changed."""
    write_files(tree, files)
    paths = sorted(files)
    git(tree, "add", "--all", "--", *paths)
    if not git(tree, "diff", "--cached", "--name-only", "--", *paths).strip():
        return None
    git(tree, "commit", "--quiet", "--no-verify", "-m", message, "--", *paths)
    return git(tree, "rev-parse", "HEAD").strip()


def push(tree: Path, branch: str, expect: str | None) -> None:
    """Push HEAD to ``branch``; with ``expect`` (the commit the branch was read at) only if it is still
    there, so a push made meanwhile by someone else is never overwritten."""
    lease = f"--force-with-lease=refs/heads/{branch}:{expect}" if expect else f"--force-with-lease=refs/heads/{branch}:"
    git(tree, "push", "--quiet", lease, "origin", f"HEAD:refs/heads/{branch}")


def changed_paths(tree: Path, base: str) -> list[str]:
    """Files that differ between the merge base of ``base`` and HEAD (what the merge request changes)."""
    out = git(tree, "diff", "--name-only", "-z", "--no-renames", f"{base}...HEAD")
    return [p for p in out.split("\0") if p]
