"""``govmedia new`` judges its files with the rules of ``govmedia check``: it refuses what check refuses, with
check's code and words, and what it writes passes check. The form machinery works without a terminal
(staff/draft.py), choices accept the label they show, and the staff modules keep to their layer."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govmedia.cli import main
from govmedia.register.loader import load, with_files
from govmedia.staff.candidate import Checker
from govmedia.staff.draft import Draft, draft, draft_action, env_for, form_for
from govmedia.staff.fields import Field, choose, parse
from govmedia.staff.forms import ACTIONS, FORMS

from .conftest import BASE_TODAY, run_check

ROOT = Path(__file__).parent.parent
DOUYIN_ID = "MS4wLjABAAAAabcdefghijklmnopqrstuvwxyz"
WEIBO = {"unit": "huangbao-town", "platform": "weibo", "platform_id": "5012345678",
         "url": "https://weibo.com/u/5012345678", "positioning": "发布政务信息。", "overall": "镇办公室主任",
         "columns": ["政务栏目责任人"], "backup": "镇办公室副主任"}
# (what is wrong, the answers that differ from WEIBO, the code check gives, the answer it is about)
HOSTILE = [
    ("a second live account on a platform",
     {"platform": "douyin", "id": "douyin-2", "platform_id": DOUYIN_ID, "url": f"https://www.douyin.com/user/{DOUYIN_ID}"},
     "GM102", "platform"),
    ("a url on the wrong host", {"url": "https://weibo.example.com/u/5012345678"}, "GM107", "url"),
    ("an id that does not fit the platform", {"platform_id": "not-a-weibo-id"}, "GM107", "platform_id"),
    ("a handle another account holds",
     {"platform": "douyin", "id": "douyin-2",
      "platform_id": "MS4wLjABAAAAz_nm-t5Sweh4JgAXYcmBIaDd3Pow1VK8yMDZet0n",
      "url": "https://www.douyin.com/user/MS4wLjABAAAAz_nm-t5Sweh4JgAXYcmBIaDd3Pow1VK8yMDZet0n"},
     "GM101", "platform_id"),
    ("a malformed operator code", {"undertaking": "entrusted", "undertaking_name": "某传媒公司", "undertaking_uscc": "12345",
                                   "agreement_signed": "2026-01-01", "agreement_expires": "2027-12-31"},
     "GM406", "undertaking_uscc"),
    ("an update cycle longer than the district allows", {"update_cycle": 400}, "GM403", "update_cycle"),
    ("a name that impersonates another unit's account", {"name": "王益教育"}, "GM105", "name"),
]


@pytest.fixture
def reg(make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_register()
    monkeypatch.chdir(root)
    monkeypatch.delenv("GOVMEDIA_INTERACTIVE", raising=False)
    return root


def _draft(root: Path, kind: str, answers: dict[str, Any], lang: str = "zh") -> Draft:
    registry = load(root)
    env = env_for(registry, BASE_TODAY, lang)
    assert env is not None
    return draft(kind, answers, env, Checker(registry, BASE_TODAY))


def _write(root: Path, texts: dict[str, str]) -> None:
    for rel, content in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")


def _errors(root: Path) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.code) for f in run_check(root) if f.severity == "error"}


@pytest.mark.parametrize(("what", "change", "code", "field"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_new_refuses_what_check_refuses(reg: Path, capsys: pytest.CaptureFixture[str], what: str,
                                        change: dict[str, Any], code: str, field: str) -> None:
    answers = {**WEIBO, **change}
    result = _draft(reg, "account", answers)
    assert not result.ok and result.files is not None
    refused = [f for f in result.findings if f.code == code and f.severity == "error"]
    assert refused and {result.field_of(f) for f in refused} == {field}
    # The command says the same, with the flag of the answer, and writes nothing.
    argv = ["new", "account", "--yes", "--today", BASE_TODAY.isoformat()]
    for name, value in answers.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            argv += [FORMS["account"].field(name).flag, "否" if v is False else str(v)]
    before = sorted(p.relative_to(reg).as_posix() for p in (reg / "accounts").rglob("*"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    flag = FORMS["account"].field(field).flag
    assert f"{flag} {refused[0].path}:{refused[0].line}:{refused[0].column}: {code} {refused[0].zh}" in err
    assert sorted(p.relative_to(reg).as_posix() for p in (reg / "accounts").rglob("*")) == before
    # Written by hand, the same files fail govmedia check with the same code at the same place.
    clean = _errors(reg)
    _write(reg, result.files.texts)
    assert {(f.path, f.line, f.code) for f in refused} <= _errors(reg) - clean


def test_new_accepts_what_check_accepts(reg: Path) -> None:
    result = _draft(reg, "account", WEIBO)
    assert result.ok, (result.problems, result.missing, result.findings)
    assert result.files is not None and set(result.files.texts) == {
        "accounts/huangbao-town/weibo/account.yaml", "accounts/huangbao-town/weibo/requests/2026-06-01-open/request.yaml"}
    clean = _errors(reg)
    _write(reg, result.files.texts)
    assert _errors(reg) == clean


def test_request_refused_by_the_lifecycle_rule(reg: Path) -> None:
    """A change of an account that is not running: GM202 on the account.yaml the request would rewrite."""
    closed = next(ref for ref, a in load(reg).accounts.items() if a.record and a.record.model.status == "closed")
    result = _draft(reg, "request", {"account": closed, "action": "change", "reason": "统一名称。",
                                     "set": ["positioning=发布政务信息。"]})
    assert [f.code for f in result.findings if f.severity == "error"] == ["GM202"]
    assert result.field_of(result.findings[0]) == "action"


def test_draft_without_a_terminal(reg: Path) -> None:
    result = _draft(reg, "unit", {"id": "wangyi-sports", "name": "铜川市王益区体育运动中心", "short_name": "区体育中心",
                                  "uscc": "12610202MB12345679", "kind": "事业单位", "leader_name": "王强",
                                  "leader_title": "主任", "parent": "铜川市王益区人民政府办公室", "colour": "red"})
    assert [p.field for p in result.problems] == [None]  # the unknown answer "colour"
    assert "colour" in result.problems[0].message.zh
    result = _draft(reg, "unit", {"id": "wangyi-sports", "name": "铜川市王益区体育运动中心", "short_name": "区体育中心",
                                  "uscc": "12610202MB12345679", "kind": "事业单位", "leader_name": "王强",
                                  "leader_title": "主任", "parent": "铜川市王益区人民政府办公室"})
    assert result.ok, (result.problems, result.findings)
    assert result.values["kind"] == "public_institution"  # the label, as shown, names the choice
    assert result.values["parent"] == "wangyi-gov-office"
    assert result.values["reviewers"] == ["@wangyi-gov/wangyi-sports"]  # a default
    missing = _draft(reg, "unit", {"id": "wangyi-sports"})
    assert [f.name for f in missing.missing][:2] == ["name", "short_name"] and not missing.ok


def test_request_events_pick_their_form(reg: Path) -> None:
    assert form_for("open") == "account" and form_for("change") == "request" and form_for("close") == "request"
    assert all(form_for(a) == ("account" if s.new_account else "request") for a, s in ACTIONS.items())
    registry = load(reg)
    env = env_for(registry, BASE_TODAY)
    assert env is not None
    result = draft_action("close", {"account": "huangbao-town/douyin", "reason": "机构调整。"}, env,
                          Checker(registry, BASE_TODAY))
    assert result.ok, (result.problems, result.findings)
    assert result.files is not None and result.files.replaced == ["accounts/huangbao-town/douyin/account.yaml"]
    assert "status: closing" in result.files.texts["accounts/huangbao-town/douyin/account.yaml"]
    exit_ = draft_action("exit", {"account": "huangbao-town/douyin", "reason": "机构调整。"}, env,
                         Checker(registry, BASE_TODAY))
    assert {f.name for f in exit_.missing} == {"basis_title", "basis_no", "basis_date"}  # the action's own fields


def test_candidate_register_leaves_the_loaded_one_alone(reg: Path) -> None:
    registry = load(reg)
    units, accounts, findings = dict(registry.units), dict(registry.accounts), list(registry.findings)
    result = _draft(reg, "account", WEIBO)
    assert result.files is not None
    candidate = with_files(registry, {k: v.encode() for k, v in result.files.texts.items()})
    assert "huangbao-town/weibo" in candidate.accounts and "huangbao-town/weibo" not in registry.accounts
    assert registry.units == units and registry.accounts == accounts and registry.findings == findings
    with pytest.raises(ValueError):
        with_files(registry, {"policies/x.md": b""})


@pytest.mark.parametrize(("given", "numbered", "expected"), [
    ("public_institution", False, "public_institution"),
    ("事业单位", False, "public_institution"),
    (" 事业单位 ", False, "public_institution"),
    ("Public Institution", False, None),
    ("2", True, "public_institution"),
    ("2", False, None),
    ("9", True, None),
    ("事业", False, None),
])
def test_choice_by_label_id_or_number(given: str, numbered: bool, expected: str | None) -> None:
    choices = [("administrative_organ", "行政机关"), ("public_institution", "事业单位"), ("internal_body", "内设机构")]
    assert choose(given, choices, numbered) == expected
    english = [("administrative_organ", "administrative organ"), ("public_institution", "public institution")]
    if given == "Public Institution":  # the label shown with --lang en
        assert choose(given, english) == "public_institution"


def test_flags_and_prompts_accept_the_label(reg: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["new", "unit", "--yes", "--today", "2026-06-01", "--id", "wangyi-sports", "--name", "铜川市王益区体育运动中心",
            "--short-name", "区体育中心", "--uscc", "12610202MB12345679", "--kind", "事业单位",
            "--leader-name", "王强", "--leader-title", "主任"]
    assert main(argv) == 0
    unit = load(reg).units["wangyi-sports"].record
    assert unit is not None and unit.model.kind == "public_institution"
    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")
    answers = iter(["huangbao-town/douyin", "注销关停", "", "", "机构调整。", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["new", "request", "--today", "2026-06-01"]) == 0
    acc = load(reg).accounts["huangbao-town/douyin"]
    assert acc.record is not None and acc.record.model.status == "closing"
    assert "3) close  注销关停" in capsys.readouterr().out


def test_parse_is_only_about_typing() -> None:
    f = Field("d", "日期", "date", type="date")
    assert parse(f, "2026-02-30")[1] is not None and parse(f, "2026-02-28") == ("2026-02-28", None)
    assert parse(Field("b", "是否", "whether", type="bool"), "开启") == (True, None)
    assert parse(Field("l", "列表", "list", type="list"), "甲，乙、丙") == (["甲", "乙", "丙"], None)


STAFF = ["staff/fields.py", "staff/forms.py", "staff/scaffold.py", "staff/draft.py", "staff/candidate.py",
         "staff/prompt.py", "staff/steps.py", "commands/new.py", "findings/message.py"]


@pytest.mark.parametrize("rel", STAFF)
def test_staff_modules_are_small_and_layered(rel: str) -> None:
    path = ROOT / "govmedia" / rel
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 600
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert (node.end_lineno or 0) - node.lineno + 1 <= 100, node.name
        if not rel.startswith("commands/") and isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith(("govmedia.cli", "govmedia.commands")), node.module
    if not rel.startswith("commands/"):
        for name in ("GM102", "GM107", "LIVE_STATUSES", "urlsplit", "uscc_well_formed", "host_in", "id_regex"):
            assert name not in source or (rel == "staff/forms.py" and name == "LIVE_STATUSES"), (rel, name)


def test_no_library_module_imports_the_cli() -> None:
    for path in (ROOT / "govmedia").rglob("*.py"):
        rel = path.relative_to(ROOT / "govmedia").as_posix()
        if rel == "cli.py" or rel.startswith("commands/") or rel == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("govmedia.cli", "govmedia.commands")), (rel, node.module)



HOSTILE_ANSWERS = [
    ("unit", {"id": "../../outside"}),
    ("unit", {"id": "a/b"}),
    ("unit", {"id": "x" * 5000}),
    ("unit", {"name": "铜川\x00市", "id": "nul-unit"}),
    ("unit", {"name": "a\u202eb", "id": "bidi-unit"}),
    ("unit", {"kind": "9"}),
    ("account", {**WEIBO, "url": "https://[x"}),
    ("account", {**WEIBO, "platform_id": "5012345678\udcff"}),
    ("account", {**WEIBO, "positioning": "x" * 300_000}),
    ("account", {**WEIBO, "update_cycle": "9" * 40}),
    ("request", {"account": "../../../etc", "action": "close", "reason": "x"}),
    ("request", {"account": "huangbao-town/douyin", "action": "change", "reason": "x",
                 "set": ["operations." + "a." * 3000 + "b=1", "=", "name"]}),
    ("approval", {"request": "/etc", "decision": "approved", "approver_name": "a", "approver_title": "b"}),
    ("announcement", {"kind": "opening", "account": ["huangbao-town/douyin"], "slug": "../x"}),
    ("announcement", {"kind": "opening", "account": ["no/such", "<script>"], "date": "2026-13-01"}),
]


@pytest.mark.parametrize(("kind", "answers"), HOSTILE_ANSWERS)
def test_hostile_answers_are_refused_not_crashed(reg: Path, kind: str, answers: dict[str, Any]) -> None:
    base = {"name": "铜川市王益区体育运动中心", "short_name": "区体育中心", "uscc": "12610202MB12345679",
            "kind": "public_institution", "leader_name": "王强", "leader_title": "主任"} if kind == "unit" else {}
    result = _draft(reg, kind, {**base, **answers})
    assert not result.ok or all("\x00" not in t and ".." not in rel for rel, t in (result.files.texts.items() if result.files else []))
    for finding in result.findings:
        assert finding.zh and finding.en
    assert not (reg.parent / "outside").exists() and not (reg / "accounts" / "a").exists()
