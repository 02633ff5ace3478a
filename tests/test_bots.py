"""govmedia bot end to end: recorded GitHub payloads, a local bare remote, a local HTTP stub of the API.

The 开设 form event becomes a branch that passes `govmedia check` and a Chinese comment; the reviews of
each stage's owner, in order, leave every approval file on the branch; a non-owner, an out-of-order
stage, a fork, a missing 文号 change nothing and say why."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.cli import main

from . import botkit
from .botkit import TODAY, Remote, Stub

BRANCH = "govmedia-bot/issue-41"
FOLDER = "accounts/wangyi-education/douyin/requests/2026-12-05-open"
# Each stage's owner, in the order of the open chain, and what they write in their review.
CHAIN = [
    ("li-hongmei", "unit_head", "2026-12-05T03:00:00Z", "同意开设。"),
    ("liu-xiaoming", "district_office", "2026-12-05T06:00:00Z", "同意。"),
    ("chen-jianguo", "city_office", "2026-12-06T02:00:00Z", "同意。\n文号：铜政办函〔2026〕88号"),
    ("zhao-wenhua", "province_office", "2026-12-07T02:00:00Z", "文号：陕政办函〔2026〕99号\n同意开设。"),
]


def bot(verb: str, event: Path, remote: Remote, stub: Stub | None, capsys: pytest.CaptureFixture[str]) -> str:
    args = ["bot", verb, str(event), "--repo", str(remote.clone), "--today", TODAY]
    if stub is not None:
        args += ["--api-url", stub.url]
    assert main(args) == 0
    return capsys.readouterr().out


def check(remote: Remote, tmp: Path, ref: str, *extra: str) -> subprocess.CompletedProcess[str]:
    tree = remote.checkout(ref, tmp / f"check-{len(list(tmp.iterdir()))}")
    return subprocess.run([sys.executable, "-m", "govmedia", "check", "--no-cache", "--today", TODAY, *extra],
                          cwd=tree, capture_output=True, text=True, check=False)


@pytest.fixture(autouse=True)
def pinned_git_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every commit (the register's and the bot's) is dated, so no rule sees the machine's clock."""
    for key, value in botkit.GIT_DATES.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return botkit.make_remote(tmp_path)


@pytest.fixture
def opened(remote: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Remote:
    """The remote after the recorded 开设 form event (no API: only the branch)."""
    bot("issue", botkit.write_event(tmp_path, botkit.event("issues-opened-open.json")), remote, None, capsys)
    return remote


def review(remote: Remote, tmp: Path, stub: Stub, capsys: pytest.CaptureFixture[str], login: str, at: str,
           body: str, **kw: Any) -> str:
    data = botkit.review_event(login, at=at, body=body, review_id=1000 + len(stub.calls), **kw)
    return bot("review", botkit.write_event(tmp, data, f"review-{len(stub.calls)}.json"), remote, stub, capsys)


def test_open_form_becomes_a_branch_that_passes_check(remote: Remote, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    stub = botkit.github_stub()
    with botkit.serve(stub):
        said = bot("issue", botkit.write_event(tmp_path, botkit.event("issues-opened-open.json")), remote, stub, capsys)
    added = remote.files(BRANCH) - remote.files("main")
    assert added == {"accounts/wangyi-education/douyin/account.yaml", f"{FOLDER}/request.yaml"}
    account = yaml.safe_load(remote.show(BRANCH, "accounts/wangyi-education/douyin/account.yaml"))
    assert account["status"] == "applying" and account["name"] == "王益教育"
    assert account["interaction"] == {"comments": True, "messages": True, "private_messages": True}
    request = yaml.safe_load(remote.show(BRANCH, f"{FOLDER}/request.yaml"))
    assert request["applicant"] == {"name": "李红梅", "title": "局长"}  # the unit's leader, the form left empty
    assert check(remote, tmp_path, BRANCH).returncode == 0
    assert check(remote, tmp_path, BRANCH, "--base", "origin/main").returncode == 0
    (pr,) = stub.posted("/pulls")
    assert pr["head"] == BRANCH and pr["base"] == "main" and pr["body"].startswith("Closes #41")
    (comment,) = stub.posted("/issues/41/comments")
    assert comment["body"] == said.rstrip("\n")
    assert "检查通过" in said and "合并请求 #42" in said and "机器人" in said


def test_editing_the_issue_updates_the_branch(opened: Remote, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    first = opened.head(BRANCH)
    data = botkit.event("issues-opened-open.json")
    data["action"] = "edited"
    data["issue"]["body"] = data["issue"]["body"].replace("\n王益教育\n", "\n王益教育发布\n")
    bot("issue", botkit.write_event(tmp_path, data), opened, None, capsys)
    assert opened.head(f"{BRANCH}~1") == first  # a new commit on top, never a force push
    account = yaml.safe_load(opened.show(BRANCH, "accounts/wangyi-education/douyin/account.yaml"))
    assert account["name"] == "王益教育发布"
    bot("issue", botkit.write_event(tmp_path, data), opened, None, capsys)  # the same answers again
    assert opened.head(f"{BRANCH}~1") == first


def test_form_with_wrong_answers_writes_nothing_and_says_what_to_fix(remote: Remote, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = botkit.event("issues-opened-open.json")
    recorded = data["issue"]["body"]
    data["issue"]["body"] = recorded.replace("MS4wLjABAAAAwangyiedu2026douyin000001\n\n### 账号主页网址",
                                             "12345\n\n### 账号主页网址")
    said = bot("issue", botkit.write_event(tmp_path, data), remote, None, capsys)
    assert "「账号ID / 原始ID」" in said and "12345" in said and "抖音" in said and "MS4wLjABAAAA" in said
    data["issue"]["body"] = recorded.replace("### 总负责人（姓名或职务）\n\n办公室主任", "### 总负责人（姓名或职务）\n\n_No response_")
    said = bot("issue", botkit.write_event(tmp_path, data), remote, None, capsys)
    assert "请填写：「总负责人（姓名或职务）」" in said and "Edit（编辑）" in said
    assert remote.branches() == {"main"}


def test_untrusted_author_and_unlabelled_issue_write_nothing(remote: Remote, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    stranger = botkit.event("issues-opened-open.json")
    stranger["issue"]["author_association"] = "NONE"
    said = bot("issue", botkit.write_event(tmp_path, stranger), remote, None, capsys)
    assert "只有本组织成员或协作者" in said
    unlabelled = botkit.event("issues-opened-open.json")
    unlabelled["issue"]["labels"] = []
    said = bot("issue", botkit.write_event(tmp_path, unlabelled), remote, None, capsys)
    assert "标签" in said and remote.branches() == {"main"}


def test_reviews_in_order_record_the_whole_chain(opened: Remote, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    stub = botkit.github_stub()
    with botkit.serve(stub):
        for login, stage, at, body in CHAIN:
            said = review(opened, tmp_path, stub, capsys, login, at, body)
            assert f"已写入 `{FOLDER}/{stage}.yaml`" in said
            if stage == "unit_head":
                assert "下一步：请「区政府办公室」（@wangyi-gov/district-office）审核。" in said
        assert "下一步：区政府办公室核对账号状态和公告后合并" in said
    for login, stage, at, _ in CHAIN:
        approval = yaml.safe_load(opened.show(BRANCH, f"{FOLDER}/{stage}.yaml"))
        assert approval["decision"] == "approved" and approval["review"]["login"] == login
        assert approval["decided_on"] == at[:10]
        assert approval["review"]["platform"] == "github" and approval["review"]["id"] >= 1000
    assert yaml.safe_load(opened.show(BRANCH, f"{FOLDER}/city_office.yaml"))["document_no"] == "铜政办函〔2026〕88号"
    account = yaml.safe_load(opened.show(BRANCH, "accounts/wangyi-education/douyin/account.yaml"))
    assert account["status"] == "active" and account["opened_on"] == "2026-12-07"
    assert "announcements/2026-12-07-wangyi-education-douyin-opening.md" in opened.files(BRANCH)
    authors = botkit.git(opened.bare, "log", "--format=%an", f"main..{BRANCH}").split()
    assert set(authors) == {"govmedia-bot"}  # normal commits, judged by the check and CODEOWNERS
    assert check(opened, tmp_path, BRANCH).returncode == 0
    # Against the base: one merge request carries the whole chain (request_digest binds each approval).
    based = check(opened, tmp_path, BRANCH, "--base", "origin/main")
    assert based.returncode == 0, based.stdout + based.stderr
    assert all(yaml.safe_load(opened.show(BRANCH, f"{FOLDER}/{s}.yaml"))["request_digest"].startswith("sha256:")
               for _, s, _, _ in CHAIN)


def _history(remote: Remote) -> str:
    return remote.head(BRANCH)


def test_non_owner_out_of_order_fork_and_missing_document_change_nothing(
        opened: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stub = botkit.github_stub()
    before = _history(opened)
    with botkit.serve(stub):
        said = review(opened, tmp_path, stub, capsys, "someone-else", "2026-12-05T03:00:00Z", "LGTM")
        assert "不是本合并请求中待审环节（「本单位主要负责同志」）的审核人" in said
        said = review(opened, tmp_path, stub, capsys, "chen-jianguo", "2026-12-05T03:00:00Z", "文号：铜政办函〔2026〕1号")
        assert "现在轮到「本单位主要负责同志」审批" in said and "本次未写入任何文件" in said
        said = review(opened, tmp_path, stub, capsys, "li-hongmei", "2026-12-05T03:00:00Z", "同意",
                      head_repo="stranger/govmedia-register")
        assert "复刻（fork）" in said
        assert _history(opened) == before
        for login, _, at, body in CHAIN[:2]:
            review(opened, tmp_path, stub, capsys, login, at, body)
        after_two = _history(opened)
        said = review(opened, tmp_path, stub, capsys, "chen-jianguo", "2026-12-06T02:00:00Z", "同意")
        assert "须填写批复文号" in said and "文号：" in said
        assert _history(opened) == after_two
    comments = [body["body"] for body in stub.posted("/issues/42/comments")]
    assert len(comments) == 6 and all("机器人" in c for c in comments)


def test_request_changes_records_a_rejection(opened: Remote, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    stub = botkit.github_stub()
    with botkit.serve(stub):
        said = review(opened, tmp_path, stub, capsys, "li-hongmei", "2026-12-05T03:00:00Z",
                      "账号名称与本单位其他平台不一致，请修改。", state="changes_requested")
    assert "不同意（驳回）" in said
    approval = yaml.safe_load(opened.show(BRANCH, f"{FOLDER}/unit_head.yaml"))
    assert approval["decision"] == "rejected" and approval["comment"].startswith("账号名称")
    account = yaml.safe_load(opened.show(BRANCH, "accounts/wangyi-education/douyin/account.yaml"))
    assert account["status"] == "rejected"
    assert check(opened, tmp_path, BRANCH).returncode == 0


def test_a_redelivered_review_and_a_comment_write_nothing(opened: Remote, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    stub = botkit.github_stub()
    with botkit.serve(stub):
        data = botkit.review_event("li-hongmei", review_id=77)
        bot("review", botkit.write_event(tmp_path, data), opened, stub, capsys)
        once = _history(opened)
        bot("review", botkit.write_event(tmp_path, data), opened, stub, capsys)
        comment = copy.deepcopy(data)
        comment["review"].update(id=78, state="commented")
        bot("review", botkit.write_event(tmp_path, comment), opened, stub, capsys)
    assert _history(opened) == once


def test_team_membership_unknown_without_a_token(opened: Remote, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Without an API the bot cannot know a team's members: a team reviewer's click is not recorded."""
    data = botkit.review_event("li-hongmei")
    said = bot("review", botkit.write_event(tmp_path, data), opened, None, capsys)
    assert "无法确认 @li-hongmei 是否属于" in said and "GOVMEDIA_MEMBERS_TOKEN" in said
    assert f"{FOLDER}/unit_head.yaml" not in opened.files(BRANCH)


def test_one_person_decides_one_stage(opened: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Someone in two stages' teams (the unit's and the district office's) records the first, not both."""
    stub = botkit.github_stub({**botkit.TEAMS, "wangyi-education": {"liu-xiaoming"}})
    with botkit.serve(stub):
        said = review(opened, tmp_path, stub, capsys, "liu-xiaoming", "2026-12-05T03:00:00Z", "同意。")
        assert f"{FOLDER}/unit_head.yaml" in said
        once = opened.head(BRANCH)
        said = review(opened, tmp_path, stub, capsys, "liu-xiaoming", "2026-12-05T06:00:00Z", "同意。")
    assert "同一人只能审批其中一个环节" in said and opened.head(BRANCH) == once


def test_a_registration_is_recorded_and_approved_in_one_merge_request(remote: Remote, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """存量登记 from the issue form to the district office's click: the branch ends with the approval file, the
    account in the state the registration records, and passes the check against the base."""
    answers = {"unit": "铜川市王益区教育局", "platform": "抖音", "name": "王益教育", "recorded-status": "已注销关停",
               "ended-on": "2024-01-31", "applicant-name": "李红梅", "applicant-title": "局长"}
    said = bot("issue", botkit.write_event(tmp_path, botkit.issue_event("5-register.yml", "存量登记", answers, 43)),
               remote, None, capsys)
    assert "检查通过" in said, said
    branch, folder = "govmedia-bot/issue-43", "accounts/wangyi-education/douyin/requests/2026-12-05-register"
    stub = botkit.github_stub()
    with botkit.serve(stub):
        data = botkit.review_event("liu-xiaoming", at="2026-12-06T02:00:00Z", body="核实无误。", review_id=1300,
                                   branch=branch)
        said = bot("review", botkit.write_event(tmp_path, data, "review-register.json"), remote, stub, capsys)
    assert f"已写入 `{folder}/district_office.yaml`" in said, said
    approval = yaml.safe_load(remote.show(branch, f"{folder}/district_office.yaml"))
    assert approval["decision"] == "approved" and approval["review"]["login"] == "liu-xiaoming"
    assert yaml.safe_load(remote.show(branch, "accounts/wangyi-education/douyin/account.yaml"))["status"] == "closed"
    based = check(remote, tmp_path, branch, "--base", "origin/main")
    assert based.returncode == 0, based.stdout + based.stderr
