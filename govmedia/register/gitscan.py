"""Which register files changed, asked of git instead of stat-scanning every file.

:func:`git_scan` returns the same file map as :func:`govmedia.register.cache.scan` (the same paths, the same
content hashes), but lets git compare the work tree with its index in C: a tracked file that git
reports unchanged is neither stat()ed nor read here; its token is its mode and blob id
(``(-1, mode, 0, blob id)``: the size -1 never equals a stat key), and its
content hash is reused from the previous run when that run saw the same token. Everything else
(modified, untracked, ignored, type-changed, skip-worktree or assume-unchanged entries) is lstat()ed
and hashed exactly as ``scan`` does.

The blob id is never used as the content hash: equal blob ids reported by git (whose sha1 detects
collisions) only mean "unchanged". Whenever git cannot answer for sure (not a work tree's top level,
no git, a failure or a timeout, an unmerged entry, a submodule or a nested repository, unparsable
output, or an attribute or setting that converts content between work tree and index, so that two
different files could have one blob id) the answer is None and the caller scans.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from govmedia.dialect.files import read_regular
from govmedia.register import cache
from govmedia.register.cache import EXTRA_FILES, REGISTER_DIRS, FileMap, StatKey
from govmedia.register.walk import within

TIMEOUT = 30.0  # seconds, for each git command
_MODES = {"100644", "100755", "120000"}  # anything else (160000 gitlink, 040000 sparse dir): no answer
# Attributes that make the work-tree bytes differ from what git hashes (eol conversion, filters, ...)
_CONVERTING = re.compile(rb"\b(text|eol|crlf|filter|ident|working-tree-encoding)\b|\[attr\]")
# Variables that point git at another repository or index, or change how pathspecs match
_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_PREFIX",
         "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS")
# Make git compare every stat field and trust nothing but the work tree itself
_CONFIG = ("-c", "core.trustctime=true", "-c", "core.checkStat=default", "-c", "core.fsmonitor=false",
           "-c", "core.untrackedCache=false")


class _NoAnswer(Exception):
    pass


def _env(index_file: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(GIT_LITERAL_PATHSPECS="1", GIT_OPTIONAL_LOCKS="0")
    if index_file is not None:
        env["GIT_INDEX_FILE"] = index_file
    return env


def _start(root: str, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["git", *_CONFIG, *args], cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes], ok: tuple[int, ...] = (0,), quiet: bool = False) -> bytes:
    """The output of ``proc``; no answer on a timeout, another exit status, or (``quiet``) any warning."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise _NoAnswer from None
    if proc.returncode not in ok or (quiet and err):
        raise _NoAnswer
    return out


def _index_file(git_dir: Path, root: Path) -> str | None:
    """The index a hook was given (``git commit`` sets GIT_INDEX_FILE), if it belongs to this repository."""
    given = os.environ.get("GIT_INDEX_FILE")
    if not given:
        return None
    path = Path(given) if os.path.isabs(given) else root / given
    try:
        resolved = path.resolve()
        return str(resolved) if resolved.is_relative_to(git_dir) else None
    except (OSError, RuntimeError):
        return None


def _converting(root: Path, attr_files: list[str], config: bytes) -> bool:
    """True if an attribute or core.autocrlf may make different work-tree bytes hash to one blob."""
    values: dict[bytes, bytes] = {}
    for item in config.split(b"\0"):
        key, newline, value = item.partition(b"\n")
        values[key] = value if newline else b"true"  # "[core] autocrlf" alone means true
    if values.get(b"core.autocrlf", b"false").strip().lower() not in (b"false", b"no", b"off", b"0"):
        return True
    candidates = [str(root / rel) for rel in attr_files]
    global_file = values.get(b"core.attributesfile")
    if global_file is not None:
        candidates.append(os.path.expanduser(os.fsdecode(global_file.strip())))
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        candidates.append(os.path.join(xdg, "git", "attributes"))
    if not os.environ.get("GIT_ATTR_NOSYSTEM"):
        candidates.append("/etc/gitattributes")
    for path in candidates:
        try:
            with open(path, "rb") as f:
                if _CONVERTING.search(f.read()):
                    return True
        except FileNotFoundError:
            continue
        except OSError:
            return True
    return False


def vouched(token: StatKey) -> bool:
    """True for the token of a file that git reported unchanged: (-1, mode, 0, blob id)."""
    return token[0] == -1


UNSURE: StatKey = (-2, 0, 0, 0)  # equals no stat key and no git token: hashed again next time


WHOLE_READ = 1 << 20  # a larger file is hashed piece by piece by cache._hash_file, and checked again next run


def _read(path: str) -> bytes | None:
    """A regular file's bytes (None for a link, an unreadable file or one over WHOLE_READ). Tests count the calls."""
    try:
        return read_regular(path, WHOLE_READ)
    except OSError:
        return None


def _read_tracked(path: str, token: StatKey, blob: str) -> tuple[StatKey, bytes]:
    """(token, content hash) of a file git reports unchanged. The token is kept for the next run only if the
    bytes hashed here are the blob's: a write between git's look and this read must not pair the blob id
    with other contents. A link is not checked (hashed as scan() does, every time)."""
    raw = _read(path)
    if raw is None:
        return UNSURE, cache.hash_file_at(path)
    algo = hashlib.sha1 if len(blob) == 40 else hashlib.sha256
    same = algo(b"blob %d\0" % len(raw) + raw).hexdigest() == blob
    return (token if same else UNSURE), cache.file_hash(raw)


def _empty_folders(root_s: str, rel: str, out: FileMap) -> None:
    """``rel`` and its parents inside the register that are empty folders now, as scan() would see them."""
    while rel and (rel + "/") not in out:
        parts = rel.split("/")
        if parts[0] not in REGISTER_DIRS:
            return
        path = root_s
        for part in parts:  # scan() reaches a folder only through folders, never through a link
            path = os.path.join(path, part)
            try:
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    return
            except OSError:
                break
        else:
            try:
                with os.scandir(path) as it:
                    if next(it, None) is not None:
                        return  # not empty: neither are its parents
            except FileNotFoundError:
                pass
            except OSError as exc:
                out[rel + "/"] = cache.folder_entry(exc)
                return
            else:
                out[rel + "/"] = cache.folder_entry(None)
                return
        rel = rel.rpartition("/")[0]


def git_scan(root: Path, previous: FileMap, meanwhile: Callable[[], object] | None = None) -> FileMap | None:
    """The file map :func:`govmedia.register.cache.scan` would return, from git's index; None if git cannot tell.

    ``meanwhile`` runs while git works (the caller's imports: git's processes use the other core)."""
    try:
        return _git_scan(root, previous, meanwhile)
    except (_NoAnswer, OSError, ValueError, subprocess.SubprocessError):
        return None


def _git_scan(root: Path, previous: FileMap, meanwhile: Callable[[], object] | None) -> FileMap | None:
    if shutil.which("git") is None:
        return None
    root_s = str(root)
    real_root = os.path.realpath(root_s)
    for top in REGISTER_DIRS:  # scan() follows a linked top folder and skips a file; git would list it
        try:
            mode = os.lstat(os.path.join(root_s, top)).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(mode):
            return None
    env = _env()
    out = _finish(_start(root_s, env, "rev-parse", "--show-toplevel", "--absolute-git-dir",
                         "--git-path", "info/attributes"))
    lines = out.split(b"\n")
    if len(lines) != 4 or lines[3] != b"":
        return None
    toplevel, git_dir, info_attributes = (os.fsdecode(x) for x in lines[:3])
    if os.path.realpath(toplevel) != real_root:
        return None
    git_dir_path = Path(git_dir).resolve()
    env = _env(_index_file(git_dir_path, root))
    tops = list(REGISTER_DIRS)
    # Started together; the index listing (the fastest) is parsed while git walks the work tree.
    listed = _start(root_s, env, "ls-files", "-s", "-v", "-z", "--", *tops, *EXTRA_FILES)
    changed = _start(root_s, env, "diff-files", "--name-only", "-z", "--", *tops, *EXTRA_FILES)
    # --directory: an untracked folder as "folder/" (walked here: git lists no empty folders otherwise)
    others = _start(root_s, env, "ls-files", "--others", "--directory", "-z", "--", *tops)
    config = _start(root_s, env, "config", "-z", "--get-regexp", r"^core\.(autocrlf|attributesfile)$")
    try:
        if meanwhile is not None:
            meanwhile()
        return _collect(root, root_s, previous, info_attributes, listed, changed, others, config)
    finally:
        for proc in (listed, changed, others, config):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _collect(root: Path, root_s: str, previous: FileMap, info_attributes: str, listed: subprocess.Popen[bytes],
             changed: subprocess.Popen[bytes], others: subprocess.Popen[bytes],
             config: subprocess.Popen[bytes]) -> FileMap | None:
    enc, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # as os.fsdecode does

    def names(out: bytes) -> list[str]:  # NUL never occurs inside a multibyte character: decode at once
        parts = out.decode(enc, errors).split("\0")
        if parts[-1] != "":
            raise _NoAnswer  # not terminated: cut off
        parts.pop()
        return parts

    out_map: FileMap = {}
    unread: list[tuple[str, StatKey, str]] = []  # tracked files whose token `previous` does not hold
    dirty: set[str] = set()
    for line in names(_finish(listed)):
        meta, tab, rel = line.partition("\t")
        if not tab or not rel:
            raise _NoAnswer
        # "H 100644 <blob id> 0": tag (H: git compares it with the work tree), mode, blob id, stage
        if meta[:2] == "H " and meta[-2:] == " 0" and meta[2:8] in _MODES:
            token = (-1, int(meta[2:8], 8), 0, int(meta[9:-2], 16))
            old = previous.get(rel)
            if old is not None and old[0] == token:
                out_map[rel] = old
            else:
                unread.append((rel, token, meta[9:-2]))
            continue
        fields = meta.split(" ")
        if len(fields) != 4 or fields[3] != "0" or fields[1] not in _MODES:
            return None  # an unmerged entry, a submodule, a sparse folder, or something unknown
        dirty.add(rel)  # skip-worktree / assume-unchanged: git does not look, so we do
    dirty.update(names(_finish(changed)))  # modified, deleted, type-changed, stat-dirty
    untracked_dirs: list[str] = []
    for rel in names(_finish(others, quiet=True)):  # untracked, ignored ones included; a warning: unreadable
        if rel.endswith("/"):
            untracked_dirs.append(rel[:-1])
        else:
            dirty.add(rel)
    config_out = _finish(config, ok=(0, 1))

    attr_files = [".gitattributes", ".github/.gitattributes", "docs/.gitattributes", info_attributes]
    attr_files += [rel for rel in (*out_map, *dirty) if rel.endswith("/.gitattributes")]
    attr_files += [rel for rel, _, _ in unread if rel.endswith("/.gitattributes")]
    if _converting(root, attr_files, config_out):
        return None

    extras = set(EXTRA_FILES)
    for rel in dirty:
        out_map.pop(rel, None)
    for rel, token, blob in unread:
        if rel not in dirty:
            out_map[rel] = _read_tracked(os.path.join(root_s, rel), token, blob)
    gone: set[str] = set()  # folders that held a file that is gone: maybe empty now
    for rel in dirty:
        if rel in extras:
            continue
        full = os.path.join(root_s, rel)
        try:
            st = os.lstat(full)
        except OSError:
            gone.add(rel.rpartition("/")[0])  # deleted
            continue
        if stat.S_ISDIR(st.st_mode):  # a tracked file replaced by a folder: git lists what is in it, if
            untracked_dirs.append(rel)  # anything; walked here like an untracked folder
            continue
        out_map[rel] = (cache.stat_key(st), cache.hash_file_at(full))
    for rel in sorted(set(untracked_dirs)):  # exactly as scan() walks a folder; a nested repository: no answer
        if not cache.walk_folder(root_s, rel, out_map, {}, 0, refuse_repositories=True):
            return None
    for rel in {*gone, *REGISTER_DIRS}:
        _empty_folders(root_s, rel, out_map)
    for extra in EXTRA_FILES:  # exactly as scan() does, unless git vouches for it
        if extra not in out_map:
            cache.add_file(out_map, extra, os.path.join(root_s, extra), {}, 0)
    if not all(map(within, out_map)):  # git lists files at any depth; scan()'s walk stops (walk.MAX_PARTS)
        out_map = {rel: value for rel, value in out_map.items() if within(rel)}
    return out_map
