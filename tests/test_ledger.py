"""``govmedia export`` / ``govmedia import``: the ledger round-trips; a bad file is a report, not a crash."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from govmedia.cli import main
from govmedia.register.lifecycle import APPROVED_STATUS
from govmedia.register.loader import load
from govmedia.staff import ledger, ledger_read
from govmedia.staff.ledger_cells import text_of
from govmedia.staff.ledger_columns import IMPORT_HEADERS
from govmedia.staff.ledger_table import rows_of
from govmedia.staff.vocabulary import Vocabulary, vocabulary

from .conftest import BASE_TODAY, run_check

T = ["--today", BASE_TODAY.isoformat()]
# What the ledger says -> what the import writes (docs/ledger.md).
IMPORTED_STATUS = {
    "active": "active",
    "changing": "active",
    "exiting": "active",
    "closing": "active",
    "applying": "applying",
    "rejected": "rejected",
    "closed": "closed",
    "exited": "exited",
}


def errors(root: Path) -> list[str]:
    return [f"{f.path}:{f.line} {f.code} {f.en}" for f in run_check(root) if f.severity == "error"]


def export(root: Path, out: Path) -> None:
    assert main(["export", "--root", str(root), "--out", str(out)]) == 0


def import_(ledger_path: Path, out: Path, *extra: str) -> int:
    code: int = main(["import", str(ledger_path), "--out", str(out), *T, *extra])
    return code


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_round_trip(make_register: Callable[..., Path], tmp_path: Path, fmt: str) -> None:
    src = make_register()
    path = tmp_path / f"ledger.{fmt}"
    export(src, path)
    out = tmp_path / "imported"
    assert import_(path, out) == 0
    assert errors(out) == []
    before, after = load(src), load(out)
    kept = {ref: acc for ref, acc in before.accounts.items() if acc.record and acc.record.model.status != "rejected"}
    assert sorted(kept) == sorted(after.accounts)  # a rejected application is not an account
    for ref, acc in kept.items():
        old, new = acc.record, after.accounts[ref].record
        assert old is not None and new is not None, ref
        a, b = old.model.model_dump(), new.model.model_dump()
        assert b.pop("status") == IMPORTED_STATUS[a.pop("status")], ref
        if a["opened_on"] is not None and new.model.status == "applying":
            a["opened_on"] = None
        if old.model.status in ("applying", "rejected"):
            a.pop("opened_on"), b.pop("opened_on")
        assert a == b, ref
        if new.model.status in ("active", "closed", "exited"):
            comments = {r.model.comment for req in after.accounts[ref].requests for r in req.approvals.values()}
            assert comments == {"依据原台账导入"}
    for unit_id, unit in before.units.items():
        assert unit.record is not None
        imported = after.units[unit_id].record
        assert imported is not None and imported.model == unit.record.model


def test_round_trip_statuses_are_supported(make_register: Callable[..., Path], tmp_path: Path) -> None:
    """Every account of a ledger is recorded by a registration (存量登记) decided along chains.register, in
    the state the ledger gives (with the closure date); only an application still pending is a new account."""
    src = make_register()
    export(src, tmp_path / "l.xlsx")
    assert import_(tmp_path / "l.xlsx", tmp_path / "out") == 0
    registry = load(tmp_path / "out")
    gov = registry.governance
    assert gov is not None
    source = load(src)
    for acc in registry.accounts.values():
        assert acc.record is not None
        status = acc.record.model.status
        if status == "applying":
            assert [r.action for r in acc.requests] == ["open"] and not acc.requests[0].approvals
            continue
        (req,) = acc.requests
        assert req.action == "register" and req.request is not None
        assert req.request.model.recorded_status == status
        assert sorted(req.approvals) == sorted(gov.model.chain("register"))
        if status in ("closed", "exited"):
            action = {v: k for k, v in APPROVED_STATUS.items() if k in ("close", "exit")}[status]
            old = source.accounts[acc.ref]
            closing = [r for r in old.requests if r.action == action]
            assert closing and req.request.model.ended_on == max(a.model.decided_on for a in closing[-1].approvals.values())
    assert not registry.announcements  # an existing account needs no opening announcement


def test_xlsx_layout(make_register: Callable[..., Path], tmp_path: Path) -> None:
    export(make_register(), tmp_path / "l.xlsx")
    wb = load_workbook(tmp_path / "l.xlsx")
    assert wb.sheetnames[0] == "台账"
    assert len(wb.sheetnames) == 1 + 8  # one sheet per unit
    ws = wb["台账"]
    headers = [c.value for c in ws[1]]
    for header in (
        "序号",
        "账号名称",
        "平台",
        "账号ID/原始ID",
        "网址",
        "主办单位",
        "主办单位统一社会信用代码",
        "单位性质",
        "主管单位",
        "承办单位",
        "认证主体",
        "开通日期",
        "状态",
        "功能定位",
        "更新周期（天）",
        "总负责人",
        "互动功能",
        "ICP备案号",
        "等保级别",
    ):
        assert header in headers
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 18
    assert ws.max_row == 22
    assert wb["区教育局"].max_row == 4


def test_formula_injection_is_text(tmp_path: Path) -> None:
    row = {c.key: "" for c in ledger.COLUMNS} | {
        "name": '=HYPERLINK("http://x","点我")',
        "positioning": "+1+2",
        "overall": "@SUM(A1)",
        "backup": "-3",
    }
    ledger.to_xlsx([row], tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx")["台账"]
    names = {ws.cell(1, i).value: ws.cell(2, i) for i in range(1, ws.max_column + 1)}
    assert names["账号名称"].data_type == "s" and names["账号名称"].value.startswith("=HYPERLINK")
    assert names["功能定位"].value == "+1+2"
    data = ledger.to_csv([row])
    assert data.startswith("\ufeff".encode())
    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert cells[1].startswith("'=") and "'+1+2" in cells and "'@SUM(A1)" in cells and "'-3" in cells
    assert text_of(cells[1]) == row["name"]


def _workbook(path: Path, rows: list[list[Any]], title: str = "Sheet") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)


VARIANT_HEADERS = [
    "单位名称",
    "统一社会信用代码",
    "单位类型",
    "分管领导",
    "分管领导职务",
    "平台类型",
    "账号名",
    "原始ID",
    "主页地址",
    "账号定位",
    "更新频率",
    "负责人",
    "栏目责任人",
    "备岗人",
    "先审后发",
    "互动",
    "开设日期",
    "账号状态",
    "批准文号",
]


def _variant_row(**over: Any) -> list[Any]:
    base: dict[str, Any] = {
        "单位名称": "铜川市王益区黄堡镇人民政府",
        "统一社会信用代码": "116102029361466215",
        "单位类型": "行政机关",
        "分管领导": "何军",
        "分管领导职务": "镇长",
        "平台类型": "新浪微博",
        "账号名": "黄堡镇发布",
        "原始ID": 5012345678,
        "主页地址": "https://weibo.com/u/5012345678",
        "账号定位": "发布黄堡镇政务信息。",
        "更新频率": "每周",
        "负责人": "黄堡镇办公室主任",
        "栏目责任人": "政务信息栏目责任人",
        "备岗人": "黄堡镇办公室副主任",
        "先审后发": "是",
        "互动": "评论、留言、私信",
        "开设日期": datetime(2025, 3, 1),
        "账号状态": "正常",
        "批准文号": "陕政办函〔2025〕9号",
    }
    base.update(over)
    return [base[h] for h in VARIANT_HEADERS]


def test_header_variants_title_row_and_excel_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.xlsx"
    _workbook(
        path,
        [
            ["王益区政务新媒体台账（2025年）"],
            VARIANT_HEADERS,
            _variant_row(),
            _variant_row(
                平台类型="抖音",
                账号名="黄堡镇发布",
                原始ID="MS4wLjABAAAA" + "x" * 30,
                主页地址="https://www.douyin.com/user/MS4wLjABAAAA" + "x" * 30,
                开设日期="2025年4月2日",
            ),
        ],
    )
    out = tmp_path / "out"
    assert import_(path, out) == 0
    assert errors(out) == []
    registry = load(out)
    weibo = registry.accounts["unit-01/weibo"].record
    douyin = registry.accounts["unit-01/douyin"].record
    assert weibo is not None and douyin is not None
    assert weibo.model.platform_id == "5012345678" and weibo.model.opened_on == date(2025, 3, 1)
    assert weibo.model.operations is not None and weibo.model.operations.update_cycle_days == 7
    assert weibo.model.status == "active"
    assert douyin.model.opened_on == date(2025, 4, 2)


def test_merged_cells_fill_every_row(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    second = _variant_row(
        平台类型="抖音",
        原始ID="MS4wLjABAAAA" + "y" * 30,
        主页地址="https://www.douyin.com/user/MS4wLjABAAAA" + "y" * 30,
    )
    _workbook(path, [VARIANT_HEADERS, _variant_row(), second])
    wb = load_workbook(path)
    ws = wb.active
    for col in (1, 2, 3, 4, 5):  # the unit's cells merged over both rows
        ws.cell(3, col).value = None
        ws.merge_cells(start_row=2, end_row=3, start_column=col, end_column=col)
    wb.save(path)
    out = tmp_path / "out"
    assert import_(path, out) == 0
    assert sorted(load(out).accounts) == ["unit-01/douyin", "unit-01/weibo"]


def test_formula_without_cached_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.xlsx"
    _workbook(path, [VARIANT_HEADERS, _variant_row(账号名='=CONCAT("黄堡","发布")')])
    assert import_(path, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "第 2 行：这一行有公式没有保存计算结果" in err


def test_row_problems_name_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.xlsx"
    _workbook(
        path,
        [
            VARIANT_HEADERS,
            _variant_row(),
            _variant_row(平台类型="脸书", 原始ID="1"),
            _variant_row(主页地址="https://evil.example.com/u/1", 原始ID=5099999999),
            _variant_row(开设日期="去年", 原始ID=5088888888, 主页地址="https://weibo.com/u/5088888888"),
            _variant_row(),  # the same account twice
            _variant_row(开设日期=None, 批准文号=None, 原始ID=5077777777, 主页地址="https://weibo.com/u/5077777777"),
            _variant_row(平台类型="哔哩哔哩", 开设日期=None, 批准文号=None, 原始ID=5066666666,
                         主页地址="https://space.bilibili.com/5066666666"),
        ],
    )
    out = tmp_path / "out"
    assert import_(path, out) == 1
    err = capsys.readouterr().err
    assert "第 3 行，“平台类型”列：平台“脸书”无法识别" in err
    # the rest is what govmedia check says of the candidate register, at the ledger's row and column
    assert "第 4 行，“主页地址”列：GM107 账号 unit-01/weibo-2「黄堡镇发布」 的网址域名 “evil.example.com” 不属于微博" in err
    assert "第 5 行，“开设日期”列：“去年”不是有效日期" in err
    assert "第 6 行，“账号名”列：与第 2 行是同一个账号" in err  # a list names an account once per problem
    assert "提示 工作表“Sheet”，第 7 行，“平台类型”列：GM102 单位 unit-01 在平台 weibo 上有多个在用账号" in err
    assert "有 3 行没有导入" in err
    registry = load(out)
    assert sorted(registry.accounts) == ["unit-01/bilibili", "unit-01/weibo", "unit-01/weibo-3"]
    assert {a.record.model.status for a in registry.accounts.values() if a.record} == {"active"}
    assert errors(out) == []


MALFORMED = [
    # (file name, content (None: a workbook with no rows; "absent": no file), zh message, en message)
    ("not.xlsx", b"this is not a workbook", "不是可读取的 Excel 工作簿", "is not a readable Excel workbook"),
    ("empty.xlsx", None, "没有找到表头", "No header row found in the sheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "旧版 .xls 格式", "is in the old .xls format"),
    ("missing.xlsx", "absent", "找不到台账文件", "does not exist: check its name and path"),
    ("bad.csv", b"\xff\xfe\x00garbage\x81", "编码无法识别", "The encoding of bad.csv is unknown"),
    ("bad.json", b"{not json", "不是有效的 JSON", "bad.json is not valid JSON"),
    ("zero.json", b"", "不是有效的 JSON", "zero.json is not valid JSON"),
    ("nodata.json", b'[{"x": null, "y": [1, 2]}]', "没有找到表头或数据", "No header row or no data in nodata.json"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "不是有效的 JSON", "deep.json is not valid JSON"),
    (
        "long.csv",
        "账号名称,平台\n\"".encode() + b"x" * 200_000 + '",微信\n'.encode(),
        "无法按 CSV 读取（第 2 行）",
        "long.csv cannot be read as CSV (line 2)",
    ),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "content", "zh", "en"), MALFORMED)
def test_malformed_ledgers_are_reported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | str | None,
    zh: str,
    en: str,
    lang: str,
) -> None:
    from .english import assert_english

    path = tmp_path / name
    if content is None:
        _workbook(path, [])
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert import_(path, tmp_path / "out", "--lang", lang) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "内部错误" not in err
    if lang == "zh":
        assert zh in err and "没有写入任何文件" in err
    else:
        assert en in err and "No file was written." in err
        assert_english(err, "没有写入任何文件")


def test_import_refuses_non_empty_out(
    make_register: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make_register()
    export(src, tmp_path / "l.json")
    assert import_(tmp_path / "l.json", src) == 2
    assert "不是空的" in capsys.readouterr().err


def test_json_export_uses_chinese_headers(make_register: Callable[..., Path], tmp_path: Path) -> None:
    export(make_register(), tmp_path / "l.json")
    data = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    assert len(data) == 21 and list(data[0])[:3] == ["序号", "账号名称", "平台"]


def test_every_column_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "ledger.md").read_text(encoding="utf-8")
    for column in ledger.COLUMNS:
        assert f"| {column.header} |" in doc, column.header


def test_future_dates_and_long_document_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.xlsx"
    _workbook(path, [VARIANT_HEADERS, _variant_row(开设日期="2099-01-01"),
                     _variant_row(批准文号="号" * 80, 原始ID=5011111111, 主页地址="https://weibo.com/u/5011111111")])
    assert import_(path, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "第 2 行，“开设日期”列：GM203 账号 unit-01/weibo 的开通日期 2099-01-01 晚于今天" in err
    assert "内部错误" not in err
    # the ledger's document number is kept in the registration's reason, whatever its length
    (acc,) = load(tmp_path / "out").accounts.values()  # the second row's; the first was refused by GM203
    (req,) = acc.requests
    assert req.request is not None and "开设批准文号 " + "号" * 80 in (req.request.model.reason or "")


@functools.cache
def _governance() -> Any:
    gov = load(Path(__file__).parent.parent).governance
    assert gov is not None
    return gov.model


@functools.cache
def _voc() -> Vocabulary:
    return vocabulary(_governance(), IMPORT_HEADERS, ())


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.sampled_from(["是", "否", "=SUM(A1)", "2025-13-40", "每周", "微信", "已注销", "无"]),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(CELL, min_size=len(VARIANT_HEADERS), max_size=len(VARIANT_HEADERS)), max_size=4),
    st.lists(st.sampled_from(VARIANT_HEADERS), min_size=1, max_size=5),
)
def test_any_cells_give_a_report_not_a_crash(rows: list[list[Any]], blanked: list[str]) -> None:
    """Whatever the cells hold, the importer reports problems; every file it writes is valid."""
    from govmedia.schemas import Governance
    from govmedia.staff.importer import Importer, Options

    gov: Governance = _governance()
    grid: list[list[Any]] = [VARIANT_HEADERS, _variant_row(), *rows]
    for name in blanked:
        grid[1][VARIANT_HEADERS.index(name)] = None
    table = rows_of(grid, "台账", _voc(), [])
    text = (Path(ledger.__file__).parent.parent / "templates" / "governance.yaml").read_text(encoding="utf-8")
    result = Importer(gov, text, _voc(), Options(BASE_TODAY, "wangyi-gov")).run(table)
    assert all(p.text() and p.text("en") for p in result.problems)
    assert sum(result.statuses.values()) + result.skipped_rows + result.same_rows + result.not_accounts == len(table)


def test_damaged_sheet_inside_a_real_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    good = tmp_path / "good.xlsx"
    _workbook(good, [VARIANT_HEADERS, _variant_row()])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # truncated XML
            dst.writestr(item, data)
    assert import_(bad, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "不是可读取的 Excel 工作簿" in err and "Traceback" not in err


def test_every_problem_of_a_row_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer fixes a row once: unit and account problems are reported together, in column words."""
    path = tmp_path / "x.xlsx"
    _workbook(path, [VARIANT_HEADERS, _variant_row(单位类型="xx", 统一社会信用代码="ABC", 更新频率="x")])
    assert import_(path, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "第 2 行，“单位类型”列：单位性质“xx”无法识别" in err
    assert "第 2 行，“更新频率”列：更新周期“x”应为天数" in err
    _workbook(path, [VARIANT_HEADERS, _variant_row(单位类型=None, 统一社会信用代码="ABC", 账号定位=None)])
    assert import_(path, tmp_path / "out2") == 1
    err = capsys.readouterr().err
    assert "第 2 行，“统一社会信用代码”列：GM406 单位 unit-01（铜川市王益区黄堡镇人民政府）的统一社会信用代码 “ABC” 格式错误" in err
    # an existing account may lack its positioning and its unit's kind: to be completed, not an error
    assert "第 2 行，“账号定位”列" not in err and "“单位类型”列" not in err


# ---------------------------------------------------------------- --lang en

EN = ["--lang", "en"]


def test_english_export(
    make_register: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .english import assert_english

    src = make_register()
    out = tmp_path / "ledger.xlsx"
    assert main(["export", "--root", str(src), "--out", str(out), *EN]) == 0
    err = capsys.readouterr().err
    assert f"Exported 21 accounts to {out}" in err
    assert_english(err, "已导出")
    assert load_workbook(out, read_only=True).sheetnames[0] == "台账"  # the ledger itself stays Chinese
    for argv, message in (
        (["--out", str(tmp_path / "x.txt")], "choose json, csv or xlsx with --format"),
        (["--out", "-", "--format", "xlsx"], "xlsx cannot be written to the screen"),
        (["--out", str(tmp_path / "no/such/x.csv")], "does not exist: create it first"),
    ):
        assert main(["export", "--root", str(src), *argv, *EN]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert_english(err, "请用")
    assert main(["export", "--root", str(tmp_path / "nowhere"), "--out", str(out), *EN]) == 2
    err = capsys.readouterr().err
    assert "the register folder" in err
    assert_english(err, "找不到名录目录")


def test_english_import_round_trip(
    make_register: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .english import assert_english

    src = make_register()
    path = tmp_path / "ledger.json"
    export(src, path)
    capsys.readouterr()
    out = tmp_path / "imported"
    assert import_(path, out, *EN) == 0
    err = capsys.readouterr().err
    assert "Imported 8 units and 20 accounts (" in err and f"Next: govmedia check --lang en --root {out}" in err
    assert_english(err, "已导入", "下一步")
    assert errors(out) == []
    assert import_(path, out, *EN) == 2  # not empty now
    err = capsys.readouterr().err
    assert "is not empty" in err
    assert_english(err, "不是空的")


def test_english_import_row_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .english import assert_english

    path = tmp_path / "bad.xlsx"
    _workbook(
        path,
        [
            VARIANT_HEADERS,
            _variant_row(),
            _variant_row(平台类型="脸书", 原始ID="1"),
            _variant_row(主页地址="https://evil.example.com/u/1", 原始ID=5099999999),
            _variant_row(开设日期="去年", 原始ID=5088888888, 主页地址="https://weibo.com/u/5088888888"),
            _variant_row(),  # the same account twice
            _variant_row(开设日期=None, 批准文号=None, 原始ID=5077777777, 主页地址="https://weibo.com/u/5077777777"),
            _variant_row(平台类型="哔哩哔哩", 开设日期=None, 批准文号=None, 原始ID=5066666666,
                         主页地址="https://space.bilibili.com/5066666666"),
            _variant_row(单位名称="新单位", 单位类型=None, 统一社会信用代码="ABC", 账号定位=None, 更新频率="x",
                         账号状态="不知道", 开设日期="2099-01-01", 批准文号="号" * 80, 先审后发="也许"),
        ],
    )
    out = tmp_path / "out"
    assert import_(path, out, *EN) == 1
    err = capsys.readouterr().err
    assert "error: sheet “Sheet”, row 3, column “平台类型”: the platform “脸书” is not known" in err
    assert "row 4, column “主页地址”: GM107 account unit-01/weibo-2: url host 'evil.example.com' does not belong to weibo" in err
    assert "row 5, column “开设日期”: “去年” is not a valid date" in err
    assert "note: sheet “Sheet”, row 6, column “账号名”: the same account as row 2" in err
    assert "note: sheet “Sheet”, row 7, column “平台类型”: GM102 unit unit-01 has several live accounts on weibo" in err
    assert "row 9, column “账号状态”: the status “不知道” is not known" in err
    assert "row 9, column “更新频率”: the update cycle “x” must be a number of days" in err
    assert "row 9, column “先审后发”: “也许” must be “是” (yes) or “否” (no)." in err
    assert "this row was not imported" in err and "4 rows were not imported" in err
    assert_english(err, "第 3 行", "无法识别", "没有导入", "错误 ", "提示 ")
    assert errors(out) == []


def test_import_out_under_a_file_is_reported(
    make_register: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(make_register(), tmp_path / "l.json")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert import_(tmp_path / "l.json", tmp_path / "afile" / "out") == 2
    err = capsys.readouterr().err
    assert "不是文件夹" in err and "afile" in err and "内部错误" not in err
    assert import_(tmp_path / "l.json", tmp_path / "afile" / "out", *EN) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "internal error" not in err


def test_import_governance_not_utf8_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger_path = tmp_path / "l.csv"
    ledger_path.write_text("账号名称,平台\nA,微信\n", encoding="utf-8")
    gov = tmp_path / "governance.yaml"
    gov.write_bytes(b"\xff\xfe\x00bad")
    assert import_(ledger_path, tmp_path / "out", "--governance", str(gov)) == 2
    err = capsys.readouterr().err
    assert "UTF-8" in err and str(gov) in err and "内部错误" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_out_is_a_folder(
    make_register: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    (tmp_path / "d.csv").mkdir()
    code = main(["export", "--root", str(make_register()), "--out", str(tmp_path / "d.csv"), "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2 and "内部错误" not in err and "internal error" not in err
    assert ("是一个文件夹" if lang == "zh" else "is a folder") in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_to_a_full_disk_says_the_disk_is_full(
    make_register: Callable[..., Path], capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """/dev/full fails every write with ENOSPC: the advice is to free space, not to close a program."""
    code = main(["export", "--root", str(make_register()), "--out", "/dev/full", "--format", "csv", "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2 and "内部错误" not in err and "internal error" not in err
    assert ("磁盘空间不足" if lang == "zh" else "The disk is full") in err
    assert ("关闭" if lang == "zh" else "Close the program") not in err


def test_a_stray_far_cell_does_not_make_the_import_read_the_whole_sheet(tmp_path: Path) -> None:
    """One cell at XFD1048576 made read-only openpyxl pad a million rows to 16,384 columns (21 GB, killed)."""
    import time

    path = tmp_path / "far.xlsx"
    _workbook(path, [VARIANT_HEADERS, ["x"] * len(VARIANT_HEADERS)])
    wb = load_workbook(path)
    wb.active["XFD1048576"] = "stray"
    wb.active["A1048576"] = "stray"
    wb.save(path)
    start = time.perf_counter()
    sheet = ledger_read.read_xlsx(path, _voc())
    assert time.perf_counter() - start < 30
    assert len(sheet.rows) == 1  # the data row is read; the stray cells beyond the empty stretch are not
    # ...and the import says where it stopped reading, as a warning (formatting far down is common)
    stopped = [p for p in sheet.problems if "were not read" in p.en]
    assert len(stopped) == 1 and not stopped[0].error and stopped[0].row == 2 and "1048576" in stopped[0].en


def test_a_sheet_over_the_row_limit_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_read, "MAX_ROWS", 5)
    path = tmp_path / "long.xlsx"
    _workbook(path, [VARIANT_HEADERS, *(["x"] * len(VARIANT_HEADERS) for _ in range(10))])
    sheet = ledger_read.read_xlsx(path, _voc())
    assert not sheet.rows
    assert any("5" in p.en and "split" in p.en for p in sheet.problems)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json"])
def test_the_row_limit_is_the_same_in_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    suffix: str) -> None:
    """A header and MAX_ROWS rows are read; one row more is refused, whatever the ledger's format."""
    monkeypatch.setattr(ledger_read, "MAX_ROWS", 5)
    for count, read in ((5, True), (6, False)):
        rows = [[f"x{i}"] * len(VARIANT_HEADERS) for i in range(count)]
        path = tmp_path / f"{count}{suffix}"
        if suffix == ".xlsx":
            _workbook(path, [VARIANT_HEADERS, *rows])
        elif suffix == ".csv":
            path.write_text("\n".join(",".join(r) for r in [VARIANT_HEADERS, *rows]), encoding="utf-8")
        else:
            path.write_text(json.dumps([dict(zip(VARIANT_HEADERS, r, strict=True)) for r in rows]), encoding="utf-8")
        sheet = ledger_read.read_ledger(path, _voc())
        refused = any("more than 5 rows" in p.en for p in sheet.problems)
        assert (len(sheet.rows), refused) == ((count, False) if read else (0, True)), (count, sheet.problems)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_text_ledger_over_the_size_limit_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, lang: str
) -> None:
    """A CSV or JSON ledger is read whole: one of many gigabytes would exhaust memory before any check."""
    path = tmp_path / f"huge{suffix}"
    with path.open("wb") as f:
        f.truncate(ledger_read.MAX_TEXT_BYTES + 1)  # sparse: takes no disk, and it must not be read
    assert import_(path, tmp_path / "out", "--lang", lang) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert ("超过 64 MB 的上限" in err) if lang == "zh" else ("over the limit of 64 MB" in err)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_text_ledger_over_the_row_limit_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        suffix: str) -> None:
    monkeypatch.setattr(ledger_read, "MAX_ROWS", 5)
    path = tmp_path / f"long{suffix}"
    rows = [["x"] * len(VARIANT_HEADERS) for _ in range(10)]
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [VARIANT_HEADERS, *rows]), encoding="utf-8")
    else:
        path.write_text(json.dumps([dict(zip(VARIANT_HEADERS, r, strict=True)) for r in rows]), encoding="utf-8")
    sheet = ledger_read.read_ledger(path, _voc())
    assert not sheet.rows
    assert any("more than 5 rows" in p.en and "split" in p.en for p in sheet.problems)


def test_a_csv_row_wider_than_the_column_limit_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a workbook, only the first MAX_COLS columns are kept: a row of a million commas is one line."""
    seen: list[int] = []
    tabled = ledger_read._tabled

    def spy(grid: list[list[Any]], path: Path, out: ledger_read.Sheet, voc: Vocabulary) -> ledger_read.Sheet:
        seen.append(max(len(r) for r in grid))
        return tabled(grid, path, out, voc)

    monkeypatch.setattr(ledger_read, "_tabled", spy)
    path = tmp_path / "wide.csv"
    data = ["x"] * len(VARIANT_HEADERS)
    path.write_text("\n".join([",".join(VARIANT_HEADERS), ",".join(data + ["spill"] * 100_000)]), encoding="utf-8")
    sheet = ledger_read.read_csv(path, _voc())
    assert len(sheet.rows) == 1
    assert seen == [ledger_read.MAX_COLS]
