"""The approval chain in real git repositories: one merge request may carry a whole chain, and every way of
bending the chain inside the merge request that it judges is caught (each as its own git scenario).

Every scenario is one branch ``mr`` on a demo register committed on ``main`` (tests/gitrepo.py); the base
commit is dated 2026-06-01 08:00 in China, the run's today is 2026-06-01.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.cli import main
from govmedia.history import gitbase
from govmedia.history.codeowners import TARGET
from govmedia.register.digest import document_digest, request_digest

from .gitrepo import Repo, approval, digest_of, make_repo

UNIT = "accounts/wangyi-education"
NEW = f"{UNIT}/douyin"
OPEN = f"{NEW}/requests/2026-05-20-open"
ANNOUNCEMENT = "announcements/2026-06-01-wangyi-education-douyin-opening.md"
DOUYIN_ID = "MS4wLjABAAAA" + "a1b2c3d4e5" * 3
BILIBILI = "accounts/wangyi-culture-tourism/bilibili"
BILIBILI_CHANGE = f"{BILIBILI}/requests/2026-05-20-change"
KUAISHOU_OPEN = f"{UNIT}/kuaishou/requests/2026-05-12-open"
NEW_POSITIONING = "发布区文旅局文化旅游资讯与政策解读。"
STAGES = (("unit_head", date(2026, 5, 21), "李红梅", "局长", None),
          ("district_office", date(2026, 5, 22), "刘晓明", "区政府办公室主任", None),
          ("city_office", date(2026, 5, 25), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕501号"),
          ("province_office", date(2026, 5, 28), "赵文华", "省政府办公厅政务公开办主任", "陕政办函〔2026〕502号"))


@pytest.fixture
def repo(make_register: Callable[..., Path]) -> Repo:
    return make_repo(make_register())


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _one_mr_opening(repo: Repo, stages: tuple[tuple[str, date, str, str, str | None], ...] = STAGES,
                    announced: str = "2026-06-01") -> None:
    """A new Douyin account of the education bureau: request, every stage's approval, status active and
    the opening announcement, all in one merge request."""
    data = yaml.safe_load(repo.read(f"{UNIT}/kuaishou/account.yaml"))
    data.update(platform="douyin", platform_id=DOUYIN_ID, url=f"https://www.douyin.com/user/{DOUYIN_ID}",
                status="active", opened_on="2026-05-30")
    data["verification"]["verified"] = True
    repo.write(f"{NEW}/account.yaml", _dump(data))
    repo.write(f"{OPEN}/request.yaml", _dump({"action": "open", "submitted_on": "2026-05-20",
                                              "applicant": {"name": "李红梅", "title": "局长"}}))
    for stage, day, name, title, number in stages:
        repo.approve(OPEN, stage, day, name, title, number)
    until = date.fromordinal(date.fromisoformat(announced).toordinal() + 40).isoformat()
    repo.write(f"announcements/{announced}-wangyi-education-douyin-opening.md",
               "---\n" + _dump({"title": "关于「王益教育」抖音账号开通的公告", "kind": "opening",
                                "accounts": ["wangyi-education/douyin"], "published_on": announced,
                                "display_until": until})
               + "---\n\n经审核批准，铜川市王益区教育局抖音账号「王益教育」开通，现予公告。\n")


def _all(repo: Repo) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in repo.findings(codes="GM")]


# -- the legitimate flows pass ------------------------------------------------------------------
def test_one_merge_request_carries_a_whole_opening(repo: Repo) -> None:
    _one_mr_opening(repo)
    repo.commit("open douyin: request, every approval, announcement")
    assert _all(repo) == []


def test_the_command_passes_the_one_mr_opening(repo: Repo) -> None:
    _one_mr_opening(repo)
    repo.commit("open douyin")
    proc = subprocess.run([sys.executable, "-m", "govmedia", "check", "--root", str(repo.root), "--base", "main",
                           "--today", "2026-06-01", "--no-cache"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_pending_request_merged_first_then_completed(repo: Repo) -> None:
    _one_mr_opening(repo, STAGES[:2])
    repo.edit(f"{NEW}/account.yaml", status="applying", opened_on=None)
    (repo.root / ANNOUNCEMENT).unlink()
    data = yaml.safe_load(repo.read(f"{NEW}/account.yaml"))
    data.pop("opened_on")
    data["verification"]["verified"] = False
    repo.write(f"{NEW}/account.yaml", _dump(data))
    repo.commit("apply; unit head and district office approve")
    assert _all(repo) == []
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "mr")
    repo.git("checkout", "-q", "mr")
    for stage, day, name, title, number in STAGES[2:]:
        repo.approve(OPEN, stage, day, name, title, number)
    data.update(status="active", opened_on="2026-05-30")
    data["verification"]["verified"] = True
    repo.write(f"{NEW}/account.yaml", _dump(data))
    _one_mr_opening_announcement(repo)
    repo.commit("city and province approve; opened")
    assert _all(repo) == []


def _one_mr_opening_announcement(repo: Repo) -> None:
    repo.write(ANNOUNCEMENT, "---\n" + _dump({
        "title": "关于「王益教育」抖音账号开通的公告", "kind": "opening", "accounts": ["wangyi-education/douyin"],
        "published_on": "2026-06-01", "display_until": "2026-07-10"}) + "---\n\n抖音账号「王益教育」开通，现予公告。\n")


def _complete_bilibili_change(repo: Repo) -> None:
    repo.approve(BILIBILI_CHANGE, "city_office", date(2026, 5, 30), "陈建国", "市政府办公室副主任",
                 "铜政办函〔2026〕503号")


def test_an_applied_approved_change_passes(repo: Repo) -> None:
    _complete_bilibili_change(repo)
    repo.edit(f"{BILIBILI}/account.yaml", status="active", positioning=NEW_POSITIONING)
    repo.commit("change approved and applied")
    assert _all(repo) == []


def test_a_complete_policy_request_lets_governance_change(repo: Repo) -> None:
    gov = yaml.safe_load(repo.read("policies/governance.yaml"))
    gov["max_update_cycle_days"] = 10
    repo.write("policies/governance.yaml", _dump(gov))
    new = yaml.safe_load(repo.read("policies/governance.yaml"))
    folder = "policies/requests/2026-05-20-policy"
    repo.write(f"{folder}/request.yaml", _dump({
        "action": "policy", "submitted_on": "2026-05-20", "applicant": {"name": "王建平", "title": "区政府办公室主任"},
        "reason": "更新周期按上级要求缩短为 10 天。", "changes": {"policies/governance.yaml": document_digest(new)}}))
    repo.approve(folder, "district_office", date(2026, 5, 22), "刘晓明", "区政府办公室主任")
    repo.approve(folder, "city_office", date(2026, 5, 25), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕504号")
    repo.commit("policy change with its request")
    assert "GM605" not in [c for c, _ in _all(repo)]
    # the same change without the city office's approval is not enough
    (repo.root / f"{folder}/city_office.yaml").unlink()
    repo.commit("drop an approval")
    assert "GM605" in [c for c, _ in _all(repo)]


# -- the base governs the merge request -------------------------------------------------------
def _gov_edit(repo: Repo, edit: Callable[[dict[str, Any]], None]) -> None:
    gov = yaml.safe_load(repo.read("policies/governance.yaml"))
    edit(gov)
    repo.write("policies/governance.yaml", _dump(gov))


GOVERNANCE_ATTACKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "drop stages": lambda g: g["chains"].update(open=["unit_head", "district_office"]),
    "shorter display": lambda g: g.update(announcement_min_days=1),
    "empty reviewers": lambda g: g["stages"]["city_office"].update(reviewers=[]),
    "from_unit": lambda g: g["stages"]["city_office"].update(from_unit=True),
}


@pytest.mark.parametrize("attack", sorted(GOVERNANCE_ATTACKS))
def test_governance_edited_in_the_merge_request(repo: Repo, attack: str) -> None:
    _gov_edit(repo, GOVERNANCE_ATTACKS[attack])
    repo.commit(attack)
    assert ("GM605", "policies/governance.yaml") in _all(repo)


def test_the_base_chain_judges_an_opening_that_dropped_stages(repo: Repo) -> None:
    """Even with governance.yaml edited, the opening is judged by the base's chain: two approvals short."""
    _gov_edit(repo, GOVERNANCE_ATTACKS["drop stages"])
    _one_mr_opening(repo, STAGES[:2])
    repo.commit("drop two stages and open with two approvals")
    found = _all(repo)
    assert ("GM202", f"{NEW}/account.yaml") in found and ("GM602", f"{NEW}/account.yaml") in found


def test_the_base_display_period_judges_a_short_announcement(repo: Repo) -> None:
    _gov_edit(repo, GOVERNANCE_ATTACKS["shorter display"])
    _one_mr_opening(repo)
    text = repo.read(ANNOUNCEMENT).replace("display_until: '2026-07-11'", "display_until: '2026-06-02'")
    repo.write(ANNOUNCEMENT, text)
    repo.commit("two days of display")
    assert ("GM302", ANNOUNCEMENT) in _all(repo)


def test_author_added_as_unit_reviewer(repo: Repo) -> None:
    repo.edit(f"{UNIT}/unit.yaml", reviewers=["@wangyi-gov/wangyi-education", "@attacker"])
    repo.commit("add me")
    assert ("GM605", f"{UNIT}/unit.yaml") in _all(repo)


def test_unit_renamed_to_another_units_full_name(repo: Repo) -> None:
    repo.edit(f"{UNIT}/unit.yaml", name="铜川市王益区人民政府办公室")
    repo.commit("rename")
    found = _all(repo)
    assert ("GM605", f"{UNIT}/unit.yaml") in found
    assert any("另一单位" in f.zh for f in repo.findings(codes="GM605"))


# -- one merge request = one request's chain ----------------------------------------------------
def test_new_account_active_without_its_chain(repo: Repo) -> None:
    _one_mr_opening(repo, STAGES[:3])
    repo.commit("province office missing")
    found = _all(repo)
    assert ("GM602", f"{NEW}/account.yaml") in found and ("GM202", f"{NEW}/account.yaml") in found


def test_status_back_to_active_without_applying_the_change(repo: Repo) -> None:
    _complete_bilibili_change(repo)
    repo.edit(f"{BILIBILI}/account.yaml", status="active")
    repo.commit("approved but not applied")
    found = repo.findings(codes="GM603")
    assert [f.path for f in found] == [f"{BILIBILI}/account.yaml"] and "照批准内容" in found[0].zh


def test_a_change_applied_with_other_values(repo: Repo) -> None:
    _complete_bilibili_change(repo)
    repo.edit(f"{BILIBILI}/account.yaml", status="active", positioning="另一种功能定位，未经批准。")
    repo.commit("applied differently")
    assert [c for c, _ in _all(repo)] == ["GM603"]


@pytest.mark.parametrize("field,value", [
    ("positioning", "提前写入的功能定位。"),
    ("undertaking", {"kind": "internal", "name": "另一个承办部门"}),
    ("interaction", {"comments": True, "messages": True, "private_messages": False}),
])
def test_pending_change_applied_before_its_approval(repo: Repo, field: str, value: Any) -> None:
    repo.edit(f"{BILIBILI}/account.yaml", **{field: value})
    repo.commit("applied early")
    assert ("GM603", f"{BILIBILI}/account.yaml") in _all(repo)


# -- approvals bind what they approve ------------------------------------------------------------
def test_request_rewritten_after_its_approval(repo: Repo) -> None:
    _one_mr_opening(repo)
    repo.commit("open")
    data = yaml.safe_load(repo.read(f"{OPEN}/request.yaml"))
    data["reason"] = "后来加上的理由"
    repo.write(f"{OPEN}/request.yaml", _dump(data))
    repo.commit("edit the request after the approvals")
    found = [p for c, p in _all(repo) if c == "GM207"]
    assert found == [f"{OPEN}/{stage}.yaml" for stage in sorted(s[0] for s in STAGES)]


def test_new_approval_without_digest(repo: Repo) -> None:
    repo.write(f"{KUAISHOU_OPEN}/city_office.yaml", approval(date(2026, 5, 30), "陈建国", "市政府办公室副主任",
                                                            "铜政办函〔2026〕505号"))
    repo.commit("no digest")
    assert _all(repo) == [("GM207", f"{KUAISHOU_OPEN}/city_office.yaml")]
    repo.write(f"{KUAISHOU_OPEN}/city_office.yaml", approval(
        date(2026, 5, 30), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕505号",
        digest_of(repo.root / KUAISHOU_OPEN / "request.yaml")))
    repo.commit("with digest")
    assert _all(repo) == []


def test_digest_is_of_the_content() -> None:
    assert request_digest({"a": 1, "b": "二"}) == request_digest({"b": "二", "a": 1})
    assert request_digest({"a": 1}) != request_digest({"a": 2})


def test_one_person_approves_several_stages(repo: Repo) -> None:
    _one_mr_opening(repo, (*STAGES[:2], ("city_office", date(2026, 5, 25), "刘晓明", "区政府办公室主任",
                                         "铜政办函〔2026〕501号"), STAGES[3]))
    repo.commit("one person, two stages")
    assert ("GM208", f"{OPEN}/city_office.yaml") in _all(repo)


def test_separation_exception_in_governance(make_register: Callable[..., Path]) -> None:
    root = make_register()
    gov = yaml.safe_load((root / "policies/governance.yaml").read_text(encoding="utf-8"))
    gov["shared_approver_stages"] = [["district_office", "city_office"]]
    (root / "policies/governance.yaml").write_text(_dump(gov), encoding="utf-8")
    repo = make_repo(root)
    _one_mr_opening(repo, (*STAGES[:2], ("city_office", date(2026, 5, 25), "刘晓明", "区政府办公室主任",
                                         "铜政办函〔2026〕501号"), STAGES[3]))
    repo.commit("allowed by governance")
    assert "GM208" not in [c for c, _ in _all(repo)]


def test_approvals_copied_from_another_accounts_request(repo: Repo) -> None:
    _one_mr_opening(repo)
    source = f"{UNIT}/weibo/requests"
    original = sorted(p.name for p in (repo.root / source).iterdir() if p.name.endswith("-open"))[0]
    for stage in ("city_office", "province_office"):
        repo.write(f"{OPEN}/{stage}.yaml", repo.read(f"{source}/{original}/{stage}.yaml"))
    repo.commit("copied decisions")
    found = _all(repo)
    assert ("GM606", f"{OPEN}/city_office.yaml") in found and ("GM606", f"{OPEN}/province_office.yaml") in found


def test_one_document_number_for_two_new_requests(repo: Repo) -> None:
    _one_mr_opening(repo)
    repo.approve(KUAISHOU_OPEN, "city_office", date(2026, 5, 30), "陈建国", "市政府办公室副主任",
                 "铜政办函〔2026〕501号")
    repo.commit("same 文号 twice")
    found = _all(repo)
    assert ("GM606", f"{OPEN}/city_office.yaml") in found and ("GM606", f"{KUAISHOU_OPEN}/city_office.yaml") in found


def test_opened_before_the_final_approval(repo: Repo) -> None:
    _one_mr_opening(repo)
    repo.edit(f"{NEW}/account.yaml", opened_on="2026-05-26")
    repo.commit("opened early")
    assert ("GM209", f"{NEW}/account.yaml") in _all(repo)


def test_announcement_added_now_but_dated_months_back(repo: Repo) -> None:
    _one_mr_opening(repo, announced="2026-03-01")
    repo.edit(f"{NEW}/account.yaml", opened_on="2026-05-30")
    repo.commit("back-dated announcement")
    found = _all(repo)
    assert ("GM607", "announcements/2026-03-01-wangyi-education-douyin-opening.md") in found


def test_base_governance_is_read_once_and_the_run_stays_narrow(repo: Repo) -> None:
    """The rules above read only the changed unit folders: the base snapshot of an opening holds one unit."""
    _one_mr_opening(repo)
    repo.commit("open")
    snap = gitbase.snapshot(repo.root, "main")
    assert snap.units == frozenset({"wangyi-education"})


def test_removing_a_policy_request_is_append_only(repo: Repo) -> None:
    folder = "policies/requests/2026-05-20-policy"
    repo.write(f"{folder}/request.yaml", _dump({
        "action": "policy", "submitted_on": "2026-05-20", "applicant": {"name": "王建平", "title": "区政府办公室主任"},
        "reason": "记录", "changes": {"policies/governance.yaml": "sha256:" + "0" * 64}}))
    repo.commit("a policy request")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "mr")
    repo.git("checkout", "-q", "mr")
    shutil.rmtree(repo.root / folder)
    repo.commit("remove it")
    assert ("GM601", f"{folder}/request.yaml") in _all(repo)


def test_govmedia_new_approval_fills_the_digest(repo: Repo) -> None:
    assert main(["new", "approval", "--yes", "--root", str(repo.root), "--today", "2026-06-01",
                 "--request", KUAISHOU_OPEN, "--decision", "approved", "--approver-name", "陈建国",
                 "--approver-title", "市政府办公室副主任", "--document-no", "铜政办函〔2026〕777号"]) == 0
    written = yaml.safe_load(repo.read(f"{KUAISHOU_OPEN}/city_office.yaml"))
    assert written["request_digest"] == digest_of(repo.root / KUAISHOU_OPEN / "request.yaml")
    repo.commit("city office approves with govmedia new approval")
    assert _all(repo) == []


def test_the_base_codeowners_judges_the_merge_request(repo: Repo) -> None:
    """GitHub enforces the target branch's CODEOWNERS: a merge request that repairs CODEOWNERS while adding a
    city approval is still reviewed under the base's file, which gives that approval to someone else."""
    good = repo.read(TARGET)
    repo.git("checkout", "-q", "main")
    repo.write(TARGET, good + "/accounts/wangyi-education/kuaishou/requests/*/city_office.yaml @evil\n")
    repo.commit("a bad line reaches main")
    repo.git("checkout", "-q", "mr")
    repo.git("reset", "-q", "--hard", "main")
    repo.write(TARGET, good)
    repo.approve(KUAISHOU_OPEN, "city_office", date(2026, 5, 30), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕778号")
    repo.commit("repair CODEOWNERS and approve in one go")
    found = [f for f in repo.findings(codes="GM604") if f.path == TARGET]
    assert found and all("@evil" in f.zh for f in found)
