"""checks/gitscan.git_scan gives exactly what checks/cache.scan gives, or None; the cache stays fresh through it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govmedia.register import cache, gitscan
from govmedia.register.cache import FileMap, scan
from govmedia.register.context import Context
from govmedia.register.gitscan import git_scan, vouched
from govmedia.register.results import ResultCache
from govmedia.run.engine import check_findings

from .gitrepo import Repo

ACCOUNT = "accounts/wangyi-education/weibo/account.yaml"
UNIT = "accounts/wangyi-health/unit.yaml"


def init(root: Path) -> Repo:
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    for key, value in (("user.name", "测试"), ("user.email", "test@example.org"), ("commit.gpgsign", "false"),
                       ("core.autocrlf", "false")):
        repo.git("config", key, value)
    repo.commit("base register")
    return repo


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Repo:
    return init(make_register())


def count_reads(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """Every file git_scan reads, by either way (gitscan._read, cache.hash_file_at)."""
    read: list[str] = []
    read_file, hash_file = gitscan._read, cache.hash_file_at

    def reading(path: str) -> bytes | None:
        read.append(os.path.relpath(path, root))
        return read_file(path)

    def hashing(path: str) -> bytes:
        read.append(os.path.relpath(path, root))
        return hash_file(path)

    monkeypatch.setattr(gitscan, "_read", reading)
    monkeypatch.setattr(cache, "hash_file_at", hashing)
    return read


def hashes(files: FileMap) -> dict[str, bytes]:
    return {rel: entry[1] for rel, entry in files.items()}


def same_as_scan(root: Path, previous: FileMap | None = None) -> FileMap:
    """The oracle: git_scan's paths and content hashes are those of a cold scan()."""
    got = git_scan(root, previous or {})
    assert got is not None
    assert hashes(got) == hashes(scan(root, {}, 0))
    return got


def test_clean_committed_tree(repo: Repo) -> None:
    files = same_as_scan(repo.root)
    assert ACCOUNT in files and "policies/governance.yaml" in files
    assert all(vouched(entry[0]) for entry in files.values())  # every file vouched for by git


def test_meanwhile_runs_once_while_git_works(repo: Repo) -> None:
    calls: list[int] = []
    files = git_scan(repo.root, {}, lambda: calls.append(1))
    assert calls == [1]
    assert files is not None and hashes(files) == hashes(scan(repo.root, {}, 0))


def test_modified_unstaged_staged_and_modified_again(repo: Repo) -> None:
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# one\n")
    files = same_as_scan(repo.root)
    assert not vouched(files[ACCOUNT][0])  # changed: hashed from the work tree, keyed by stat
    repo.git("add", ACCOUNT)
    same_as_scan(repo.root)
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# two\n")
    same_as_scan(repo.root)


def test_untracked_and_ignored_files_are_seen(repo: Repo) -> None:
    repo.write(".gitignore", "accounts/wangyi-health/notes.txt\n*.swp\n")
    repo.commit("ignore")
    repo.write("accounts/wangyi-health/notes.txt", "ignored but read by the loader\n")
    repo.write(f"{ACCOUNT}.swp", "swap\n")
    repo.write("accounts/wangyi-health/new/account.yaml", "id: new\n")
    repo.write("announcements/2026-05-02-untracked.md", "---\ntitle: x\n---\n")
    files = same_as_scan(repo.root)
    for rel in ("accounts/wangyi-health/notes.txt", f"{ACCOUNT}.swp", "accounts/wangyi-health/new/account.yaml"):
        assert rel in files


def test_deleted_and_replaced_files(repo: Repo) -> None:
    (repo.root / ACCOUNT).unlink()
    files = same_as_scan(repo.root)
    assert ACCOUNT not in files
    repo.git("rm", "-q", "--cached", UNIT)  # no longer tracked, still on disk: untracked
    assert UNIT in same_as_scan(repo.root)
    repo.write(ACCOUNT, "id: replaced\n")  # deleted from the index, then written again
    repo.git("rm", "-q", "--cached", ACCOUNT)
    assert ACCOUNT in same_as_scan(repo.root)


def test_symlinks(repo: Repo) -> None:
    os.symlink("../wangyi-health/unit.yaml", repo.root / "accounts/wangyi-education/link.yaml")
    repo.commit("a committed link")
    files = same_as_scan(repo.root)
    token = files["accounts/wangyi-education/link.yaml"][0]
    assert token == gitscan.UNSURE  # a link is hashed as scan() does, every time
    target = repo.root / ACCOUNT
    target.unlink()
    os.symlink("/etc/passwd", target)  # a file replaced by a link (a type change)
    files = same_as_scan(repo.root)
    assert not vouched(files[ACCOUNT][0])


def test_link_with_the_blob_id_of_the_old_file_is_hashed_again(repo: Repo) -> None:
    """A regular file and a link to its text share a blob id: the token includes the mode."""
    rel = "accounts/wangyi-health/same.txt"
    repo.write(rel, "target")
    repo.commit("file")
    before = same_as_scan(repo.root)
    (repo.root / rel).unlink()
    os.symlink("target", repo.root / rel)
    repo.commit("link")
    after = same_as_scan(repo.root, before)
    assert after[rel][1] != before[rel][1]


def test_non_ascii_and_odd_names(repo: Repo) -> None:
    for rel in ("accounts/王益区/说明.txt", "accounts/wangyi-health/with space\tand tab.yaml",
                "accounts/wangyi-health/quote\"and\\backslash.yaml", "accounts/wangyi-health/line\nbreak.yaml"):
        repo.write(rel, "x\n")
    bad = os.fsencode(str(repo.root / "accounts/wangyi-health")) + b"/latin1-\xe9.yaml"
    with open(bad, "wb") as f:
        f.write(b"y\n")
    files = same_as_scan(repo.root)  # untracked
    assert "accounts/王益区/说明.txt" in files
    repo.commit("odd names")
    files = same_as_scan(repo.root)  # tracked
    assert vouched(files["accounts/王益区/说明.txt"][0])
    assert vouched(files[os.fsdecode(b"accounts/wangyi-health/latin1-\xe9.yaml")][0])


def test_directory_replaced_by_a_file_and_back(repo: Repo) -> None:
    folder = repo.root / "accounts/wangyi-education/weibo"
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
    folder.write_text("now a file\n", encoding="utf-8")
    files = same_as_scan(repo.root)
    assert "accounts/wangyi-education/weibo" in files and ACCOUNT not in files
    folder.unlink()
    folder.mkdir()
    (folder / "other.yaml").write_text("x: 1\n", encoding="utf-8")
    same_as_scan(repo.root)


def test_extra_files(repo: Repo) -> None:
    repo.write(".github/CODEOWNERS", "* @a\n")
    repo.commit("codeowners")
    assert ".github/CODEOWNERS" in same_as_scan(repo.root)
    repo.write("CODEOWNERS", "* @b\n")  # untracked
    repo.write(".github/CODEOWNERS", "* @c\n")  # modified
    files = same_as_scan(repo.root)
    assert "CODEOWNERS" in files and not vouched(files[".github/CODEOWNERS"][0])
    (repo.root / "docs").mkdir(exist_ok=True)
    (repo.root / "docs/CODEOWNERS").mkdir()  # a folder where a file is expected: as scan() sees it
    (repo.root / "docs/CODEOWNERS/x").write_text("x", encoding="utf-8")
    same_as_scan(repo.root)


def test_not_a_repository(make_register: Callable[..., Path]) -> None:
    assert git_scan(make_register(), {}) is None


def test_subdirectory_of_a_work_tree(tmp_path: Path, make_register: Callable[..., Path]) -> None:
    root = make_register()
    init(tmp_path)
    assert git_scan(root, {}) is None


def test_merge_conflict(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "other")
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# other\n")
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# main\n")
    repo.commit("main")
    repo.git("merge", "-q", "other", check=False)
    assert "U" in repo.git("status", "--porcelain")
    assert git_scan(repo.root, {}) is None


def test_nested_repository(repo: Repo) -> None:
    nested = repo.root / "accounts/wangyi-health/nested"
    nested.mkdir()
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    (nested / "account.yaml").write_text("id: x\n", encoding="utf-8")
    assert git_scan(repo.root, {}) is None


def test_submodule_entry(repo: Repo) -> None:
    blob = "0" * 39 + "1"
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{blob},accounts/wangyi-health/sub")
    assert git_scan(repo.root, {}) is None


def test_top_folder_that_is_a_link(repo: Repo) -> None:
    (repo.root / "policies").rename(repo.root / "policies-real")
    os.symlink("policies-real", repo.root / "policies")
    assert git_scan(repo.root, {}) is None


def test_converting_attributes_or_autocrlf_fall_back(repo: Repo) -> None:
    repo.write(".gitattributes", "*.yaml text eol=crlf\n")
    assert git_scan(repo.root, {}) is None
    (repo.root / ".gitattributes").unlink()
    assert git_scan(repo.root, {}) is not None
    repo.git("config", "core.autocrlf", "input")
    assert git_scan(repo.root, {}) is None
    repo.git("config", "core.autocrlf", "false")
    assert git_scan(repo.root, {}) is not None
    with open(repo.root / ".git/config", "a", encoding="utf-8") as config:
        config.write("[core]\n\tautocrlf\n")  # a bare key means true
    assert git_scan(repo.root, {}) is None


def test_assume_unchanged_and_skip_worktree_are_checked(repo: Repo) -> None:
    repo.git("update-index", "--assume-unchanged", ACCOUNT)
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# hidden from git status\n")
    files = same_as_scan(repo.root)
    assert not vouched(files[ACCOUNT][0])
    repo.git("update-index", "--skip-worktree", UNIT)
    (repo.root / UNIT).unlink()
    assert UNIT not in same_as_scan(repo.root)


def test_git_missing_or_failing(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert git_scan(repo.root, {}) is None
    monkeypatch.undo()
    monkeypatch.setattr(gitscan, "TIMEOUT", 0.0)
    assert git_scan(repo.root, {}) is None


def test_foreign_index_from_a_hook_is_ignored(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check of this register run from another repository's hook must not read that index."""
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / "index"))
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    same_as_scan(repo.root)


def test_previous_hashes_are_reused_only_for_the_same_blob(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    first = same_as_scan(repo.root)
    read = count_reads(monkeypatch, repo.root)
    assert git_scan(repo.root, first) == first
    assert read == []  # nothing committed and unchanged is read again
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# edited\n")
    edited = git_scan(repo.root, first)
    assert edited is not None and read == [ACCOUNT]
    assert edited[ACCOUNT][1] != first[ACCOUNT][1]
    read.clear()
    repo.commit("edited")  # the new blob id is not the one `previous` holds: read again
    committed = git_scan(repo.root, first)
    assert committed is not None and read == [ACCOUNT]
    assert committed[ACCOUNT][1] == edited[ACCOUNT][1]
    monkeypatch.undo()
    assert hashes(committed) == hashes(scan(repo.root, {}, 0))


def test_result_cache_is_never_stale_through_git(repo: Repo, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    answers: list[bool] = []
    original = gitscan.git_scan

    def counting(root: Path, previous: FileMap, meanwhile: Callable[[], object] | None = None) -> FileMap | None:
        answers.append(original(root, previous) is not None)
        return original(root, previous, meanwhile)

    monkeypatch.setattr(gitscan, "git_scan", counting)

    def run() -> list[str]:
        found = check_findings(Context(root=repo.root, today=date(2026, 6, 1), cache=True))
        return [f"{f.path}:{f.line}:{f.code}" for f in found]

    original_findings = run()
    assert run() == original_findings
    path = repo.root / ACCOUNT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: active", "status: activ3"), encoding="utf-8")  # same size
    edited = run()
    assert edited != original_findings and any(ACCOUNT in f for f in edited)
    repo.git("add", ACCOUNT)
    assert run() == edited
    repo.git("checkout", "--", ACCOUNT)  # nothing to restore: the index holds the edit
    assert run() == edited
    repo.git("checkout", "HEAD", "--", ACCOUNT)
    assert run() == original_findings
    assert answers == [True] * 6  # git answered every time


def test_a_cache_hit_keeps_the_new_tokens(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a run that fell back to scan(), the next git_scan reads each file once, then never again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    with monkeypatch.context() as patch:
        patch.setattr(gitscan, "git_scan", lambda root, previous, meanwhile=None: None)
        check_findings(Context(root=repo.root, today=date(2026, 6, 1), cache=True))  # stat keys stored
    read = count_reads(monkeypatch, repo.root)
    stored = ResultCache(repo.root)
    assert stored.key, "nothing stored"
    first = stored.lookup("2026-06-01")
    assert first[2] is not None and len(read) == len(first[1])  # a hit, every file read for its blob id
    read.clear()
    second = ResultCache(repo.root).lookup("2026-06-01")
    assert second[2] is not None and read == []


HOOK_CHECK = """
import os, sys
from pathlib import Path
from govmedia.register.cache import scan
from govmedia.register.gitscan import git_scan, vouched
from govmedia.register.results import ResultCache
root = Path.cwd()
got = git_scan(root, {})
want = scan(root, {}, 0)
ok = got is not None and {k: v[1] for k, v in got.items()} == {k: v[1] for k, v in want.items()}
print("GIT_INDEX_FILE" in os.environ, ok)
sys.exit(0 if ok else 1)
"""


@pytest.mark.parametrize("how", [["commit", "-q", "-m", "staged"], ["commit", "-q", "-a", "-m", "all"],
                                 ["commit", "-q", "-m", "paths", "--", ACCOUNT]])
def test_inside_a_pre_commit_hook(repo: Repo, tmp_path: Path, how: list[str]) -> None:
    """`git commit` holds index.lock and hands the hook GIT_INDEX_FILE: git_scan still answers, and right."""
    script = tmp_path / "hook_check.py"
    script.write_text(HOOK_CHECK, encoding="utf-8")
    hook = repo.root / ".git/hooks/pre-commit"
    hook.write_text(f"#!/bin/sh\nexec '{sys.executable}' '{script}' > '{tmp_path / 'hook.out'}' 2>&1\n",
                    encoding="utf-8")
    hook.chmod(0o755)
    repo.write(ACCOUNT, repo.read(ACCOUNT) + "# staged\n")
    repo.git("add", ACCOUNT)
    repo.write(UNIT, repo.read(UNIT) + "# not staged\n")
    repo.write("accounts/wangyi-health/untracked.yaml", "x: 1\n")
    repo.git(*how)
    assert (tmp_path / "hook.out").read_text(encoding="utf-8").split() == ["True", "True"]


def test_empty_folders_as_scan_sees_them(repo: Repo) -> None:
    """git knows no folders: empty ones (new, or emptied of tracked files) are found as scan() finds them."""
    for folder in ("accounts/new-unit", "accounts/wangyi-health/new-account",
                   "accounts/wangyi-health/weibo/requests/2026-05-01-change", "accounts/new-unit2/a/b"):
        (repo.root / folder).mkdir(parents=True)
    repo.write("accounts/new-unit3/deep/file.yaml", "x: 1\n")
    (repo.root / "accounts/new-unit3/empty").mkdir()
    files = same_as_scan(repo.root)
    assert {"accounts/new-unit/", "accounts/new-unit2/a/b/", "accounts/new-unit3/empty/"} <= set(files)
    emptied = repo.root / "accounts/wangyi-education/weibo"
    for path in sorted(emptied.rglob("*"), reverse=True):
        if not path.is_dir():
            path.unlink()
    files = same_as_scan(repo.root)
    assert any(rel.startswith("accounts/wangyi-education/weibo/") and rel.endswith("/") for rel in files)
    for path in (repo.root / "announcements").iterdir():
        path.unlink()
    assert "announcements/" in same_as_scan(repo.root)


def test_nested_repository_inside_an_untracked_folder(repo: Repo) -> None:
    nested = repo.root / "accounts/new-unit/inner"
    nested.mkdir(parents=True)
    (repo.root / "accounts/new-unit/unit.yaml").write_text("x: 1\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    assert git_scan(repo.root, {}) is None


def test_empty_folder_findings_through_git(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))

    def run(use_cache: bool = True) -> list[str]:
        found = check_findings(Context(root=repo.root, today=date(2026, 6, 1), cache=use_cache))
        return [f"{f.path}:{f.line}:{f.code}" for f in found]

    assert run() == []
    for folder in ("accounts/new-unit", "accounts/wangyi-health/new-account",
                   "accounts/wangyi-health/weibo/requests/2026-05-01-change"):
        (repo.root / folder).mkdir()
        assert run() == run(use_cache=False) != []
        (repo.root / folder).rmdir()
        assert run() == []


def test_file_replaced_by_a_folder(repo: Repo) -> None:
    (repo.root / UNIT).unlink()
    (repo.root / UNIT).mkdir()
    files = same_as_scan(repo.root)
    assert f"{UNIT}/" in files  # an empty folder where the file was
    (repo.root / UNIT / "inner.yaml").write_text("x: 1\n", encoding="utf-8")
    assert f"{UNIT}/inner.yaml" in same_as_scan(repo.root)


@pytest.mark.parametrize("seed", range(3))
def test_random_edits_agree_with_scan(tmp_path: Path, seed: int) -> None:
    """Random edits, stagings, commits, links and folders: after each, git_scan (fed its own previous map)
    agrees with a cold scan()."""
    import random

    rng = random.Random(seed)
    root = tmp_path / "reg"
    for rel in ("accounts/a/unit.yaml", "accounts/a/x/account.yaml", "announcements/n.md", "policies/p.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    repo = init(root)
    names = ["accounts/a/unit.yaml", "accounts/a/x/account.yaml", "accounts/b/unit.yaml", "accounts/a/x/y/z.yaml",
             "announcements/n.md", "announcements/m.md", "policies/p.yaml", "CODEOWNERS", "accounts/c/d/e.yaml"]
    previous: FileMap = {}
    for _ in range(40):
        rel = rng.choice(names)
        path = root / rel
        op = rng.choice(["write", "write", "delete", "stage", "commit", "link", "mkdir", "rmtree", "touch"])
        if op in ("write", "link", "mkdir"):
            if path.is_dir() and not path.is_symlink():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink() or path.exists():
                path.unlink()
            if op == "write":
                path.write_text(rng.choice(["one", "two", "three"]), encoding="utf-8")
            elif op == "link":
                os.symlink(rng.choice(["one", "../p.yaml", "/nonexistent"]), path)
            else:
                path.mkdir()
        elif op == "delete" and (path.is_symlink() or path.is_file()):
            path.unlink()
        elif op == "rmtree" and path.parent.is_dir() and path.parent != root:
            for sub in sorted(path.parent.rglob("*"), reverse=True):
                sub.rmdir() if sub.is_dir() and not sub.is_symlink() else sub.unlink()
        elif op == "stage":
            repo.git("add", "-A")
        elif op == "commit":
            repo.commit("step")
        elif op == "touch" and path.is_file() and not path.is_symlink():
            os.utime(path)
        got = git_scan(root, previous)
        assert got is not None
        assert hashes(got) == hashes(scan(root, {}, 0)), (op, rel)
        previous = got


def test_a_write_while_git_looks_is_not_paired_with_the_blob_id(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the bytes read are not the blob git vouched for, the blob id is not kept as the token."""
    read_file = gitscan._read

    def racing(path: str) -> bytes | None:
        raw = read_file(path)
        return raw + b"# written meanwhile\n" if raw is not None and path.endswith(ACCOUNT) else raw

    with monkeypatch.context() as patch:
        patch.setattr(gitscan, "_read", racing)
        first = git_scan(repo.root, {})
    assert first is not None and first[ACCOUNT][0] == gitscan.UNSURE
    assert vouched(first[UNIT][0])
    read = count_reads(monkeypatch, repo.root)
    again = git_scan(repo.root, first)
    assert again is not None and read == [ACCOUNT] and vouched(again[ACCOUNT][0])
    monkeypatch.undo()
    assert hashes(again) == hashes(scan(repo.root, {}, 0))
