"""govmedia bot, part by part: the change, exit and close forms, the 存量登记 form, hostile issue bodies,
hostile branches (symlinks), the GitLab schedule against a local API stub, and the daily check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.bots import issueform, review
from govmedia.bots.gitwork import GitError, write_files
from govmedia.cli import main
from govmedia.staff import forms

from . import botkit
from .botkit import REPO, TODAY, Remote, Stub

WEIBO = "accounts/wangyi-education/weibo"
STAFF = {"applicant-name": "李红梅", "applicant-title": "局长"}


@pytest.fixture(autouse=True)
def pinned_git_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every commit (the register's and the bot's) is dated, so no rule sees the machine's clock."""
    for key, value in botkit.GIT_DATES.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return botkit.make_remote(tmp_path)


def run_issue(remote: Remote, tmp: Path, data: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> str:
    path = botkit.write_event(tmp, data)
    assert main(["bot", "issue", str(path), "--repo", str(remote.clone), "--today", TODAY]) == 0
    return capsys.readouterr().out


def check_ok(remote: Remote, tmp: Path, ref: str) -> None:
    tree = remote.checkout(ref, tmp / "check")
    done = subprocess.run([sys.executable, "-m", "govmedia", "check", "--no-cache", "--today", TODAY, "--base",
                           "origin/main"], cwd=tree, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("form", "label", "answers", "status"), [
    ("2-change.yml", "变更", {"account": f"{WEIBO[9:]}", "changes": "功能定位：发布教育政策解读和招生信息。\n",
                            "reason": "栏目调整"}, "changing"),
    ("3-exit.yml", "退出监管", {"account": WEIBO[9:], "reason": "机构改革，职能划转", "basis-title": "关于教育局职能调整的批复",
                             "basis-no": "王编发〔2026〕3号", "basis-date": "2026-11-20"}, "exiting"),
    ("4-close.yml", "注销关停", {"account": WEIBO[9:], "reason": "账号整合，由微信公众号承接"}, "closing"),
])
def test_request_forms_become_requests(remote: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str,
                                       label: str, answers: dict[str, str], status: str) -> None:
    said = run_issue(remote, tmp_path, botkit.issue_event(form, label, {**answers, **STAFF}), capsys)
    branch = "govmedia-bot/issue-51"
    added = remote.files(branch) - remote.files("main")
    action = {"changing": "change", "exiting": "exit", "closing": "close"}[status]
    (request,) = added
    assert re.fullmatch(rf"{WEIBO}/requests/2026-12-05-{action}/request\.yaml", request)
    doc = yaml.safe_load(remote.show(branch, request))
    assert doc["action"] == action and doc["applicant"] == {"name": "李红梅", "title": "局长"}
    assert yaml.safe_load(remote.show(branch, f"{WEIBO}/account.yaml"))["status"] == status
    if action == "change":
        assert doc["changes"] == {"positioning": "发布教育政策解读和招生信息。"}
    assert "检查通过" in said
    check_ok(remote, tmp_path, branch)


@pytest.mark.parametrize(("answers", "recorded"), [
    ({"recorded-status": "正常运行", "opened-on": "2021-03-01", "platform-id": "MS4wLjABAAAAwangyieduDouyinAcct2021",
      "url": "https://www.douyin.com/user/MS4wLjABAAAAwangyieduDouyinAcct2021", "reason": "王政办函〔2021〕8号同意开设"}, "active"),
    ({"recorded-status": "已注销关停", "ended-on": "2024-01-31"}, "closed"),
])
def test_register_form_records_an_existing_account(remote: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   answers: dict[str, str], recorded: str) -> None:
    """The 存量登记 form goes through the account form of `govmedia new` with action register: the request
    records the state the account is in, nothing of the dossier is invented, and the branch passes the check
    (what is still to complete is a warning, not a refusal)."""
    assert {f.action for f in issueform.load_forms(REPO)} == {"open", "change", "exit", "close", "register"}
    given = {"unit": "铜川市王益区教育局", "platform": "抖音", "name": "王益教育", **answers, **STAFF}
    said = run_issue(remote, tmp_path, botkit.issue_event("5-register.yml", "存量登记", given), capsys)
    assert "检查通过" in said, said
    branch = "govmedia-bot/issue-51"
    base = "accounts/wangyi-education/douyin"
    request_path = f"{base}/requests/2026-12-05-register/request.yaml"
    assert remote.files(branch) - remote.files("main") == {f"{base}/account.yaml", request_path}
    request = yaml.safe_load(remote.show(branch, request_path))
    assert request["action"] == "register" and request["recorded_status"] == recorded
    assert request.get("ended_on") == answers.get("ended-on")
    account = yaml.safe_load(remote.show(branch, f"{base}/account.yaml"))
    assert account["status"] == "applying" and account.get("opened_on") == answers.get("opened-on")
    assert not {"verification", "undertaking", "interaction", "operations"} & account.keys()
    check_ok(remote, tmp_path, branch)


def test_register_form_asks_for_what_it_lacks(remote: Remote, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Without the state the account is in, or with a day it ended that is no date: the answers' labels say
    what to fix."""
    given = {"unit": "铜川市王益区教育局", "platform": "抖音", "name": "王益教育", "recorded-status": "已注销关停",
             "ended-on": "去年", **STAFF}
    said = run_issue(remote, tmp_path, botkit.issue_event("5-register.yml", "存量登记", given), capsys)
    assert "「已注销关停或已退出监管的：哪一天」" in said
    given.pop("recorded-status")
    said = run_issue(remote, tmp_path, botkit.issue_event("5-register.yml", "存量登记", given), capsys)
    assert "「账号现在的状态」" in said
    assert remote.branches() == {"main"}


def test_unknown_account_and_bad_change_lines_are_explained(remote: Remote, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    said = run_issue(remote, tmp_path, botkit.issue_event("2-change.yml", "变更", {
        "account": "wangyi-education/nothing", "changes": "x", "reason": "r"}), capsys)
    assert "账号 wangyi-education/nothing 不在名录中" in said
    said = run_issue(remote, tmp_path, botkit.issue_event("2-change.yml", "变更", {
        "account": WEIBO[9:], "changes": "随便改改\n状态：closed", "reason": "r"}), capsys)
    assert "请写成 字段：新值" in said and "「要修改的内容」" in said and "状态" in said
    assert remote.branches() == {"main"}


def test_form_ids_are_the_flags_of_govmedia_new() -> None:
    """One code path: every issue-form field is a question of the matching `govmedia new` form."""
    flags = {kind: {f.name.replace("_", "-") for f in forms.FORMS[kind].fields} for kind in ("account", "request")}
    flags["request"] |= {"changes"}
    for form in issueform.load_forms(REPO):
        ids = {f.id for f in form.fields}
        register = {"opened-on", "recorded-status", "ended-on"}
        expected = flags["account"] | register if form.action in ("open", "register") else flags["request"]
        assert ids <= expected, (form.path, ids - expected)


# ---------------------------------------------------------------- hostile issue bodies


def _open_form() -> issueform.IssueForm:
    (form,) = [f for f in issueform.load_forms(REPO) if f.action == "open"]
    return form


def test_answers_are_data_and_cannot_open_an_earlier_field() -> None:
    form = _open_form()
    body = botkit.form_body("1-open.yml", {"unit": "铜川市王益区教育局", "name": "$(touch /tmp/pwned) `id`",
                                            "positioning": "正文\n### 主办单位全称\n\n铜川市王益区卫生健康局",
                                            "comments": "是"})
    answers = issueform.parse_body(form, body)
    assert answers["unit"] == "铜川市王益区教育局"  # the heading inside an answer opened nothing earlier
    assert answers["name"] == "$(touch /tmp/pwned) `id`"
    assert answers["platform-id"] == "" and answers["comments"] == "是" and answers["messages"] == "否"
    assert not Path("/tmp/pwned").exists()


def test_body_limits_and_comments() -> None:
    form = _open_form()
    huge = "### 账号名称\n\n" + "长" * 200_000
    assert len(issueform.parse_body(form, huge).get("name", "")) < issueform.MAX_BODY
    gitlab = "### 账号名称\n\n<!-- 例：王益教育 -->\n王益教育\r\n\r\n### 平台\n<!-- 从中选一项 -->\n抖音\n"
    # 平台 comes before 账号名称 in the form: headings are taken in the form's order only
    assert issueform.parse_body(form, gitlab) == {"platform": "抖音"}
    in_order = "### 平台\n<!-- 从中选一项 -->\n抖音\n### 账号名称\n\n<!-- 例：王益教育 -->\n王益教育\r\n"
    assert issueform.parse_body(form, in_order) == {"platform": "抖音", "name": "王益教育"}
    assert issueform.form_for(issueform.load_forms(REPO), ["开设", "变更"]) is None


def test_gitlab_templates_are_generated_from_the_forms() -> None:
    expected = issueform.gitlab_templates(REPO)
    assert len(expected) == 5
    for rel, text in expected.items():
        assert (REPO / rel).read_text(encoding="utf-8") == text, f"run govmedia bot templates ({rel})"
    form = _open_form()
    filled = expected[".gitlab/issue_templates/1-open.md"].replace("### 账号名称\n\n", "### 账号名称\n\n王益教育\n")
    assert issueform.parse_body(form, filled)["name"] == "王益教育"


# ---------------------------------------------------------------- hostile branches


def test_never_writes_through_a_symlink(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    outside.mkdir()
    (tree / "accounts/u/a").mkdir(parents=True)
    os.symlink(outside, tree / "accounts/u/a/requests")
    with pytest.raises(GitError):
        write_files(tree, {"accounts/u/a/requests/2026-01-01-open/unit_head.yaml": "x"})
    os.symlink(outside / "f", tree / "accounts/u/a/account.yaml")
    with pytest.raises(GitError):
        write_files(tree, {"accounts/u/a/account.yaml": "x"})
    for bad in ("../x", "accounts/../../x", ".git/hooks/pre-commit", "accounts//x"):
        with pytest.raises(GitError):
            write_files(tree, {bad: "x"})
    assert list(outside.iterdir()) == []


def test_review_on_a_branch_with_a_symlinked_request_writes_nothing(remote: Remote, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "attacker"
    botkit.git(tmp_path, "clone", "-q", str(remote.bare), str(work))
    botkit.git(work, "switch", "-q", "-c", "evil")
    folder = work / "accounts/wangyi-education/kuaishou/requests"
    target = folder / "2026-11-10-open"
    os.rename(target, work / "moved")
    os.symlink("../../../../moved", target)
    botkit.git(work, "add", "-A")
    botkit.git(work, "commit", "-q", "-m", "evil")
    botkit.git(work, "push", "-q", "origin", "evil")
    stub = botkit.github_stub()
    before = remote.head("evil")
    with botkit.serve(stub):
        data = botkit.review_event("chen-jianguo", body="文号：铜政办函〔2026〕2号", branch="evil")
        code = main(["bot", "review", str(botkit.write_event(tmp_path, data)), "--repo", str(remote.clone),
                     "--api-url", stub.url, "--today", TODAY])
    said = capsys.readouterr().out
    assert code == 0 and remote.head("evil") == before, said
    assert "不写入审批文件" in said


# ---------------------------------------------------------------- GitLab


def gitlab_stub(remote: Remote, approvers: list[dict[str, Any]], notes: list[dict[str, Any]]) -> Stub:
    stub = Stub()
    project = r"/projects/42"
    stub.on("GET", project + r"/issues", lambda m, _: (200, []))
    stub.on("GET", project + r"/merge_requests", lambda m, _: (200, [{
        "iid": 7, "source_branch": "govmedia-bot/issue-41", "target_branch": "main", "source_project_id": 42,
        "target_project_id": 42, "state": "opened"}]))
    stub.on("GET", project + r"/merge_requests/7/approvals", lambda m, _: (200, {
        "id": 5, "iid": 7, "project_id": 42, "approved": bool(approvers),
        "approved_by": [{"user": a} for a in approvers]}))
    stub.on("GET", project + r"/merge_requests/7/notes", lambda m, _: (200, notes))
    stub.on("POST", project + r"/merge_requests/7/notes", lambda m, b: (201, {"id": 9, **b}))
    members = {"wangyi-gov/wangyi-education": {11}, "wangyi-gov/district-office": {12}}
    stub.on("GET", r"/groups/([^/]+)/members/all/(\d+)", lambda m, _: (200, {"id": int(m.group(2)), "access_level": 30})
            if int(m.group(2)) in members.get(m.group(1).replace("%2F", "/"), ()) else (404, {}))
    return stub


def test_gitlab_sync_records_approvals_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GitLab approvals (GET /projects/:id/merge_requests/:iid/approvals, the free tier's approved_by, as in
    https://docs.gitlab.com/api/merge_request_approvals/) become approval files on the next schedule."""
    remote = botkit.make_remote(tmp_path)
    event = botkit.write_event(tmp_path, botkit.event("issues-opened-open.json"))
    assert main(["bot", "issue", str(event), "--repo", str(remote.clone), "--today", TODAY]) == 0
    approvers = [
        {"id": 11, "username": "li-hongmei", "name": "李红梅", "state": "active"},
        {"id": 12, "username": "liu-xiaoming", "name": "刘晓明", "state": "active"},
        {"id": 13, "username": "stranger", "name": "?", "state": "active"},
    ]
    stub = gitlab_stub(remote, approvers, [])
    args = ["bot", "gitlab-sync", "--repo", str(remote.clone), "--project", "42", "--today", TODAY]
    with botkit.serve(stub):
        assert main([*args, "--api-url", stub.url]) == 0
        first = remote.head("govmedia-bot/issue-41")
        assert main([*args, "--api-url", stub.url]) == 0
    folder = "accounts/wangyi-education/douyin/requests/2026-12-05-open"
    for stage, login in (("unit_head", "li-hongmei"), ("district_office", "liu-xiaoming")):
        doc = yaml.safe_load(remote.show("govmedia-bot/issue-41", f"{folder}/{stage}.yaml"))
        assert doc["review"] == {"platform": "gitlab", "login": login} and doc["decided_on"] == TODAY
    assert remote.head("govmedia-bot/issue-41") == first  # the second pass wrote nothing
    notes = [b["body"] for b in stub.posted("/merge_requests/7/notes")]
    assert any("@stranger 不是" in n for n in notes)
    capsys.readouterr()


# ---------------------------------------------------------------- daily check


def _expired_register(tmp: Path) -> Path:
    """The shipped register with one agreement that expired before the pinned day."""
    root = tmp / "register"
    for name in botkit.SHIPPED:
        shutil.copytree(REPO / name, root / name)
    account = root / "accounts/wangyi-gov-office/douyin/account.yaml"
    text = account.read_text(encoding="utf-8")
    account.write_text(re.sub(r"expires_on: '?[0-9-]+'?", "expires_on: '2026-12-01'", text), encoding="utf-8")
    return root


def test_daily_check_opens_updates_and_closes_one_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stub = Stub()
    issues: list[dict[str, Any]] = []

    def create(_: Any, body: dict[str, Any]) -> tuple[int, Any]:
        issues.append({"number": 90, "state": "open", **body})
        return 201, issues[-1]

    def patch(_: Any, body: dict[str, Any]) -> tuple[int, Any]:
        issues[-1].update(body)
        return 200, issues[-1]

    stub.on("GET", r"/repos/wangyi-gov/govmedia-register/issues",
            lambda m, _: (200, [i for i in issues if i["state"] == "open"]))
    stub.on("POST", r"/repos/wangyi-gov/govmedia-register/issues", create)
    stub.on("PATCH", r"/repos/wangyi-gov/govmedia-register/issues/90", patch)
    expired = _expired_register(tmp_path)
    args = ["bot", "daily", "--github-repo", "wangyi-gov/govmedia-register", "--today", TODAY]
    with botkit.serve(stub):
        assert main([*args, "--repo", str(expired), "--api-url", stub.url]) == 0
        assert main([*args, "--repo", str(expired), "--api-url", stub.url]) == 0
        assert len(issues) == 1 and issues[0]["labels"] == ["名录每日检查"] and issues[0]["state"] == "open"
        assert main([*args, "--repo", str(REPO), "--api-url", stub.url]) == 0  # the shipped register is clean
    assert issues[0]["state"] == "closed" and "全部通过" in issues[0]["body"]
    first = capsys.readouterr().out
    assert "### 铜川市王益区人民政府办公室（`wangyi-gov-office`） 请 @wangyi-gov/wangyi-gov-office 处理" in first
    assert "GM401" in first and "2026-12-01 到期" in first


# ---------------------------------------------------------------- hostile events and API answers


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"\xff\xfe", b"{}", b'{"action": "opened"}',
                                     b'{"action": "opened", "issue": {"number": "41"}}',
                                     b'{"action": "submitted", "review": [], "pull_request": 3}'])
@pytest.mark.parametrize("verb", ["issue", "review"])
def test_malformed_events_are_refused_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           verb: str, content: bytes) -> None:
    event = tmp_path / "event.json"
    event.write_bytes(content)
    assert main(["bot", verb, str(event), "--repo", str(tmp_path), "--today", TODAY]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govmedia bot：") and "Traceback" not in err


def test_a_broken_api_answer_is_refused_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remote = botkit.make_remote(tmp_path)
    stub = Stub()
    stub.on("GET", r"/repos/wangyi-gov/govmedia-register/pulls", lambda m, _: (200, []))
    stub.on("POST", r"/repos/wangyi-gov/govmedia-register/pulls", lambda m, _: (201, {"no": "number"}))
    event = botkit.write_event(tmp_path, botkit.event("issues-opened-open.json"))
    with botkit.serve(stub):
        code = main(["bot", "issue", str(event), "--repo", str(remote.clone), "--api-url", stub.url, "--today", TODAY])
    assert code == 2 and "接口的回答缺少预期的字段" in capsys.readouterr().err


def _gitlab_issue_body() -> str:
    """The GitLab template of the 开设 form, filled in as a staff member would (answers under headings)."""
    form = _open_form()
    recorded = botkit.event("issues-opened-open.json")["issue"]["body"]
    answers = issueform.parse_body(form, recorded)
    text = (REPO / ".gitlab/issue_templates/1-open.md").read_text(encoding="utf-8")
    for f in form.fields:
        value = answers.get(f.id, "")
        if f.kind == "checkboxes":
            if value == "是":
                text = text.replace(f"- [ ] {f.options[0]}", f"- [x] {f.options[0]}", 1)
        elif value:
            text = text.replace(f"### {f.label}\n\n", f"### {f.label}\n\n{value}\n", 1)
    return text


def test_gitlab_sync_turns_a_template_issue_into_a_merge_request(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    remote = botkit.make_remote(tmp_path)
    stub = Stub()
    issue = {"iid": 3, "title": "[开设] 区教育局 - 抖音 - 王益教育", "description": _gitlab_issue_body(),
             "labels": ["开设"], "state": "opened", "created_at": "2026-12-05T09:12:09.000+08:00",
             "author": {"id": 21, "username": "wangyi-edu-staff"}}
    stub.on("GET", r"/projects/42/issues", lambda m, _: (200, [issue]))
    stub.on("GET", r"/projects/42/members/all/21", lambda m, _: (200, {"id": 21, "access_level": 30}))
    stub.on("GET", r"/projects/42/merge_requests", lambda m, _: (200, []))
    stub.on("POST", r"/projects/42/merge_requests", lambda m, b: (201, {"iid": 7, **b}))
    stub.on("GET", r"/projects/42/issues/3/notes", lambda m, _: (200, []))
    stub.on("POST", r"/projects/42/issues/3/notes", lambda m, b: (201, {"id": 5, **b}))
    args = ["bot", "gitlab-sync", "--repo", str(remote.clone), "--project", "42", "--today", TODAY]
    with botkit.serve(stub):
        assert main([*args, "--api-url", stub.url]) == 0
    (mr,) = stub.posted("/projects/42/merge_requests")
    assert mr["source_branch"] == "govmedia-bot/issue-3" and mr["description"].startswith("Closes #3")
    (note,) = stub.posted("/issues/3/notes")
    assert "合并请求 !7" in note["body"] and "检查通过" in note["body"]
    added = remote.files("govmedia-bot/issue-3") - remote.files("main")
    assert "accounts/wangyi-education/douyin/account.yaml" in added
    check_ok(remote, tmp_path, "govmedia-bot/issue-3")
    capsys.readouterr()


def test_the_branch_code_never_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A same-repository branch that ships its own govmedia package, hooks and git attributes: the bot records
    the review with its own code and never runs any of them."""
    remote = botkit.make_remote(tmp_path)
    event = botkit.write_event(tmp_path, botkit.event("issues-opened-open.json"))
    assert main(["bot", "issue", str(event), "--repo", str(remote.clone), "--today", TODAY]) == 0
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('pwned')\n"
    work = tmp_path / "attacker"
    botkit.git(tmp_path, "clone", "-q", "--branch", "govmedia-bot/issue-41", str(remote.bare), str(work))
    for rel, text in {"govmedia/__init__.py": payload, "govmedia/bots/review.py": payload, "conftest.py": payload,
                      "setup.py": payload, ".gitattributes": "* filter=evil diff=evil\n",
                      ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: x\n    name: x\n"
                      f"    entry: touch {marker}\n    language: system\n"}.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text, encoding="utf-8")
    botkit.git(work, "add", "-A")
    botkit.git(work, "commit", "-q", "-m", "code")
    botkit.git(work, "push", "-q", "origin", "HEAD:govmedia-bot/issue-41")
    stub = botkit.github_stub()
    with botkit.serve(stub):
        data = botkit.review_event("li-hongmei", body="同意。")
        assert main(["bot", "review", str(botkit.write_event(tmp_path, data)), "--repo", str(remote.clone),
                     "--api-url", stub.url, "--today", TODAY]) == 0
    folder = "accounts/wangyi-education/douyin/requests/2026-12-05-open"
    assert f"{folder}/unit_head.yaml" in remote.files("govmedia-bot/issue-41")
    assert not marker.exists()
    capsys.readouterr()


@pytest.mark.parametrize(("body", "number"), [
    ("同意。\n文号：铜政办函〔2026〕12号", "铜政办函〔2026〕12号"),
    ("批复文号: 王编发〔2026〕3号  \n同意", "王编发〔2026〕3号"),
    ("文号：<script>alert(1)</script>", None),
    ("同意，文号见附件", None),
    ("文号：" + "长" * 100, None),
])
def test_document_number_is_read_from_its_own_line_only(body: str, number: str | None) -> None:
    found = review._DOC_NO.search(body)
    assert (found.group(1) if found else None) == number
