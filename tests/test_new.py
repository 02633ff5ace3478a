"""``govmedia new``: flags for scripts, prompts for people, valid files in place, never an overwrite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from govmedia.cli import main
from govmedia.register.loader import load

from .conftest import run_check

T = ["--today", "2026-06-01"]
UNIT = [
    "new",
    "unit",
    "--yes",
    *T,
    "--id",
    "wangyi-sports",
    "--name",
    "铜川市王益区体育运动中心",
    "--short-name",
    "区体育中心",
    "--uscc",
    "12610202MB12345679",
    "--kind",
    "public_institution",
    "--parent",
    "wangyi-gov-office",
    "--leader-name",
    "王强",
    "--leader-title",
    "主任",
]
DOUYIN_ID = "MS4wLjABAAAAabcdefghijklmnopqrstuvwxyz"
ACCOUNT = [
    "new",
    "account",
    "--yes",
    *T,
    "--unit",
    "wangyi-sports",
    "--platform",
    "douyin",
    "--name",
    "王益体育",
    "--platform-id",
    DOUYIN_ID,
    "--url",
    f"https://www.douyin.com/user/{DOUYIN_ID}",
    "--positioning",
    "发布全民健身和体育赛事信息。",
    "--overall",
    "中心主任",
    "--columns",
    "赛事栏目责任人,健身栏目责任人",
    "--backup",
    "中心副主任",
]
OPEN = "accounts/wangyi-sports/douyin/requests/2026-06-01-open"


@pytest.fixture
def reg(make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = make_register()
    monkeypatch.chdir(root)
    monkeypatch.delenv("GOVMEDIA_INTERACTIVE", raising=False)
    yield root


def errors(root: Path) -> list[str]:
    return [f"{f.path}:{f.line} {f.code} {f.en}" for f in run_check(root) if f.severity == "error"]


def test_unit_and_account_from_flags(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(UNIT) == 0
    assert main(ACCOUNT) == 0
    out = capsys.readouterr().out
    assert "下一步" in out and f"git add accounts/wangyi-sports/douyin/account.yaml {OPEN}/request.yaml" in out
    unit_text = (reg / "accounts/wangyi-sports/unit.yaml").read_text(encoding="utf-8")
    assert unit_text.startswith("# yaml-language-server: $schema=../../schemas/json/unit.schema.json\n")
    account_text = (reg / "accounts/wangyi-sports/douyin/account.yaml").read_text(encoding="utf-8")
    assert account_text.startswith("# yaml-language-server: $schema=../../../schemas/json/account.schema.json\n")
    assert (
        (reg / f"{OPEN}/request.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../../../../../schemas/json/request.schema.json\n")
    )
    registry = load(reg)
    acc = registry.accounts["wangyi-sports/douyin"]
    assert acc.record is not None and acc.record.model.status == "applying"
    m = acc.record.model
    assert m.verification is not None and m.verification.subject == "铜川市王益区体育运动中心"
    assert m.operations is not None and m.operations.responsible.columns == ["赛事栏目责任人", "健身栏目责任人"]
    assert errors(reg) == []


def test_missing_flags_are_listed_in_chinese(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "account", "--yes", *T, "--unit", "wangyi-sports"]) == 2
    err = capsys.readouterr().err
    assert "--unit wangyi-sports：单位 wangyi-sports 不在名录中：请先运行 govmedia new unit" in err
    assert main(["new", "account", "--yes", *T, "--unit", "huangbao-town"]) == 2
    err = capsys.readouterr().err
    assert "缺少以下必填项" in err
    for flag in ("--platform", "--platform-id", "--url", "--positioning", "--overall"):
        assert flag in err
    assert "微信公众号" in err  # the choices are listed with their labels
    assert "没有写入任何文件" in err
    assert not (reg / "accounts/huangbao-town/wechat-official/requests").joinpath("2026-06-01-open").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        # what govmedia check would say about the written file, with its code
        ("--platform-id", "not-a-douyin-id", "--platform-id accounts/wangyi-sports/douyin/account.yaml:4:1: GM107"),
        ("--platform-id", "MS4wLjABAAAA\udcff", "GM002"),  # a byte that is not UTF-8: the file could not be read
        ("--url", "https://evil.example.com/x", "GM107 账号 wangyi-sports/douyin「王益体育」 的网址域名 “evil.example.com” 不属于抖音"),
        ("--url", "http://www.douyin.com/user/x", "--url http://www.douyin.com/user/x：GM010 账号信息“url” 的格式不对"),
        ("--update-cycle", "seven", "请填写一个整数"),
        ("--comments", "maybe", "请回答 是 或 否"),
        ("--platform", "myspace", "平台应为以下之一"),
    ],
)
def test_invalid_flag_values(
    reg: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    assert main(UNIT) == 0
    argv = list(ACCOUNT)
    if flag in argv:
        argv[argv.index(flag) + 1] = value
    else:
        argv += [flag, value]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (reg / "accounts/wangyi-sports/douyin").exists()


def test_never_overwrites(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (reg / "accounts/huangbao-town/unit.yaml").read_bytes()
    argv = [*UNIT]
    argv[argv.index("wangyi-sports")] = "huangbao-town"
    assert main(argv) == 2
    assert "--id huangbao-town：这些文件已经存在" in capsys.readouterr().err
    assert (reg / "accounts/huangbao-town/unit.yaml").read_bytes() == before


def test_full_open_chain_then_announcement(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(UNIT) == 0 and main(ACCOUNT) == 0
    ask = ["new", "approval", "--yes", *T, "--request", OPEN, "--decision", "approved"]
    # The next pending stage is unit_head: district_office may not decide first.
    assert main([*ask, "--stage", "district_office", "--approver-name", "刘晓明", "--approver-title", "主任"]) == 2
    err = capsys.readouterr().err
    assert "--stage accounts/wangyi-sports/douyin/requests/2026-06-01-open/district_office.yaml:2:1: GM201" in err
    assert "前一环节“本单位主要负责同志”尚无审批文件" in err
    assert main([*ask, "--approver-name", "王强", "--approver-title", "主任"]) == 0
    assert main([*ask, "--approver-name", "刘晓明", "--approver-title", "区政府办公室主任"]) == 0
    # city_office requires an official document number.
    assert main([*ask, "--approver-name", "陈建国", "--approver-title", "副主任"]) == 2
    assert "--document-no" in capsys.readouterr().err
    assert (
        main(
            [
                *ask,
                "--approver-name",
                "陈建国",
                "--approver-title",
                "副主任",
                "--document-no",
                "铜政办函〔2026〕12号",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *ask,
                "--approver-name",
                "赵文华",
                "--approver-title",
                "主任",
                "--document-no",
                "陕政办函〔2026〕34号",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "这是最后一级审批" in out and "govmedia new announcement --kind opening --account wangyi-sports/douyin" in out
    )
    assert main([*ask, "--approver-name", "x", "--approver-title", "y"]) == 2
    assert "已经全部批准" in capsys.readouterr().err
    # Follow the printed next step: status active with opened_on, then the announcement.
    path = reg / "accounts/wangyi-sports/douyin/account.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: applying", "status: active\nopened_on: '2026-06-01'"),
        encoding="utf-8",
    )
    assert main(["new", "announcement", "--yes", *T, "--kind", "opening", "--account", "wangyi-sports/douyin"]) == 0
    text = (reg / "announcements/2026-06-01-wangyi-sports-douyin-opening.md").read_text(encoding="utf-8")
    assert "title: 关于「王益体育」政务新媒体账号开通的公告" in text and "display_until: '2026-07-01'" in text
    assert errors(reg) == []


def test_change_request_fills_changes(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "new",
        "request",
        "--yes",
        *T,
        "--account",
        "huangbao-town/douyin",
        "--action",
        "change",
        "--reason",
        "与其他平台统一名称（第九条）。",
    ]
    assert main([*base, "--set", "status=closed"]) == 2
    err = capsys.readouterr().err
    assert "--set accounts/huangbao-town/douyin/requests/2026-06-01-change/request.yaml" in err
    assert "GM010 申请“changes”：changes 中的字段不能变更：status" in err
    assert main([*base, "--set", "url=https://evil.example.com/"]) == 2
    err = capsys.readouterr().err
    assert "--set accounts/huangbao-town/douyin/account.yaml" in err and "GM107 变更后的" in err
    assert "网址域名 “evil.example.com” 不属于抖音" in err
    assert main([*base, "--set", "name=黄堡发布", "--set", "operations.update_cycle_days=3"]) == 0
    registry = load(reg)
    acc = registry.accounts["huangbao-town/douyin"]
    assert acc.record is not None and acc.record.model.status == "changing"
    req = acc.requests[-1].request
    assert req is not None and req.model.changes is not None
    assert req.model.changes["name"] == "黄堡发布"
    assert req.model.changes["operations"]["update_cycle_days"] == 3
    assert req.model.changes["operations"]["responsible"]["overall"] == "黄堡镇办公室主任"
    assert errors(reg) == []


def test_exit_request_needs_basis_document(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "new",
        "request",
        "--yes",
        *T,
        "--account",
        "huangbao-town/wechat-official",
        "--action",
        "exit",
        "--reason",
        "机构改革。",
    ]
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "--basis-title" in err and "--basis-no" in err and "--basis-date" in err
    assert (
        main(
            [
                *base,
                "--basis-title",
                "关于调整机构职能的批复",
                "--basis-no",
                "王编发〔2026〕3号",
                "--basis-date",
                "2026-05-20",
            ]
        )
        == 0
    )
    assert errors(reg) == []


def test_register_an_existing_account_from_flags(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """存量登记 with the account form: the state it is in (required), the day it ended when known, no dossier
    asked or invented; the candidate passes the check (what is to complete is a GM108 warning)."""
    base = ["new", "account", "--yes", *T, "--unit", "huangbao-town", "--action", "register", "--platform", "xiaohongshu",
            "--name", "黄堡发布", "--recorded-status", "closed", "--applicant-name", "赵文", "--applicant-title", "镇长"]
    without_state = [a for a in base if a not in ("--recorded-status", "closed")]
    assert main(without_state) == 2
    assert "--recorded-status" in capsys.readouterr().err
    assert main([*base, "--ended-on", "2023-06-30"]) == 0
    folder = reg / "accounts/huangbao-town/xiaohongshu"
    (request,) = folder.glob("requests/*-register/request.yaml")
    doc = yaml.safe_load(request.read_text(encoding="utf-8"))
    assert (doc["action"], doc["recorded_status"], doc["ended_on"]) == ("register", "closed", "2023-06-30")
    account = yaml.safe_load((folder / "account.yaml").read_text(encoding="utf-8"))
    assert not {"verification", "undertaking", "interaction", "operations", "url"} & account.keys()
    assert errors(reg) == []


def test_interactive_reasks_until_valid(
    reg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")
    answers = iter(
        [
            "Wangyi Sports!",  # invalid id: re-asked
            "wangyi-sports",
            "铜川市王益区体育运动中心",
            "区体育中心",
            "12610202MB12345679",
            "9",
            "2",  # kind: 9 is not a choice, 2 = public_institution
            "",  # parent: none
            "",  # division code: default from governance.yaml
            "王强",
            "主任",
            "",  # reviewers: default @wangyi-gov/wangyi-sports
        ]
    )
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["new", "unit", *T]) == 0
    out = capsys.readouterr().out
    assert "✗ GM020 单位目录名 “Wangyi Sports!” 不合规" in out
    assert "✗ 单位性质应为以下之一" in out
    assert "2) public_institution  事业单位" in out
    registry = load(reg)
    unit = registry.units["wangyi-sports"].record
    assert unit is not None and unit.model.kind == "public_institution" and unit.model.parent is None
    assert unit.model.reviewers == ["@wangyi-gov/wangyi-sports"]


def test_interactive_end_of_input_writes_nothing(
    reg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")

    def eof(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert main(["new", "unit", *T, "--id", "wangyi-sports"]) == 2
    err = capsys.readouterr().err
    assert "输入结束" in err and err.count("没有写入任何文件") == 1
    assert not (reg / "accounts/wangyi-sports").exists()


def test_interactive_subprocess(reg: Path) -> None:
    """A real process fed on stdin: the account prompts, with a wrong platform id retyped."""
    assert main(UNIT) == 0
    answers = (
        "\n".join(
            [
                "wangyi-sports",
                "",  # what is requested: the default, an opening
                "douyin",
                "",
                "王益体育",
                "wrong-id",  # refused by GM107 once every answer is in: asked again at the end
                f"https://www.douyin.com/user/{DOUYIN_ID}",
                "发布全民健身信息。",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "中心主任",
                "赛事栏目责任人、健身栏目责任人",
                "中心副主任",
                "",
                "",
                "",
                "",
                DOUYIN_ID,
            ]
        )
        + "\n"
    )
    env = {**os.environ, "GOVMEDIA_INTERACTIVE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "govmedia", "new", "account", *T],
        input=answers,
        text=True,
        capture_output=True,
        cwd=reg,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✗ GM107 账号 wangyi-sports/douyin「王益体育」 的账号 ID “wrong-id” 不符合抖音的格式" in proc.stdout
    assert (reg / f"{OPEN}/request.yaml").is_file()
    assert errors(reg) == []


def test_interactive_change_request_asks_for_edits(
    reg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")
    answers = iter(["huangbao-town/douyin", "1", "", "", "统一名称（第九条）。", "", "name=黄堡发布", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["new", "request", *T]) == 0
    assert "1) change  变更" in capsys.readouterr().out
    acc = load(reg).accounts["huangbao-town/douyin"]
    req = acc.requests[-1].request
    assert req is not None and req.model.changes == {"name": "黄堡发布"}
    assert req.model.applicant.name == "何军"  # default: the unit's leader


def test_interactive_approval_defaults_to_next_stage(
    reg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(UNIT) == 0 and main(ACCOUNT) == 0
    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")
    # A choice is typed as its label (同意), its id or its number; anything else is asked again.
    answers = iter([OPEN, "", "也许", "同意", "王强", "主任", "", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["new", "approval", *T]) == 0
    out = capsys.readouterr().out
    assert "✗ 审批意见应为以下之一" in out
    approval = load(reg).accounts["wangyi-sports/douyin"].requests[0].approvals["unit_head"]
    assert approval.model.decision == "approved"


def test_one_account_per_platform_and_the_usual_name(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["new", "account", "--yes", *T, "--unit", "huangbao-town", "--positioning", "发布政务信息。"]
    base += ["--overall", "镇办公室主任", "--columns", "政务栏目责任人", "--backup", "镇办公室副主任"]
    assert (
        main(
            [
                *base,
                "--platform",
                "douyin",
                "--platform-id",
                DOUYIN_ID,
                "--url",
                f"https://www.douyin.com/user/{DOUYIN_ID}",
            ]
        )
        == 2
    )
    assert "--id douyin：这些文件已经存在" in capsys.readouterr().err  # never over the unit's douyin account
    argv = [*base, "--id", "douyin-2", "--platform", "douyin", "--platform-id", DOUYIN_ID,
            "--url", f"https://www.douyin.com/user/{DOUYIN_ID}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--platform accounts/huangbao-town/douyin-2/account.yaml:3:1: GM102" in err
    assert "单位 huangbao-town 在平台 douyin 上有多个在用账号" in err
    assert not (reg / "accounts/huangbao-town/douyin-2").exists()
    assert (
        main([*base, "--platform", "weibo", "--platform-id", "5012345678", "--url", "https://weibo.com/u/5012345678"])
        == 0
    )
    acc = load(reg).accounts["huangbao-town/weibo"].record
    assert acc is not None and acc.model.name == "黄堡镇发布"  # the name the unit uses elsewhere (第九条)


# ---------------------------------------------------------------- --lang en

EN = ["--lang", "en"]


def test_english_unit_account_and_next_steps(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .english import assert_english

    assert main([*UNIT, *EN]) == 0
    assert main([*ACCOUNT, *EN]) == 0
    out = capsys.readouterr().out
    assert "New host unit: accounts/wangyi-sports/unit.yaml" in out
    assert "New account with its opening request: accounts/wangyi-sports/douyin/account.yaml" in out
    assert "Next steps:" in out and f"git add accounts/wangyi-sports/douyin/account.yaml {OPEN}/request.yaml" in out
    assert_english(out, "下一步", "已新建")
    # The files are the register's content: as Chinese as without --lang en.
    account_text = (reg / "accounts/wangyi-sports/douyin/account.yaml").read_text(encoding="utf-8")
    assert "王益体育" in account_text
    assert errors(reg) == []


def test_english_errors(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .english import assert_english

    assert main(["new", "account", "--yes", *T, *EN, "--unit", "huangbao-town"]) == 2
    err = capsys.readouterr().err
    assert "These required values are missing" in err and "No file was written." in err
    for flag in ("--platform", "--platform-id", "--url", "--positioning", "--overall"):
        assert flag in err
    assert_english(err, "缺少以下必填项", "没有写入任何文件")
    assert main([*UNIT, *EN]) == 0
    capsys.readouterr()
    argv = [*ACCOUNT, *EN]
    argv[argv.index("--platform-id") + 1] = "not-a-douyin-id"
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--platform-id accounts/wangyi-sports/douyin/account.yaml:4:1: GM107 account wangyi-sports/douyin: " in err
    assert "platform_id 'not-a-douyin-id' does not fit douyin" in err
    assert main([*argv, "--comments", "maybe", "--update-cycle", "seven"]) == 2
    err = capsys.readouterr().err
    assert "--comments maybe: Please answer yes or no" in err
    assert "--update-cycle seven: Please give a whole number" in err
    assert_english(err, "格式应符合", "请回答")
    assert main([*UNIT, *EN]) == 2  # never overwrites
    err = capsys.readouterr().err
    assert "--id wangyi-sports: These files exist already and are never overwritten" in err
    assert_english(err, "已经存在")
    assert main(["new", "approval", "--yes", *T, *EN]) == 2
    err = capsys.readouterr().err
    assert "--request is missing" in err
    assert_english(err)
    assert main(["new", "unit", "--yes", *T, *EN, "--root", "no-such-folder"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert_english(err)


def test_english_approval_chain_and_change(reg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .english import assert_english

    assert main([*UNIT, *EN]) == 0 and main([*ACCOUNT, *EN]) == 0
    ask = ["new", "approval", "--yes", *T, *EN, "--request", OPEN, "--decision", "approved"]
    assert main([*ask, "--stage", "district_office", "--approver-name", "刘晓明", "--approver-title", "主任"]) == 2
    err = capsys.readouterr().err
    assert "--stage accounts/wangyi-sports/douyin/requests/2026-06-01-open/district_office.yaml:2:1: GM201" in err
    assert "has a decision at district_office but none at the earlier stage unit_head" in err
    assert_english(err, "前一环节")
    assert main([*ask, "--approver-name", "王强", "--approver-title", "主任"]) == 0
    out = capsys.readouterr().out
    assert "Recorded the decision of “本单位主要负责同志”" in out
    assert_english(out, "已记录")
    # A change request needs --set; an unknown field is refused in English.
    change = ["new", "request", "--yes", *T, *EN, "--action", "change", "--reason", "调整"]
    ref = next(
        k for k, a in load(reg).accounts.items() if a.record is not None and a.record.model.status == "active"
    )
    assert main([*change, "--account", ref, "--set", "status=closed"]) == 2
    err = capsys.readouterr().err
    assert "GM010 request: changes: changes names fields that cannot be changed: status" in err
    assert_english(err, "不能变更")


def test_english_prompts(reg: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from .english import assert_english

    monkeypatch.setenv("GOVMEDIA_INTERACTIVE", "1")
    answers = iter(["Wangyi Sports", "wangyi-sports", "铜川市王益区体育运动中心", "区体育中心", "12610202MB12345679",
                    "2", "", "", "王强", "主任", ""])
    asked: list[str] = []

    def fake_input(prompt: str = "") -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    assert main(["new", "unit", *T, *EN]) == 0
    out = capsys.readouterr().out
    assert asked[0].startswith("unit id (used as the folder name) (e.g. wangyi-education)")
    assert any(p.startswith("kind of unit") for p in asked)
    assert "2) public_institution  public institution" in out
    assert "✗ GM020 unit folder 'Wangyi Sports' is not a valid id" in out  # refused, in English
    assert_english(out + "\n".join(asked), "单位编号", "请重新输入")
    unit = load(reg).units["wangyi-sports"]
    assert unit.record is not None and unit.record.model.kind == "public_institution"
