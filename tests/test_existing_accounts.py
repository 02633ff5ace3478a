"""Existing accounts (存量登记) through ``govmedia import``: the shapes of real lists, the vocabulary in
governance.yaml, long numeric ids, ``--merge`` into a register, the report, and the public data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from govmedia.cli import main
from govmedia.register.loader import load
from govmedia.site.data import accounts_json
from govmedia.site.publish import build_public

from .conftest import BASE_TODAY, run_check

T = ["--today", BASE_TODAY.isoformat()]


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _import(src: Path, out: Path, *extra: str) -> int:
    code: int = main(["import", str(src), "--out", str(out), *T, *extra])
    return code


def _errors(root: Path) -> list[str]:
    return [f"{f.path}:{f.line} {f.code} {f.en}" for f in run_check(root) if f.severity == "error"]


def _accounts(root: Path) -> dict[str, tuple[str, str, str]]:
    """ref -> (name, platform, status)"""
    out: dict[str, tuple[str, str, str]] = {}
    for ref, acc in load(root).accounts.items():
        assert acc.record is not None, ref
        m = acc.record.model
        out[ref] = (m.name, m.platform, m.status)
    return out


def test_platform_after_the_name_in_any_bracket(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _csv(tmp_path / "l.csv", "单位,政务新媒体名称\n"
               "海州区商务局,海州商务(微信)\n海州区公安分局,徐圩警方（新浪微博）\n海州区文旅局,海州文旅【抖音短视频】\n"
               "海州区教育局,海州教育（发布）\n")
    assert _import(src, tmp_path / "out", "--platform", "wechat_official") == 0
    assert sorted(_accounts(tmp_path / "out").values()) == sorted([
        ("徐圩警方", "weibo", "active"), ("海州商务", "wechat_official", "active"),
        ("海州教育（发布）", "wechat_official", "active"),  # 发布 is no platform: part of the name
        ("海州文旅", "douyin", "active")])
    assert _errors(tmp_path / "out") == []


def test_a_list_with_a_column_per_platform(tmp_path: Path) -> None:
    """「单位 | 微信公众号 | 新浪微博 | 抖音」: every filled cell is one account."""
    src = _csv(tmp_path / "wide.csv", "序号,单位名称,微信公众号,新浪微博,抖音\n"
               "1,王益区教育局,王益教育,王益教育,\n2,王益区文旅局,王益文旅,,王益文旅\n")
    assert _import(src, tmp_path / "out") == 0
    got = sorted(_accounts(tmp_path / "out").values())
    assert got == sorted([("王益文旅", "douyin", "active"), ("王益文旅", "wechat_official", "active"),
                          ("王益教育", "wechat_official", "active"), ("王益教育", "weibo", "active")])


def test_merged_unit_cells_in_a_csv_and_title_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _csv(tmp_path / "m.csv", "某县政务新媒体名录,,\n（截至2025年底）,,\n序号,主办单位,新媒体名称,备注\n"
               "1,县公安局,某县警方,\n2,,某县交警(新浪微博),\n3,县司法局,某县司法,已整改\n")
    assert _import(src, tmp_path / "out", "--platform", "微信订阅号") == 0
    err = capsys.readouterr().err
    assert "第 3 行：表头在这一行。识别的列：主办单位、新媒体名称→账号名称；忽略的列：序号、备注。" in err
    registry = load(tmp_path / "out")
    units = {u.record.model.name: uid for uid, u in registry.units.items() if u.record}
    assert sorted(units) == ["县公安局", "县司法局"]
    assert sorted(ref for ref in registry.accounts if ref.startswith(units["县公安局"] + "/")) == [
        f"{units['县公安局']}/wechat-official", f"{units['县公安局']}/weibo"]


def test_a_district_adds_its_own_words_in_governance_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gov = (Path(__file__).parent.parent / "policies" / "governance.yaml").read_text(encoding="utf-8")
    gov = gov.replace("    name: [账号名称,", "    name: [矩阵账号,").replace("  ignored: [序号,", "  ignored: [粉丝数, 序号,")
    gov = gov.replace("ledger_names: [新浪微博,", "ledger_names: [微博政务号, 新浪微博,")
    gov += "    nmae: [拼错的键]\n"  # a typo under ledger.headers is said, not fatal
    gov = gov.replace("    nmae: [拼错的键]\n", "").replace("  headers:\n", "  headers:\n    nmae: [拼错的键]\n", 1)
    (tmp_path / "g.yaml").write_text(gov, encoding="utf-8")
    src = _csv(tmp_path / "l.csv", "矩阵账号,平台,主办单位,粉丝数\n王益教育,微博政务号,王益区教育局,12000\n")
    assert _import(src, tmp_path / "before") == 2  # the shipped words do not know 矩阵账号
    assert _import(src, tmp_path / "out", "--governance", str(tmp_path / "g.yaml")) == 0
    err = capsys.readouterr().err
    assert "识别的列：矩阵账号→账号名称、平台、主办单位；忽略的列：粉丝数。" in err
    assert "ledger.headers 中的“nmae”不是台账的列" in err
    assert list(_accounts(tmp_path / "out").values()) == [("王益教育", "weibo", "active")]


def test_long_numeric_ids_never_lose_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 16-digit 百家号 id: from CSV and from a text cell it is kept whole; a cell a spreadsheet stored
    as a number (1.6E+15) is said to have lost digits, never rounded into the register."""
    src = _csv(tmp_path / "l.csv", "账号名称,平台,账号ID,主办单位\n王益发布,百家号,1604226455383567,王益区政府办公室\n")
    assert _import(src, tmp_path / "csv") == 0
    (rec,) = [a.record for a in load(tmp_path / "csv").accounts.values()]
    assert rec is not None and rec.model.platform_id == "1604226455383567" and rec.model.platform == "baijiahao"
    wb = Workbook()
    ws = wb.active
    ws.append(["账号名称", "平台", "账号ID", "主办单位"])
    ws.append(["王益发布", "百家号", "1604226455383567", "王益区政府办公室"])  # a text cell
    ws.append(["王益文旅", "百家号", 1604226455383567123, "王益区文旅局"])  # stored as a number
    wb.save(tmp_path / "l.xlsx")
    capsys.readouterr()
    assert _import(tmp_path / "l.xlsx", tmp_path / "xlsx") == 1
    err = capsys.readouterr().err
    assert "第 3 行，“账号ID”列：“16042264553835671" in err  # what the workbook holds: not 1604226455383567123
    assert "是被表格软件当作数字保存的长编号，末几位可能已经丢失" in err
    (rec,) = [a.record for a in load(tmp_path / "xlsx").accounts.values()]
    assert rec is not None and rec.model.platform_id == "1604226455383567"


def test_wechat_identifiers_and_no_url(tmp_path: Path) -> None:
    src = _csv(tmp_path / "l.csv", "公众号名称,类型,微信号,原始ID,主办单位\n"
               "王益发布,微信服务号,wangyifabu,gh_8c5961a33245,王益区政府办公室\n"
               "王益教育,微信订阅号,wangyijiaoyu,,王益区教育局\n")
    assert _import(src, tmp_path / "out") == 0
    registry = load(tmp_path / "out")
    models = sorted((a.record.model for a in registry.accounts.values() if a.record), key=lambda m: m.name)
    assert [(m.name, m.aliases, m.platform_id, m.url) for m in models] == [
        ("王益发布", ["wangyifabu"], "gh_8c5961a33245", None), ("王益教育", ["wangyijiaoyu"], None, None)]
    assert _errors(tmp_path / "out") == []


def test_an_empty_cell_is_missing_not_a_format_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new account (申请中) with an empty id and url: GM109 names what is missing; no pattern is quoted."""
    src = _csv(tmp_path / "l.csv", "账号名称,平台,账号ID,网址,主办单位,状态\n王益体育,抖音,,,王益区体育中心,申请中\n")
    assert _import(src, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "GM109 账号" in err and "账号 ID（原始 ID、微信号或 biz 至少一项）（platform_id）、主页网址（url）" in err
    assert "应符合" not in err and "pattern" not in err


def test_merge_into_a_register_refuses_collisions(make_register: Callable[..., Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = make_register()
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    registry = load(root)
    weibo = registry.accounts["wangyi-education/weibo"].record
    assert weibo is not None
    src = _csv(tmp_path / "l.csv", "账号名称,平台,账号ID,网址,主办单位\n"
               f"王益教育,微博,{weibo.model.platform_id},,铜川市王益区教育局\n"  # registered already
               "冒名王益教育,微博,5512345678,,某公司\n"  # a known account's id? no: a new name, another unit
               "王益教育,抖音,,,铜川市王益区教育局\n")  # a new existing account of a known unit
    code = main(["import", str(src), "--merge", str(root), *T])
    err = capsys.readouterr().err
    assert code == 1
    assert "第 2 行" in err and "GM101" in err  # the same account as the registered one: refused
    assert "GM105" in err  # 冒名王益教育 contains 王益教育: refused as a possible impersonation
    after = load(root)
    assert "wangyi-education/douyin" in after.accounts  # the unit matched by its name
    assert not any(u.record and u.record.model.name == "某公司" for u in after.units.values())
    for path, data in before.items():
        assert path.read_bytes() == data, path  # nothing of the register was changed
    assert _errors(root) == []


def test_report_lists_what_existing_accounts_must_complete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _csv(tmp_path / "l.csv", "主办单位,新媒体类型,新媒体名称\n构朳镇,微信,千年银杏美丽构朳\n")
    assert _import(src, tmp_path / "out") == 0
    capsys.readouterr()
    assert main(["report", "--root", str(tmp_path / "out"), "--period", "2026-05", *T]) == 0
    out = capsys.readouterr().out
    section = out[out.index("六、存量账号待补全的档案"):]
    assert "| 构朳镇 | unit-01 | （单位本身） | 统一社会信用代码、单位性质、分管负责同志 |" in section
    assert "| 构朳镇 | unit-01/wechat-official | 千年银杏美丽构朳 | 账号 ID" in section


def test_a_closed_account_known_by_name_platform_and_date_is_published_as_not_official(tmp_path: Path) -> None:
    src = _csv(tmp_path / "l.csv", "主办单位,平台,账号名称,注销日期\n富平县自然资源局,今日头条,富平林业,2024-04-30\n")
    out = tmp_path / "out"
    assert _import(src, out) == 0
    assert _errors(out) == []
    registry = load(out)
    (acc,) = registry.accounts.values()
    assert acc.record is not None and acc.record.model.status == "closed"
    (req,) = acc.requests
    assert req.request is not None and req.request.model.ended_on == date(2024, 4, 30)
    pub = build_public(registry, BASE_TODAY)
    (row,) = pub.accounts
    assert (row["name"], row.official, row.status_label) == ("富平林业", False, "已注销关停")
    data = json.loads(accounts_json(pub))
    (item,) = data["accounts"]
    assert item["official"] is False and item["status"] == "closed"
    assert data["statuses"]["closed"] == {"label": "已注销关停", "official": False}
    verify = (Path(__file__).parent.parent / "govmedia" / "site" / "assets" / "verify.js").read_text(encoding="utf-8")
    assert "已不再是官方账号" in verify  # what the verify page says of an account whose official is false
    shutil.rmtree(out)


def test_a_defaced_name_from_a_real_notice_is_refused_by_the_content_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of a county notice (cqlagm.com, 2022) in which gambling spam replaced the county's name: the
    list it yields is checked by the same content rule as govmedia check, and that row is not imported."""
    src = _csv(tmp_path / "l.csv", "新媒体名称,新媒体类型,主办单位\n"
               "365娱乐app官方版下载_外围365bet网址_cctv3直播365交通运输局,微信公众号,县交通运输局\n"
               "夏邑司法行政在线,微信公众号,夏邑县司法局\n")
    assert _import(src, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "第 2 行，“新媒体名称”列：GM501" in err and "第 2 行：这一行没有导入" in err
    assert [v[0] for v in _accounts(tmp_path / "out").values()] == ["夏邑司法行政在线"]
    assert _errors(tmp_path / "out") == []
