"""GM601–GM603 in real git repositories: each fires for its case and stays silent for legitimate
merge requests (the next stage approving, a complete change request renaming an account, a new
account applying)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from govmedia.history import gitbase
from govmedia.register.lifecycle import TRANSITIONS, transition_allowed
from govmedia.rules.history import status_finding

from .gitrepo import Repo, approval, make_repo

KUAISHOU = "accounts/wangyi-education/kuaishou"
KUAISHOU_OPEN = f"{KUAISHOU}/requests/2026-05-12-open"
WEIBO = "accounts/wangyi-gov-office/weibo"
BILIBILI_CHANGE = "accounts/wangyi-culture-tourism/bilibili/requests/2026-05-20-change"


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Repo:
    return make_repo(make_register())


def _rename_request(repo: Repo, changes: dict[str, str], stages: tuple[str, ...] = ("district_office", "city_office"),
                    folder: str = f"{WEIBO}/requests/2026-05-20-change") -> None:
    import yaml

    repo.write(f"{folder}/request.yaml", yaml.safe_dump({
        "action": "change", "submitted_on": "2026-05-20", "applicant": {"name": "王建平", "title": "区政府办公室主任"},
        "reason": "账号名称与其他平台统一（第九条）。", "changes": changes}, allow_unicode=True, sort_keys=False))
    if "district_office" in stages:
        repo.write(f"{folder}/district_office.yaml", approval(date(2026, 5, 25), "刘晓明", "区政府办公室主任"))
    if "city_office" in stages:
        number = 100 + sum(map(ord, folder)) % 800  # one 文号 per request (the demo uses 1–97)
        repo.write(f"{folder}/city_office.yaml", approval(date(2026, 5, 28), "赵强", "市政府办公室主任",
                                                         f"铜政办函〔2026〕{number}号"))


# -- legitimate merge requests stay silent ---------------------------------------------------------
def test_unchanged_register_is_clean(repo: Repo) -> None:
    repo.commit("nothing")
    assert repo.findings() == []


def test_next_stage_approving_a_pending_request(repo: Repo) -> None:
    repo.write(f"{KUAISHOU_OPEN}/city_office.yaml", approval(date(2026, 5, 30), "赵强", "市政府办公室主任",
                                                            "铜政办函〔2026〕30号"))
    repo.commit("city office approves")
    assert repo.findings() == []


def test_completing_a_change_request_returns_to_active(repo: Repo) -> None:
    repo.write(f"{BILIBILI_CHANGE}/city_office.yaml", approval(date(2026, 5, 30), "赵强", "市政府办公室主任",
                                                              "铜政办函〔2026〕31号"))
    repo.edit("accounts/wangyi-culture-tourism/bilibili/account.yaml", status="active",
              positioning="发布区文旅局文化旅游资讯与政策解读。")  # the approved change, applied
    repo.commit("change approved")
    assert repo.findings() == []


def test_complete_change_request_renaming_an_account(repo: Repo) -> None:
    _rename_request(repo, {"name": "王益区政府发布"})
    repo.edit(f"{WEIBO}/account.yaml", name="王益区政府发布")
    repo.commit("rename weibo")
    assert repo.findings() == []


def test_new_account_applying(repo: Repo) -> None:
    import yaml

    data = yaml.safe_load(repo.read(f"{KUAISHOU}/account.yaml"))
    data.update(platform="douyin", platform_id="MS4wLjABAAAA" + "a1b2c3d4e5" * 3,
                url="https://www.douyin.com/user/MS4wLjABAAAA" + "a1b2c3d4e5" * 3)
    repo.write("accounts/wangyi-education/douyin/account.yaml", yaml.safe_dump(data, allow_unicode=True))
    repo.write("accounts/wangyi-education/douyin/requests/2026-05-30-open/request.yaml", yaml.safe_dump({
        "action": "open", "submitted_on": "2026-05-30", "applicant": {"name": "李红梅", "title": "局长"}},
        allow_unicode=True))
    repo.commit("apply for douyin")
    assert repo.findings() == []


def test_moving_an_account_with_a_complete_change_request(repo: Repo) -> None:
    shutil.move(str(repo.root / WEIBO), str(repo.root / "accounts/wangyi-health/weibo-gov"))
    repo.commit("move")  # a different account id: not matched, so the old one is gone (GM602 + GM601)
    assert "GM601" in repo.codes() and "GM602" in repo.codes()
    repo.git("reset", "-q", "--hard", "main")
    _rename_request(repo, {"unit": "huangbao-town"})
    shutil.move(str(repo.root / WEIBO), str(repo.root / "accounts/huangbao-town/weibo"))
    repo.commit("move weibo to education")
    assert repo.findings() == []


# -- GM601 -------------------------------------------------------------------------------------
def test_gm601_modified_approval(repo: Repo) -> None:
    path = f"{KUAISHOU_OPEN}/district_office.yaml"
    repo.write(path, repo.read(path) + "comment: 改一下\n")
    repo.commit("rewrite history")
    found = repo.findings()
    assert [(f.code, f.path) for f in found] == [("GM601", path)]
    assert "被修改" in found[0].zh and "git checkout main" in found[0].zh
    assert found[0].line == repo.read(path).splitlines().index("comment: 改一下") + 1


def test_gm601_deleted_request(repo: Repo) -> None:
    (repo.root / f"{KUAISHOU_OPEN}/request.yaml").unlink()
    repo.commit("delete")
    assert ("GM601", f"{KUAISHOU_OPEN}/request.yaml") in [(f.code, f.path) for f in repo.findings()]


def test_gm601_uncommitted_changes_count_too(repo: Repo) -> None:
    (repo.root / f"{KUAISHOU_OPEN}/unit_head.yaml").write_text("decision: rejected\n", encoding="utf-8")
    assert "GM601" in repo.codes()


def test_gm601_line_endings_alone_are_not_a_change(repo: Repo) -> None:
    path = repo.root / f"{KUAISHOU_OPEN}/unit_head.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert "GM601" not in repo.codes()


def test_gm601_moved_account_with_edited_request(repo: Repo) -> None:
    _rename_request(repo, {"unit": "huangbao-town"})
    shutil.move(str(repo.root / WEIBO), str(repo.root / "accounts/huangbao-town/weibo"))
    moved = "accounts/huangbao-town/weibo/requests/2025-03-27-open/unit_head.yaml"
    repo.edit(moved, comment="x")
    repo.commit("move and edit")
    assert [(f.code, f.path) for f in repo.findings()] == [("GM601", moved)]


# -- GM602 -------------------------------------------------------------------------------------
def test_gm602_active_to_closed_directly(repo: Repo) -> None:
    repo.edit(f"{WEIBO}/account.yaml", status="closed")
    repo.commit("close")
    found = [f for f in repo.findings() if f.code == "GM602"]
    assert [f.path for f in found] == [f"{WEIBO}/account.yaml"]
    lines = repo.read(f"{WEIBO}/account.yaml").splitlines()
    assert found[0].line == lines.index("status: closed") + 1


def test_gm602_new_account_already_active(repo: Repo) -> None:
    shutil.copytree(repo.root / WEIBO, repo.root / "accounts/wangyi-gov-office/weibo-two")
    shutil.rmtree(repo.root / "accounts/wangyi-gov-office/weibo-two/requests")
    repo.commit("sneak in")
    assert "GM602" in repo.codes()


def test_gm602_deleted_account(repo: Repo) -> None:
    shutil.rmtree(repo.root / WEIBO)
    repo.commit("delete")
    assert ("GM602", f"{WEIBO}/account.yaml") in [(f.code, f.path) for f in repo.findings()]


STATUSES = sorted({s for targets in TRANSITIONS.values() for s in targets} | {s for s in TRANSITIONS if s})


class _Acc:
    ref = "u/a"
    path = "accounts/u/a/account.yaml"
    requests: ClassVar[list[object]] = []  # no registration: a new account

    class record:  # a stand-in for Record[Account]
        @staticmethod
        def pos(*_: str) -> object:
            from govmedia.dialect.yamlload import Pos

            return Pos(6, 9)


@pytest.mark.parametrize(("before", "after"), [(b, a) for b in TRANSITIONS for a in STATUSES])
def test_every_transition(before: str | None, after: str) -> None:
    allowed = after in TRANSITIONS[before] or before == after
    assert transition_allowed(before, after) is allowed
    finding = status_finding(_Acc(), before, after, "main")  # type: ignore[arg-type]
    assert (finding is None) is allowed
    if finding is not None:
        assert finding.code == "GM602" and finding.line == 6 and after in finding.zh


def test_transition_table_is_closed() -> None:
    assert set(STATUSES) <= set(TRANSITIONS)
    assert TRANSITIONS[None] == frozenset({"applying"})


# -- GM603 -------------------------------------------------------------------------------------
def test_gm603_rename_without_request(repo: Repo) -> None:
    repo.edit(f"{WEIBO}/account.yaml", name="王益发布官方")
    repo.commit("rename")
    found = repo.findings()
    line = repo.read(f"{WEIBO}/account.yaml").splitlines().index("name: 王益发布官方") + 1
    assert [(f.code, f.path, f.line) for f in found] == [("GM603", f"{WEIBO}/account.yaml", line)]
    assert "第八条（一）" in found[0].zh


def test_gm603_incomplete_change_request(repo: Repo) -> None:
    _rename_request(repo, {"name": "王益区政府发布"}, stages=("district_office",))
    repo.edit(f"{WEIBO}/account.yaml", name="王益区政府发布")
    repo.commit("rename early")
    found = repo.findings()
    assert [f.code for f in found] == ["GM603"]
    assert "尚未完成" in found[0].zh


def test_gm603_changes_do_not_match(repo: Repo) -> None:
    _rename_request(repo, {"name": "王益区政府发布"})
    repo.edit(f"{WEIBO}/account.yaml", name="王益区人民政府发布", url="https://weibo.com/999999")
    repo.commit("rename to something else")
    assert repo.codes() == ["GM603", "GM603"]


def test_gm603_platform_cannot_change(repo: Repo) -> None:
    repo.edit(f"{WEIBO}/account.yaml", platform="douyin")
    repo.commit("platform")
    found = [f for f in repo.findings() if f.code == "GM603"]
    assert len(found) == 1 and "平台不能" in found[0].zh


def test_gm603_move_without_request(repo: Repo) -> None:
    shutil.move(str(repo.root / WEIBO), str(repo.root / "accounts/huangbao-town/weibo"))
    repo.commit("move")
    found = repo.findings()
    assert [(f.code, f.path) for f in found] == [("GM603", "accounts/huangbao-town/weibo/account.yaml")]
    assert "主办单位" in found[0].zh


def _merge(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "mr")
    repo.git("checkout", "-q", "mr")


def test_gm603_an_old_request_cannot_be_reused(repo: Repo) -> None:
    _rename_request(repo, {"name": "王益区政府发布"})
    repo.edit(f"{WEIBO}/account.yaml", name="王益区政府发布")
    repo.commit("rename")
    _merge(repo)
    _rename_request(repo, {"name": "王益发布新"}, folder=f"{WEIBO}/requests/2026-05-21-change")
    repo.edit(f"{WEIBO}/account.yaml", name="王益发布新")
    repo.commit("second rename")
    assert repo.findings() == []
    _merge(repo)
    repo.edit(f"{WEIBO}/account.yaml", name="王益区政府发布")  # back to the first request's value
    repo.commit("back")
    assert repo.codes() == ["GM603"]


# -- the base revision -------------------------------------------------------------------------
def test_bad_base_is_a_usage_error(repo: Repo) -> None:
    proc = subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(repo.root), "--base",
                           "no-such-branch"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "找不到 git 版本" in proc.stderr and "Traceback" not in proc.stderr


def test_base_outside_git_is_a_usage_error(make_register: Callable[..., Path]) -> None:
    root = make_register()
    with pytest.raises(gitbase.BaseError) as exc:
        gitbase.resolve(root, "main")
    assert "git" in exc.value.zh


def test_option_like_base_is_refused(repo: Repo) -> None:
    with pytest.raises(gitbase.BaseError):
        gitbase.resolve(repo.root, "--output=/tmp/x")


def test_base_read_from_objects_in_a_shallow_clone(repo: Repo, tmp_path: Path) -> None:
    repo.write(f"{KUAISHOU_OPEN}/city_office.yaml", approval(date(2026, 5, 30), "赵强", "市政府办公室主任",
                                                            "铜政办函〔2026〕30号"))
    repo.edit(f"{KUAISHOU_OPEN}/unit_head.yaml", comment="x")
    repo.commit("mr")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "mr", f"file://{repo.root}", str(clone)],
                   check=True)
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main"],
                   check=True)
    shallow = Repo(clone)
    assert [(f.code, f.path) for f in shallow.findings(base="origin/main")] == [
        ("GM601", f"{KUAISHOU_OPEN}/unit_head.yaml")]


def test_base_snapshot_ignores_links_and_escapes(repo: Repo) -> None:
    (repo.root / "accounts/wangyi-health/link.yaml").symlink_to("/etc/passwd")
    repo.commit("a link at the base")
    snap = gitbase.build(repo.root, "HEAD")
    assert "accounts/wangyi-health/link.yaml" not in snap.files
    assert gitbase._safe_rel("../x") is None and gitbase._safe_rel("a/.git/config") is None


# -- the base is read for the unit folders that changed --------------------------------------------
def test_the_base_is_read_for_the_changed_unit_folders_only(repo: Repo) -> None:
    """A merge request touches a few unit folders: only those are read at the base, and only those are
    loaded for the history rules. Tracked edits (committed or not), untracked files and ignored files
    all count as changes."""

    def units() -> frozenset[str] | None:
        snap = gitbase.snapshot(repo.root, "main")
        assert snap is not None
        outside = {p.split("/")[1] for p in snap.files if p.startswith("accounts/")} - (snap.units or set())
        assert not outside, outside  # nothing of another unit folder was read
        assert {a.unit_id for a in snap.registry.accounts.values()} <= (snap.units or set())
        return snap.units

    assert units() == frozenset()
    repo.edit(f"{KUAISHOU_OPEN}/unit_head.yaml", comment="x")  # not committed
    assert units() == frozenset({"wangyi-education"})
    repo.commit("edit")
    assert units() == frozenset({"wangyi-education"})
    repo.write("accounts/wangyi-health/notes.txt", "未跟踪\n")
    assert units() == frozenset({"wangyi-education", "wangyi-health"})
    repo.write(".gitignore", "*.bak\n")
    repo.write("accounts/huangbao-town/x.bak", "被忽略\n")
    assert units() == frozenset({"wangyi-education", "wangyi-health", "huangbao-town"})
    assert "GM601" in repo.codes()


def test_a_partial_base_against_the_whole_register_is_caught(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard of Repo.findings' three-way comparison: history rules that compared the unit folders read at the
    base with every account now would call every unchanged account new (GM602)."""
    from govmedia.rules import history

    monkeypatch.setattr(history, "seen", lambda reg, snap: reg)
    repo.write(f"{KUAISHOU_OPEN}/city_office.yaml", approval(date(2026, 5, 30), "赵强", "市政府办公室主任",
                                                            "铜政办函〔2026〕30号"))
    repo.commit("city office approves")
    with pytest.raises(AssertionError):
        repo.findings()


def test_a_changed_gitattributes_makes_the_base_read_whole(repo: Repo) -> None:
    """eol, ident or working-tree-encoding can change a file's bytes where git sees no change: when any
    .gitattributes differs from the base, every unit folder is read and compared."""
    repo.write(".gitattributes", "*.yaml ident\n")
    snap = gitbase.snapshot(repo.root, "main")
    assert snap is not None and snap.units is None
    assert {p.split("/")[1] for p in snap.files if p.startswith("accounts/")} >= {"wangyi-education", "wangyi-health"}
    repo.findings()  # and the three ways still agree


def test_a_submodule_added_in_a_unit_folder_marks_that_unit(repo: Repo, tmp_path: Path) -> None:
    """A merge request may add a git submodule inside a unit folder; where CI checks submodules out, the
    loader reads its files: the unit counts as changed."""
    other = make_repo_plain(tmp_path / "other")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other),
             "accounts/wangyi-health/extra")
    assert gitbase.changed_units(repo.root, repo.git("rev-parse", "main").strip()) == frozenset({"wangyi-health"})


def make_repo_plain(root: Path) -> Path:
    root.mkdir(parents=True)
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent), "PATH": __import__("os").environ["PATH"]}
    for args in (["init", "-q"], ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
                                   "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    return root


def test_gm602_an_existing_account_comes_in_by_a_registration(repo: Repo) -> None:
    """A registration (存量登记) records an account opened before the register: it may appear closed."""
    folder = "accounts/wangyi-gov-office/weibo-old"
    files = {
        f"{folder}/account.yaml": "name: 王益发布\nplatform: weibo\nstatus: closed\n",
        f"{folder}/requests/2026-05-01-register/request.yaml": (
            "action: register\nsubmitted_on: 2026-05-01\napplicant: {name: 原台账记载, title: 区政府办公室}\n"
            "reason: 依据原台账导入\nrecorded_status: closed\nended_on: 2019-12-31\n"),
        f"{folder}/requests/2026-05-01-register/district_office.yaml": (
            "decision: approved\ndecided_on: 2026-05-02\napprover: {name: 原台账记载, title: 区政府办公室}\n"),
    }
    for rel, text in files.items():
        (repo.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / rel).write_text(text, encoding="utf-8")
    repo.commit("register an old account")
    assert "GM602" not in repo.codes()
