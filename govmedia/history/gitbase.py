"""The register at a git revision (``govmedia check --base REF``), read from git objects.

Nothing is checked out: ``git ls-tree`` lists the register's files at REF, ``git cat-file --batch``
reads their blobs, they are written into a temporary directory and the ordinary loader builds a
:class:`~govmedia.register.registry.Registry` from it. Of accounts/, only the unit folders in which ``git diff``
sees a difference from the working tree are read (:func:`changed_units`): a merge request touches a few
unit folders of a register of thousands. This works in a shallow CI clone as long as REF itself
was fetched. Only regular files are materialised (symbolic links and submodules at REF are
skipped), and every path is checked to stay inside the temporary directory.

The snapshot is built once per run (govmedia/run/plan.py) and handed to the history rules
(``govmedia/rules/history.py``) in their context, so they all read it without loading the base again.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from govmedia.history.gitcmd import GIT_TIMEOUT, BaseError, git, git_env, resolve
from govmedia.register.loader import load
from govmedia.register.snapshot import BaseSnapshot

TREES = ("accounts", "announcements", "policies")
__all__ = ["BaseError", "BaseSnapshot", "git", "resolve"]
def _safe_rel(rel: str) -> PurePosixPath | None:
    """``rel`` as a relative path that cannot leave its directory, or None."""
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or "\\" in rel:
        return None
    if any(part in ("", ".", "..", ".git") for part in p.parts):
        return None
    return p


def list_tree(root: Path, commit: str, paths: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """``path -> (mode, object id)`` of every entry under ``paths`` at ``commit`` (relative to root)."""
    proc = git(root, "--literal-pathspecs", "ls-tree", "-r", "-z", commit, "--", *paths)
    out: dict[str, tuple[str, str]] = {}
    for entry in proc.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, _kind, oid = meta.decode("ascii").split(" ")
        out[name.decode("utf-8", "surrogateescape")] = (mode, oid)
    return out


def read_blobs(root: Path, oids: list[str]) -> dict[str, bytes]:
    """The contents of these blobs, in one ``git cat-file --batch`` call."""
    if not oids:
        return {}
    unique = sorted(set(oids))
    proc = git(root, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in unique).encode("ascii"))
    data, pos, out = proc.stdout, 0, {}
    for oid in unique:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode("ascii").split(" ")
        if len(header) != 3:
            raise BaseError(f"git cat-file 无法读取对象 {oid}。", f"git cat-file cannot read object {oid}.")
        size = int(header[2])
        out[oid] = data[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return out


def read_file_at(root: Path, commit: str, rel: str) -> bytes | None:
    """One file at ``commit`` (path relative to root), or None when it is not a regular file there."""
    safe = _safe_rel(rel)
    if safe is None:
        return None
    entries = list_tree(root, commit, (safe.as_posix(),))
    found = entries.get(safe.as_posix())
    if found is None or not found[0].startswith("100"):
        return None
    return read_blobs(root, [found[1]])[found[1]]


def _scratch() -> str | None:
    """Where to unpack the base: memory-backed /dev/shm when there is one (writing and removing
    thousands of small files on a busy disk costs seconds), else the system's temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _materialise(top: Path, regular: dict[str, str], blobs: dict[str, bytes]) -> dict[str, bytes]:
    """Write the regular files under ``top``; paths that could leave it are skipped."""
    files: dict[str, bytes] = {}
    made: set[Path] = set()
    for rel, oid in regular.items():
        safe = _safe_rel(rel)
        if safe is None:
            continue
        target = top.joinpath(*safe.parts)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        # O_EXCL|O_NOFOLLOW: never write through a link, never overwrite (no path is listed twice).
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(blobs[oid])
        files[safe.as_posix()] = blobs[oid]
    return files


def changed_units(root: Path, commit: str) -> frozenset[str] | None:
    """The unit folders under accounts/ in which anything differs between ``commit`` and the working tree:
    tracked files changed (staged or not), added or deleted, and files git does not track, ignored ones too
    (the loader reads every file), a submodule's folder included. None when git cannot tell, or when a
    .gitattributes file changed (its eol, ident or encoding settings change what git compares)."""
    try:  # both walk the working tree: side by side
        listing = subprocess.Popen(["git", "-C", str(root), "--literal-pathspecs", "ls-files", "-z", "--others",
                                    "--", "accounts", ".gitattributes"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env())
    except OSError:
        return None
    try:
        # no pathspec: with one, git 2.39 spends 44 s instead of 1 s on 666,000 files
        diff = git(root, "diff", "--name-only", "-z", "--no-renames", "--relative", commit, check=False)
        others, _ = listing.communicate(timeout=GIT_TIMEOUT)
    except (BaseError, subprocess.TimeoutExpired):
        listing.kill()
        listing.wait()
        return None
    if diff.returncode != 0 or listing.returncode != 0:
        return None
    units = set()
    for path in (diff.stdout + b"\0" + others).split(b"\0"):
        parts = path.split(b"/")
        if parts[-1] == b".gitattributes":
            return None  # it can change what git compares (eol, ident, encodings): read everything
        if len(parts) >= 2 and parts[0] == b"accounts" and parts[1]:
            units.add(parts[1].decode("utf-8", "surrogateescape"))
    return frozenset(units)


def _wanted(rel: str, units: frozenset[str] | None) -> bool:
    if units is None or not rel.startswith("accounts/"):
        return True
    return rel.split("/", 2)[1] in units


def build(root: Path, ref: str, units: frozenset[str] | None = None, commit: str | None = None) -> BaseSnapshot:
    """Read the register at ``ref`` (the ``commit`` it names, when known) from git objects and load it with
    the ordinary loader: all of it, or (``units``) what lies outside accounts/ and these unit folders."""
    commit = commit or resolve(root, ref)
    few = units is not None and len(units) <= 1000  # else one listing of everything is quicker
    entries = list_tree(root, commit, ("announcements", "policies", *(f"accounts/{u}" for u in sorted(units or ())))
                        if few else TREES)
    regular = {p: oid for p, (mode, oid) in entries.items() if mode in ("100644", "100755") and _wanted(p, units)}
    blobs = read_blobs(root, list(regular.values()))
    for where in dict.fromkeys([_scratch(), None]):
        try:
            with tempfile.TemporaryDirectory(prefix="govmedia-base-", dir=where) as tmp:
                files = _materialise(Path(tmp), regular, blobs)
                registry = load(Path(tmp))
            return BaseSnapshot(ref, commit, registry, files, units)
        except OSError as exc:  # e.g. a small /dev/shm in a container: try the ordinary temp dir
            error = exc
    raise BaseError(f"无法在临时目录中展开基准版本 {ref}：{error}", f"cannot unpack {ref} into a temporary directory: {error}")


def snapshot(root: Path, ref: str) -> BaseSnapshot:
    """The register at ``ref``: what lies outside accounts/ and the unit folders that differ from the
    working tree (:func:`changed_units`). A run builds it once and hands it to the rules
    (govmedia/run/plan.py); a :class:`BaseError` says why ``ref`` cannot be used."""
    root = root.resolve()
    commit = resolve(root, ref)
    return build(root, ref, changed_units(root, commit), commit)


def worktree_file(root: Path, rel: str) -> bytes | None:
    """A regular file of the working tree (not a link), or None when there is none."""
    full = root / rel
    try:
        if full.is_symlink() or not full.is_file():
            return None
        return full.read_bytes()
    except OSError:
        return None


def same_content(a: bytes, b: bytes) -> bool:
    """Equal bytes, ignoring CRLF/LF differences that core.autocrlf checkouts introduce."""
    return a == b or a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")
