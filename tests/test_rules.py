"""The 细则 rules GM101–GM406 on whole registers: one injected violation per rule in a 500-account
register is reported exactly, the clean register reports nothing, chains come from YAML only, and
legitimate names and data stay clean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from govmedia.dialect.textfold import skeleton
from govmedia.findings.codes import CODES
from govmedia.rules.identity import disguise, host_fits

from .casefile import Case, apply
from .conftest import run_check

RULE_CODES = sorted(c for c in CODES if c[2] in "1234")


def _apply(root: Path, spec: dict[str, Any]) -> None:
    apply(Case(root / "inline.yaml", spec), root)


def _status(root: Path, ref: str) -> str:
    data = yaml.safe_load((root / "accounts" / ref / "account.yaml").read_text(encoding="utf-8"))
    status: str = data["status"]
    return status


def _active(root: Path, unit: str) -> str:
    """The first active account of a unit."""
    for folder in sorted((root / "accounts" / unit).iterdir()):
        if folder.is_dir() and _status(root, f"{unit}/{folder.name}") == "active":
            return f"{unit}/{folder.name}"
    raise AssertionError(f"{unit} has no active account")


def _folder(root: Path, ref: str, action: str) -> str:
    found = sorted((root / "accounts" / ref / "requests").glob(f"*-{action}"))
    assert found, f"{ref} has no {action} request"
    return found[-1].relative_to(root).as_posix()


def _announcement_of(root: Path, ref: str) -> tuple[str, list[str]]:
    for path in sorted((root / "announcements").glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if front["kind"] == "opening" and ref in front["accounts"]:
            return path.relative_to(root).as_posix(), front["accounts"]
    raise AssertionError(f"no opening announcement names {ref}")


APPROVAL = ("decision: approved\ndecided_on: {day}\n"
            "approver: {{name: 陈建国, title: 市政府办公室副主任}}\n{extra}")


def inject_all(root: Path) -> set[tuple[str, str]]:
    """Inject one violation of every rule GM101–GM406 (GM207–GM209 too); return the (code, path) findings expected."""
    expected: set[tuple[str, str]] = set()
    acc = "accounts/{}/account.yaml".format

    # GM101: huangbao's official account registers the district office's original id.
    gov_wechat = yaml.safe_load((root / acc("wangyi-gov-office/wechat-official")).read_text(encoding="utf-8"))
    _apply(root, {"set": {acc("huangbao-town/wechat-official"): {"platform_id": gov_wechat["platform_id"]}}})
    expected |= {("GM101", acc("huangbao-town/wechat-official")),
                 ("GM101", acc("wangyi-gov-office/wechat-official"))}

    # GM102: the education bureau's application moves onto Weibo, where it already has an account.
    _apply(root, {"set": {acc("wangyi-education/kuaishou"): {
        "platform": "weibo", "platform_id": "5710293846", "url": "https://weibo.com/u/5710293846",
        "aliases": []}}})  # its handle is the weibo account's too (GM101): one violation here
    expected |= {("GM102", acc("wangyi-education/kuaishou")), ("GM102", acc("wangyi-education/weibo"))}

    # GM103 (warning): another name on one platform.
    _apply(root, {"set": {acc("wangyi-gov-office/weibo"): {"name": "王益区政府发布"}}})
    expected.add(("GM103", acc("wangyi-gov-office/weibo")))

    # GM104: verified under another subject.
    _apply(root, {"set": {acc("wangyi-health/wechat-official"): {"verification.subject": "王益区卫健委"}}})
    expected.add(("GM104", acc("wangyi-health/wechat-official")))

    # GM105: a synthetic unit renames all its accounts to the traditional form of 「王益发布」.
    unit = "demo-unit-00020"
    for account_dir in sorted((root / "accounts" / unit).iterdir()):
        if account_dir.is_dir():
            ref = f"{unit}/{account_dir.name}"
            _apply(root, {"set": {acc(ref): {"name": "王益發佈"}}})
            if _status(root, ref) not in ("rejected", "closed", "exited"):
                expected.add(("GM105", acc(ref)))

    # GM107: a look-alike host.
    _apply(root, {"set": {acc("wangyi-market-regulation/wechat-official"): {
        "url": "https://mp.weixin.qq.com.gambling.cc/s/abc"}}})
    expected.add(("GM107", acc("wangyi-market-regulation/wechat-official")))

    # GM108 (warning): an existing account recorded from a ledger with its name and platform only.
    folder = "accounts/wangyi-education/toutiao"
    _apply(root, {"files": {
        f"{folder}/account.yaml": "name: 王益教育\nplatform: toutiao\nstatus: active\n",
        f"{folder}/requests/2026-05-01-register/request.yaml": (
            "action: register\nsubmitted_on: 2026-05-01\napplicant: {name: 原台账记载, title: 区政府办公室}\n"
            "reason: 依据原台账导入\nrecorded_status: active\n"),
        f"{folder}/requests/2026-05-01-register/district_office.yaml": APPROVAL.format(day="2026-05-02", extra=""),
    }})
    expected.add(("GM108", acc("wangyi-education/toutiao")))

    # GM109: a new account without its positioning.
    ref = _active(root, "demo-unit-00009")
    _apply(root, {"unset": {acc(ref): ["positioning"]}})
    expected.add(("GM109", acc(ref)))

    # GM201: a synthetic application skips the unit head.
    folder = _folder(root, "demo-unit-00008/toutiao", "open")
    _apply(root, {"remove": [f"{folder}/unit_head.yaml"]})
    expected.add(("GM201", f"{folder}/district_office.yaml"))

    # GM202: declared closed before any decision on the close request.
    _apply(root, {"set": {acc("wangyi-market-regulation/toutiao"): {"status": "closed"}}})
    expected.add(("GM202", acc("wangyi-market-regulation/toutiao")))

    # GM203: a decision before the submission.
    folder = _folder(root, "wangyi-education/weibo", "open")
    _apply(root, {"set": {f"{folder}/unit_head.yaml": {"decided_on": "2020-01-01"}}})
    expected.add(("GM203", f"{folder}/unit_head.yaml"))

    # GM204: an approval after the district office's rejection.
    folder = _folder(root, "wangyi-culture-tourism/wechat-channels", "open")
    _apply(root, {"files": {f"{folder}/city_office.yaml": APPROVAL.format(
        day="2026-04-20", extra="document_no: 铜政办函〔2026〕9号\n")}})
    expected.add(("GM204", f"{folder}/city_office.yaml"))

    # GM205: the city's approval without 文号.
    folder = _folder(root, "wangyi-gov-office/douyin", "open")
    _apply(root, {"unset": {f"{folder}/city_office.yaml": ["document_no"]}})
    expected.add(("GM205", f"{folder}/city_office.yaml"))

    # GM206: a unit-head approval in a change request.
    folder = _folder(root, "wangyi-culture-tourism/bilibili", "change")
    _apply(root, {"files": {f"{folder}/unit_head.yaml": APPROVAL.format(day=folder.rsplit("/", 1)[1][:10], extra="")}})
    expected.add(("GM206", f"{folder}/unit_head.yaml"))

    # GM207: an approved open request rewritten afterwards: every decision on it no longer holds.
    folder = _folder(root, "wangyi-culture-tourism/xiaohongshu", "open")
    _apply(root, {"set": {f"{folder}/request.yaml": {"reason": "审批之后补写的理由"}}})
    expected |= {("GM207", p.relative_to(root).as_posix()) for p in (root / folder).glob("*.yaml")
                 if p.name != "request.yaml"}

    # GM208: the district office's director also signs as the city office.
    folder = _folder(root, "wangyi-culture-tourism/douyin", "open")
    _apply(root, {"set": {f"{folder}/city_office.yaml": {"approver.name": "刘晓明"}}})
    expected.add(("GM208", f"{folder}/city_office.yaml"))

    # GM209: opened long before its final approval.
    _apply(root, {"set": {acc("wangyi-data-center/wechat-official"): {"opened_on": "2000-01-01"}}})
    expected.add(("GM209", acc("wangyi-data-center/wechat-official")))

    # GM301: an active account loses its opening announcement.
    ref = _active(root, "demo-unit-00005")
    path, refs = _announcement_of(root, ref)
    if refs == [ref]:
        _apply(root, {"remove": [path]})
    else:
        _apply(root, {"set": {path: {"accounts": [r for r in refs if r != ref]}}})
    expected.add(("GM301", acc(ref)))

    # GM302: an announcement taken down the day it was published.
    path, _ = _announcement_of(root, "wangyi-health/mini-program")
    _apply(root, {"set": {path: {"display_until": path.split("/")[1][:10]}}})
    expected.add(("GM302", path))

    # GM303: an opening announcement for an account still waiting for approval.
    text = ("---\ntitle: 关于「示例一六号发布」今日头条账号开通的公告\nkind: opening\n"
            "accounts: [demo-unit-00016/toutiao]\n"
            "published_on: 2026-05-30\ndisplay_until: 2026-07-15\n---\n\n示例单位今日头条账号开通，现予公告"
            "。\n")
    _apply(root, {"files": {"announcements/2026-05-30-demo-unit-00016-toutiao-opening.md": text}})
    expected.add(("GM303", "announcements/2026-05-30-demo-unit-00016-toutiao-opening.md"))

    # GM304: an announcement about an account that is not registered.
    text = ("---\ntitle: 关于「王益教育」抖音账号注销关停的公告\nkind: close\n"
            "accounts: [wangyi-education/douyin]\n"
            "published_on: 2026-05-28\ndisplay_until: 2026-07-10\n---\n\n区教育局抖音账号注销关停。\n")
    _apply(root, {"files": {"announcements/2026-05-28-wangyi-education-douyin-close.md": text}})
    expected.add(("GM304", "announcements/2026-05-28-wangyi-education-douyin-close.md"))

    # GM401: an entrusted synthetic account whose agreement expired.
    ref = "demo-unit-00003/bilibili"
    _apply(root, {"set": {acc(ref): {"undertaking.agreement.expires_on": "2026-05-01"}}})
    expected.add(("GM401", acc(ref)))

    # GM402: comments switched off.
    _apply(root, {"set": {acc("huangbao-town/douyin"): {"interaction.comments": False}}})
    expected.add(("GM402", acc("huangbao-town/douyin")))

    # GM403: a three-week update cycle.
    ref = _active(root, "demo-unit-00006")
    _apply(root, {"set": {acc(ref): {"operations.update_cycle_days": 21}}})
    expected.add(("GM403", acc(ref)))

    # GM404: no backup.
    ref = _active(root, "demo-unit-00007")
    _apply(root, {"unset": {acc(ref): ["operations.responsible.backup"]}})
    expected.add(("GM404", acc(ref)))

    # GM405: the app without ICP filing.
    _apply(root, {"unset": {acc("wangyi-data-center/app"): ["app.icp_filing"]}})
    expected.add(("GM405", acc("wangyi-data-center/app")))

    # GM406: a malformed code.
    _apply(root, {"set": {"accounts/wangyi-investment-center/unit.yaml": {"uscc": "12610202MB2957403"}}})
    expected.add(("GM406", "accounts/wangyi-investment-center/unit.yaml"))
    return expected


def test_clean_500_register_reports_nothing(make_register: Callable[..., Path]) -> None:
    root = make_register(500)
    assert [f"{f.path}:{f.line} {f.code} {f.en}" for f in run_check(root)] == []


def test_one_violation_of_each_rule(make_register: Callable[..., Path]) -> None:
    root = make_register(500)
    expected = inject_all(root)
    assert {code for code, _ in expected} == set(RULE_CODES)
    findings = run_check(root)
    got = {(f.code, f.path) for f in findings}
    shown = "\n".join(f"{f.path}:{f.line} {f.code} {f.en}" for f in findings)
    assert got == expected, shown
    assert all(f.line >= 1 and f.zh and f.en for f in findings)
    # Every message names its record and cites the article of the code.
    for f in findings:
        article = CODES[f.code].article
        assert not article or article in f.zh, f.zh


def _all_request_folders(root: Path, action: str) -> list[Path]:
    return sorted(root.glob(f"accounts/*/*/requests/*-{action}"))


def test_another_districts_chain_is_yaml_only(make_register: Callable[..., Path]) -> None:
    """A district whose opening chain is unit_head → district_office changes governance.yaml only."""
    root = make_register()
    gov = root / "policies/governance.yaml"
    gov.write_text(gov.read_text(encoding="utf-8").replace(
        "open: [unit_head, district_office, city_office, province_office]", "open: [unit_head, district_off"
        "ice]"),
        encoding="utf-8")
    # Its register has no city or province decisions on openings.
    for folder in _all_request_folders(root, "open"):
        for stage in ("city_office", "province_office"):
            (folder / f"{stage}.yaml").unlink(missing_ok=True)
    # The pending application now waits at the district office.
    for folder in (root / "accounts/wangyi-education/kuaishou/requests").glob("*-open"):
        (folder / "district_office.yaml").unlink()
    assert run_check(root) == []
    # The same register under the Wangyi chain: every opened account lacks its city approval.
    gov.write_text(gov.read_text(encoding="utf-8").replace(
        "open: [unit_head, district_office]", "open: [unit_head, district_office, city_office, province_off"
        "ice]"),
        encoding="utf-8")
    codes = {f.code for f in run_check(root)}
    assert "GM202" in codes


def test_rules_silent_without_governance(make_register: Callable[..., Path]) -> None:
    root = make_register()
    gov = root / "policies/governance.yaml"
    gov.write_text(gov.read_text(encoding="utf-8").replace("chains:", "chainz:"), encoding="utf-8")
    findings = run_check(root)
    assert findings, "the broken governance.yaml itself is reported"
    assert {f.path for f in findings} == {"policies/governance.yaml"}


@pytest.mark.parametrize("name", [
    "王益区黄堡镇", "黄堡镇人民政府", "黄堡发布", "王益区卫健", "王益区教育局", "王益区文化旅游", "健康黄堡",
    "王益区市场监督管理局", "王益融媒", "王益人社", "平安王益", "王益检察", "王益区政务服务", "王益区税务",
])
def test_realistic_names_do_not_collide(make_register: Callable[..., Path], name: str) -> None:
    """Other units' real-looking names that share 王益 or a word stay clean (GM105 precision)."""
    root = make_register()
    _apply(root, {"set": {"accounts/huangbao-town/wechat-official/account.yaml": {"name": name},
                          "accounts/huangbao-town/douyin/account.yaml": {"name": name}}})
    assert [f"{f.code} {f.en}" for f in run_check(root)] == []


@pytest.mark.parametrize("disguised", [
    "王益發佈", "王益 发布", "王益·发布", "王益\u3000发布", "「王益发布」", "王益发布官方", "王益发布服务号",
])
def test_impersonation_is_caught(make_register: Callable[..., Path], disguised: str) -> None:
    root = make_register()
    _apply(root, {"set": {"accounts/huangbao-town/wechat-official/account.yaml": {"name": disguised},
                          "accounts/huangbao-town/douyin/account.yaml": {"name": disguised}}})
    findings = run_check(root)
    assert {(f.code, f.path) for f in findings} == {
        ("GM105", "accounts/huangbao-town/wechat-official/account.yaml"),
        ("GM105", "accounts/huangbao-town/douyin/account.yaml")}
    assert all("wangyi-gov-office/" in f.zh for f in findings), "the message names the impersonated account"


def test_disguise_and_skeleton() -> None:
    assert skeleton("ｉ王益") == skeleton("i王益") == skeleton("\u0456王益")
    assert disguise("王益发布") == 0 and disguise("i王益") == 0
    assert disguise("王益發佈") > 0 and disguise("\u0456王益") > 0 and disguise("ｉ王益") > 0


@pytest.mark.parametrize(("host", "fits"), [
    ("weibo.com", True), ("www.weibo.com", True), ("m.weibo.cn", False), ("evilweibo.com", False),
    ("weibo.com.cn", False), ("weibo.com.gambling.cc", False), ("", False),
])
def test_host_fits(host: str, fits: bool) -> None:
    assert host_fits(host, ["weibo.com"]) is fits


def test_rules_read_only_the_registry(make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Load once, check many: with file access switched off, every rule still runs on the loaded register."""
    import builtins
    from datetime import date

    from govmedia.register.context import Context
    from govmedia.register.loader import load
    from govmedia.rules import all_rules

    root = make_register()
    _apply(root, {"set": {"accounts/huangbao-town/douyin/account.yaml": {"name": "王益發佈"}}})
    reg = load(root)
    skeleton("预热")  # the folding tables are library data, loaded once

    def no_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("a rule read a file")

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(Path, "read_text", no_files)
    monkeypatch.setattr(Path, "read_bytes", no_files)
    ctx = Context(root=root, today=date(2026, 6, 1))
    found = [f for rule in all_rules() if rule.__module__.rsplit(".", 1)[1] in
             ("identity", "chains", "announcements", "operations") for f in rule(reg, ctx)]
    assert {f.code for f in found} == {"GM103", "GM105"}


def test_uscc_check_digit_on_real_codes() -> None:
    """Real, published codes pass GB 32100's check; one changed character fails."""
    from govmedia.dialect.identifiers import uscc_check_ok

    for code in ("11610429016021738F", "11331002002673575G", "11441700007280420Y"):
        assert uscc_check_ok(code)
    assert not uscc_check_ok("11610429016021738G")
    assert not uscc_check_ok("1161042901602173")


def test_id_patterns_are_re2_whose_shorthand_classes_are_ascii() -> None:
    """What the comment above ``platforms`` in governance.yaml tells a district: \\w matches no Chinese
    character under RE2 (it would under Python's re); \\p{Han} does. A pattern that backtracks cannot hang."""
    from govmedia.schemas.governance import id_regex

    assert id_regex(r"^\w+$").fullmatch("wangyi_01") and not id_regex(r"^\w+$").fullmatch("王益区")
    assert id_regex(r"^[\p{Han}0-9]{2,20}$").fullmatch("王益区12")
    assert not id_regex(r"^(a+)+$").fullmatch("a" * 5000 + "b")  # linear time: returns at once
    text = Path(__file__).resolve().parents[1].joinpath("policies", "governance.yaml").read_text(encoding="utf-8")
    assert r"\p{Han}" in text and r"\w" in text
