"""The register as a ledger (台账) and back: one row per account, Chinese headers.

The columns follow the ledgers that the national government new-media reporting system
(全国政务新媒体信息报送系统) collects, followed by the columns the register needs to rebuild its files
(unit and account ids, the unit's leader, the approval document numbers). docs/ledger.md documents
the mapping. Reading a ledger never raises: every problem is a :class:`Problem` with the row and the
column, in words a newcomer can act on.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from govmedia.dialect.files import TooLarge, read_regular
from govmedia.register.lifecycle import STATUS_LABELS, request_state
from govmedia.register.registry import AccountRec, Registry, RequestRec
from govmedia.schemas.governance import Governance


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号", "序"), 6),
    Column("name", "账号名称", ("账号名", "新媒体名称", "名称", "账号昵称"), 18),
    Column("platform", "平台", ("平台类型", "所属平台", "平台名称", "账号类型"), 12),
    Column("platform_id", "账号ID/原始ID", ("账号ID", "原始ID", "平台ID", "账号 ID", "ID"), 30),
    Column("url", "网址", ("链接", "主页地址", "账号链接", "URL", "网址链接", "访问地址"), 40),
    Column("unit_name", "主办单位", ("主办单位名称", "开办主体", "开设主体", "单位名称"), 28),
    Column("unit_uscc", "主办单位统一社会信用代码", ("统一社会信用代码", "信用代码", "主办单位信用代码"), 22),
    Column("unit_kind", "单位性质", ("主办单位性质", "单位类型"), 10),
    Column("parent", "主管单位", ("主管部门", "上级单位"), 24),
    Column("undertaking_name", "承办单位", ("运维单位", "运营单位", "承办单位名称"), 24),
    Column("subject", "认证主体", ("认证单位", "认证主体名称"), 28),
    Column("opened_on", "开通日期", ("开设日期", "上线日期", "开通时间"), 12),
    Column("status", "状态", ("账号状态", "运行状态"), 10),
    Column("positioning", "功能定位", ("账号定位", "主要功能", "定位"), 40),
    Column("update_cycle", "更新周期（天）", ("更新周期", "更新频率", "更新周期(天)"), 10),
    Column("overall", "总负责人", ("负责人", "账号负责人"), 14),
    Column("interaction", "互动功能", ("开通互动功能", "互动"), 16),
    Column("icp", "ICP备案号", ("ICP备案", "备案号"), 18),
    Column("mlps", "等保级别", ("等级保护级别", "网络安全等级保护级别", "等保"), 8),
    Column("verified", "是否认证", ("认证情况", "已认证"), 8),
    Column("undertaking_kind", "运营方式", ("运维方式",), 14),
    Column("undertaking_uscc", "承办单位统一社会信用代码", ("承办单位信用代码",), 22),
    Column("agreement_signed", "委托协议签订日期", ("协议签订日期",), 12),
    Column("agreement_expires", "委托协议到期日期", ("协议到期日期",), 12),
    Column("agreement_confidentiality", "协议含保密条款", ("保密条款",), 8),
    Column("agreement_qualification", "已审核承办单位资质", ("资质审核",), 8),
    Column("columns", "栏目责任人", (), 24),
    Column("backup", "备岗人员", ("备岗人", "备岗"), 14),
    Column("review", "发布前审核", ("先审后发", "发布审核"), 8),
    Column("national_system_id", "全国系统编号", ("报送系统编号", "系统编号"), 16),
    Column("open_document_no", "开设批准文号", ("开设批复文号", "批准文号"), 22),
    Column("ended_on", "关停/退出/驳回日期", ("关停日期", "注销日期", "退出日期"), 12),
    Column("end_document_no", "关停/退出批准文号", ("关停批准文号", "注销批准文号", "退出批准文号"), 22),
    Column("unit_short_name", "单位简称", ("主办单位简称",), 12),
    Column("division_code", "行政区划代码", ("区划代码",), 10),
    Column("leader_name", "分管负责同志", ("分管领导", "分管负责人"), 10),
    Column("leader_title", "分管负责同志职务", ("分管领导职务",), 14),
    Column("unit_reviewers", "单位审核人", (), 24),
    Column("unit_id", "单位编号", (), 22),
    Column("account_id", "账号编号", (), 16),
    Column("note", "备注", (), 30),
)
HEADERS = {c.key: c.header for c in COLUMNS}
UNIT_KIND_LABELS = {
    "administrative_organ": "行政机关",
    "public_institution": "事业单位",
    "internal_body": "内设机构",
}
UNDERTAKING_LABELS = {"internal": "本单位自行运营", "entrusted": "委托第三方运营"}
INTERACTION_WORDS = (("comments", "评论"), ("messages", "留言"), ("private_messages", "私信"))
SUMMARY_SHEET = "台账"
_FORMULA_START = ("=", "+", "-", "@")


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _last_document(req: RequestRec, chain: list[str]) -> str:
    out = ""
    for stage in chain:
        rec = req.approvals.get(stage)
        if rec and rec.model.document_no:
            out = rec.model.document_no
    return out


def _requests(acc: AccountRec, gov: Governance | None) -> tuple[str, str, str]:
    """(open document no, end date, end document no) from the account's requests."""
    open_no = ended = end_no = ""
    if gov is None:
        return open_no, ended, end_no
    for req in acc.requests:
        chain = gov.chain(req.action) if req.action in ("open", "change", "exit", "close") else []
        state = request_state(req, chain)
        if req.action == "open" and state.state == "approved":
            open_no = _last_document(req, chain)
        if req.action == "open" and state.state == "rejected" and state.decided_on:
            ended = state.decided_on.isoformat()
        if req.action in ("close", "exit") and state.state == "approved" and state.decided_on:
            ended, end_no = state.decided_on.isoformat(), _last_document(req, chain)
    return open_no, ended, end_no


def ledger_rows(registry: Registry) -> list[dict[str, str]]:
    """One row per account (valid account files only), ordered by unit and account id."""
    gov = registry.governance.model if registry.governance else None
    rows: list[dict[str, str]] = []
    for ref in sorted(registry.accounts):
        acc = registry.accounts[ref]
        if acc.record is None:
            continue
        a = acc.record.model
        unit_rec = registry.units.get(acc.unit_id)
        u = unit_rec.record.model if unit_rec and unit_rec.record else None
        label = gov.platforms[a.platform].label if gov and a.platform in gov.platforms else a.platform
        open_no, ended, end_no = _requests(acc, gov)
        agreement = a.undertaking.agreement
        on = [word for key, word in INTERACTION_WORDS if getattr(a.interaction, key)]
        row = {
            "seq": str(len(rows) + 1),
            "name": a.name,
            "platform": label,
            "platform_id": a.platform_id,
            "url": a.url,
            "unit_name": u.name if u else "",
            "unit_uscc": u.uscc if u else "",
            "unit_kind": UNIT_KIND_LABELS[u.kind] if u else "",
            "parent": (registry.unit_name(u.parent) or u.parent) if u and u.parent else "",
            "undertaking_name": a.undertaking.name,
            "subject": a.verification.subject,
            "opened_on": a.opened_on.isoformat() if a.opened_on else "",
            "status": STATUS_LABELS[a.status][0],
            "positioning": a.positioning,
            "update_cycle": str(a.operations.update_cycle_days),
            "overall": a.operations.responsible.overall,
            "interaction": "、".join(on) or "无",
            "icp": a.app.icp_filing or "" if a.app else "",
            "mlps": str(a.app.mlps_level) if a.app and a.app.mlps_level else "",
            "verified": _yes(a.verification.verified),
            "undertaking_kind": UNDERTAKING_LABELS[a.undertaking.kind],
            "undertaking_uscc": a.undertaking.uscc or "",
            "agreement_signed": agreement.signed_on.isoformat() if agreement else "",
            "agreement_expires": agreement.expires_on.isoformat() if agreement else "",
            "agreement_confidentiality": _yes(agreement.confidentiality) if agreement else "",
            "agreement_qualification": _yes(agreement.qualification_reviewed) if agreement else "",
            "columns": "、".join(a.operations.responsible.columns),
            "backup": a.operations.responsible.backup or "",
            "review": _yes(a.operations.review_before_publish),
            "national_system_id": a.national_system_id or "",
            "open_document_no": open_no,
            "ended_on": ended,
            "end_document_no": end_no,
            "unit_short_name": u.short_name if u else "",
            "division_code": u.division_code if u else "",
            "leader_name": u.leader_in_charge.name if u else "",
            "leader_title": u.leader_in_charge.title if u else "",
            "unit_reviewers": "、".join(u.reviewers) if u else "",
            "unit_id": acc.unit_id,
            "account_id": acc.account_id,
            "note": "",
        }
        rows.append(row)
    return rows


# ---------------------------------------------------------------- writers


def as_records(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows keyed by the Chinese headers, in column order."""
    return [{c.header: row.get(c.key, "") for c in COLUMNS} for row in rows]


def to_json(rows: list[dict[str, str]]) -> str:
    return json.dumps(as_records(rows), ensure_ascii=False, indent=2) + "\n"


def csv_safe(value: str) -> str:
    """A cell that a spreadsheet must not read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([csv_safe(row.get(c.key, "")) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'") or "单位"
    base = base[:28]
    title, n = base, 2
    while title in used or title == SUMMARY_SHEET:
        title = f"{base[:26]}-{n}"
        n += 1
    used.add(title)
    return title


def to_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """The summary sheet 台账 (every account, with the unit column) and one sheet per unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    by_unit: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_unit.setdefault(row.get("unit_short_name") or row.get("unit_name") or row.get("unit_id", ""), []).append(row)
    sheets = [(summary, rows)]
    used: set[str] = set()
    for name, unit_rows in by_unit.items():
        sheets.append((wb.create_sheet(_sheet_title(name, used)), unit_rows))
    bold = Font(bold=True)
    for ws, sheet_rows in sheets:
        for c, col in enumerate(COLUMNS, 1):
            cell = ws.cell(row=1, column=c, value=col.header)
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, row in enumerate(sheet_rows, 1):
            for c, col in enumerate(COLUMNS, 1):
                value = str(i) if c == 1 else row.get(col.key, "")
                if not value:
                    continue  # an empty cell is simply not written
                cell = ws.cell(row=i + 1, column=c, value=value)
                cell.data_type = "s"  # text, never a formula: values starting with = + - @ stay text
                cell.number_format = "@"
        ws.freeze_panes = "A2"
        for idx, col in enumerate(COLUMNS, 1):
            ws.column_dimensions[get_column_letter(idx)].width = col.width
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(sheet_rows) + 1}"
    wb.save(path)


# ---------------------------------------------------------------- reading a ledger


@dataclass(frozen=True)
class Problem:
    """One problem of a ledger, in both languages (like a finding): ``text(lang)`` renders it."""

    row: int | None  # spreadsheet row number (1-based, as Excel shows it); None = the whole file
    column: str | None  # header as written in the ledger
    zh: str
    en: str
    sheet: str | None = None
    error: bool = True

    def text(self, lang: str = "zh") -> str:
        where = []
        if lang == "zh":
            if self.sheet:
                where.append(f"工作表“{self.sheet}”")
            if self.row is not None:
                where.append(f"第 {self.row} 行")
            if self.column:
                where.append(f"“{self.column}”列")
            prefix = "，".join(where)
            return f"{prefix}：{self.zh}" if prefix else self.zh
        if self.sheet:
            where.append(f"sheet “{self.sheet}”")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        prefix = ", ".join(where)
        return f"{prefix}: {self.en}" if prefix else self.en


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, Any]  # column key -> raw value (str, int, float, date, datetime, bool, None)
    headers: dict[str, str]  # column key -> header as written


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s*＊:：]|\(必填\)|\(选填\)", "", text).lower()


_HEADER_INDEX: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.aliases):
        _HEADER_INDEX.setdefault(norm_header(_h), _c.key)


def _map_headers(values: list[Any]) -> dict[int, str]:
    """Column index -> key, for the cells of one candidate header row."""
    out: dict[int, str] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        key = _HEADER_INDEX.get(norm_header(str(value)))
        if key and key not in out.values():
            out[i] = key
    return out


def _table(grid: list[list[Any]], sheet: str, problems: list[Problem]) -> list[Row]:
    """Find the header row (a title row above it is fine) and turn the rows below into Rows."""
    best: dict[int, str] = {}
    best_row = -1
    for r, values in enumerate(grid[:15]):
        mapping = _map_headers(values)
        if len(mapping) > len(best):
            best, best_row = mapping, r
    if len(best) < 3 or "name" not in best.values():
        return []
    headers = {key: str(grid[best_row][i]).strip() for i, key in best.items()}
    rows = []
    for r in range(best_row + 1, len(grid)):
        values = grid[r]
        cells = {key: values[i] if i < len(values) else None for i, key in best.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for k, v in cells.items() if k != "seq"):
            continue
        rows.append(Row(sheet, r + 1, cells, headers))
    return rows


def _unreadable(path: Path, exc: Exception) -> Problem:
    return Problem(
        None,
        None,
        f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{type(exc).__name__}。"
        "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后再导入。",
        f"{path.name} is not a readable Excel workbook (.xlsx): {type(exc).__name__}. "
        "Open it in Excel or WPS, save it as an Excel workbook (*.xlsx) and import that.",
    )


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')


def _merged_ranges(path: Path, sheet_xml: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range: read-only mode does not parse them."""
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(path) as zf:
        xml = zf.read(sheet_xml.lstrip("/"))
    out = []
    for ref in _MERGE.findall(xml):
        c1, r1, c2, r2 = range_boundaries(ref.decode())
        if c1 and r1 and c2 and r2 and (c2 - c1 + 1) * (r2 - r1 + 1) <= 1_000_000:
            out.append((c1, r1, c2, r2))
    return out


# A ledger is at most this wide and long. A sheet whose one stray cell sits at XFD1048576 must not make
# read-only openpyxl pad a million rows to 16,384 columns (tens of GB): columns beyond MAX_COLS are not read,
# and reading stops after MAX_EMPTY_ROWS empty rows in a row.
MAX_COLS = 200
MAX_ROWS = 100_000
MAX_EMPTY_ROWS = 1_000
# A CSV or JSON ledger is read whole: 100,000 rows of a real ledger are about 40 MB.
MAX_TEXT_BYTES = 64 * 1024 * 1024


class SheetTooLarge(Exception):
    pass


def _grid(path: Path, name: str, wb_v: Any, wb_f: Any, problems: list[Problem]) -> list[list[Any]]:
    ws_v, ws_f = wb_v[name], wb_f[name]
    grid: list[list[Any]] = []
    empty = 0
    for values in ws_v.iter_rows(values_only=True, max_col=MAX_COLS):
        row = list(values)
        empty = empty + 1 if all(v is None or v == "" for v in row) else 0
        if empty > MAX_EMPTY_ROWS:
            last = len(grid) - MAX_EMPTY_ROWS
            problems.append(Problem(
                last, None,
                f"第 {last} 行之后连续 {MAX_EMPTY_ROWS} 行为空，以下各行未读取（工作表标明共 {ws_v.max_row} 行）："
                "如果下面还有台账数据，请删除中间的空行后重新导入。",
                f"after row {last}, {MAX_EMPTY_ROWS} rows in a row are empty, so the rows below were not read "
                f"(the sheet says it has {ws_v.max_row}): if ledger data follows, delete the empty rows and import again.",
                sheet=name, error=False))
            break
        grid.append(row)
        if len(grid) > MAX_ROWS + 1:  # a header and MAX_ROWS rows, as in a CSV ledger
            raise SheetTooLarge(name)
    # Merged cells (a unit name spanning its accounts' rows): every cell gets the top-left value.
    for c1, r1, c2, r2 in _merged_ranges(path, ws_v._worksheet_path):
        c2 = min(c2, MAX_COLS)
        if r1 > len(grid) or c1 > c2:
            continue
        top = grid[r1 - 1][c1 - 1] if c1 - 1 < len(grid[r1 - 1]) else None
        for r in range(r1 - 1, min(r2, len(grid))):
            row = grid[r]
            row.extend([None] * (c2 - len(row)))
            for c in range(c1 - 1, c2):
                row[c] = top
    # A formula whose result was never saved reads as empty: say so instead of "missing".
    for r, values in enumerate(ws_f.iter_rows(values_only=True, max_row=max(len(grid), 1), max_col=MAX_COLS)):
        for c, value in enumerate(values):
            formula = isinstance(value, str) and value.startswith("=")
            if formula and r < len(grid) and c < len(grid[r]) and grid[r][c] is None:
                grid[r][c] = _NoValue(value)
    return grid


def read_xlsx(path: Path) -> Sheet:
    out = Sheet()
    try:
        from openpyxl import load_workbook

        # Read-only mode parses a sheet only when it is read: a ledger with a sheet per unit stays fast.
        wb_v = load_workbook(path, read_only=True, data_only=True)
        wb_f = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # not a zip, not an xlsx, encrypted, truncated...
        out.problems.append(_unreadable(path, exc))
        return out
    try:
        names = wb_v.sheetnames
        chosen = [SUMMARY_SHEET] if SUMMARY_SHEET in names else names
        for name in chosen:
            try:
                grid = _grid(path, name, wb_v, wb_f, out.problems)
            except SheetTooLarge:
                out.problems.append(Problem(
                    None, None,
                    f"工作表“{name}”超过 {MAX_ROWS} 行：请把台账拆分为几个文件分别导入。",
                    f"The sheet “{name}” has more than {MAX_ROWS} rows: split the ledger into several files."))
                return out
            except Exception as exc:  # a damaged sheet inside a readable file
                out.problems.append(_unreadable(path, exc))
                return out
            rows = _table(grid, name, out.problems)
            if not rows and len(chosen) == 1:
                out.problems.append(
                    Problem(
                        None,
                        None,
                        f"工作表“{name}”中没有找到表头（应有“账号名称”“平台”“主办单位”等列）："
                        "请确认表头在前 15 行内，或参照 govmedia export 导出的台账格式。",
                        f"No header row found in the sheet “{name}” (it needs columns such as “账号名称”, “平台”, "
                        "“主办单位”): put the headers within the first 15 rows, or follow the layout of "
                        "govmedia export.",
                    )
                )
            out.rows.extend(rows)
    finally:
        wb_v.close()
        wb_f.close()
    if not out.rows and not out.problems:
        out.problems.append(
            Problem(
                None,
                None,
                f"{path.name} 中没有账号数据：请确认台账不是空表，且表头含“账号名称”“平台”“主办单位”等列。",
                f"{path.name} holds no accounts: check that the ledger is not empty and that its headers include "
                "“账号名称”, “平台”, “主办单位”.",
            )
        )
    return out


class _NoValue(str):
    """A formula whose result was never saved (the file was written by a program, not Excel)."""


def _ledger_bytes(path: Path, out: Sheet) -> bytes | None:
    """A CSV or JSON ledger's bytes (checks/files.read_regular: a regular file, at most MAX_TEXT_BYTES, found
    too large before it is read into memory); None with a problem in ``out``."""
    limit = MAX_TEXT_BYTES // (1024 * 1024)
    try:
        return read_regular(str(path), MAX_TEXT_BYTES)
    except TooLarge as exc:
        out.problems.append(Problem(
            None, None,
            f"{path.name} 有 {exc.size // (1024 * 1024)} MB，超过 {limit} MB 的上限：请把台账拆分为几个文件分别导入。",
            f"{path.name} is {exc.size // (1024 * 1024)} MB, over the limit of {limit} MB: split the ledger into "
            "several files."))
    except OSError as exc:
        out.problems.append(Problem(
            None, None, f"无法读取 {path.name}（{exc.strerror or type(exc).__name__}）：请确认它是普通文件且可读。",
            f"cannot read {path.name} ({exc.strerror or type(exc).__name__}): make sure it is a readable regular file."))
    return None


def _too_many_rows(path: Path, out: Sheet) -> Sheet:
    out.problems.append(Problem(
        None, None,
        f"{path.name} 超过 {MAX_ROWS} 行：请把台账拆分为几个文件分别导入。",
        f"{path.name} has more than {MAX_ROWS} rows: split the ledger into several files."))
    return out


def read_csv(path: Path) -> Sheet:
    out = Sheet()
    raw = _ledger_bytes(path, out)
    if raw is None:
        return out
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        out.problems.append(
            Problem(
                None,
                None,
                f"{path.name} 的编码无法识别：请另存为 UTF-8 编码的 CSV。",
                f"The encoding of {path.name} is unknown: save it as a UTF-8 CSV.",
            )
        )
        return out
    reader = csv.reader(io.StringIO(text))
    grid: list[list[Any]] = []
    try:
        for r in reader:  # as for a workbook: MAX_COLS columns, MAX_ROWS rows
            if len(grid) > MAX_ROWS:
                return _too_many_rows(path, out)
            grid.append([(v if v != "" else None) for v in r[:MAX_COLS]])
    except csv.Error as exc:  # a field longer than the csv module allows, a stray quote in strict mode...
        out.problems.append(
            Problem(
                None,
                None,
                f"{path.name} 无法按 CSV 读取（第 {reader.line_num} 行）：{exc}。"
                "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入。",
                f"{path.name} cannot be read as CSV (line {reader.line_num}): {exc}. "
                "Save it again as “CSV UTF-8” in Excel or WPS and import that.",
            )
        )
        return out
    return _tabled(grid, path, out)


def _tabled(grid: list[list[Any]], path: Path, out: Sheet) -> Sheet:
    """``out`` with the rows of a CSV or JSON ``grid``; no row at all is a problem that says why."""
    out.rows = _table(grid, path.name, out.problems)
    if not out.rows:
        out.problems.append(
            Problem(
                None,
                None,
                f"{path.name} 中没有找到表头或数据（应有“账号名称”“平台”“主办单位”等列）。",
                f"No header row or no data in {path.name} (it needs columns such as “账号名称”, “平台”, “主办单位”).",
            )
        )
    return out


def read_json(path: Path) -> Sheet:
    out = Sheet()
    raw = _ledger_bytes(path, out)
    if raw is None:
        return out
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: arrays nested too deep
        out.problems.append(
            Problem(None, None, f"{path.name} 不是有效的 JSON：{exc}。", f"{path.name} is not valid JSON: {exc}.")
        )
        return out
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data) or not data:
        out.problems.append(
            Problem(
                None,
                None,
                f"{path.name} 应是一个对象列表（govmedia export --format json 的格式）。",
                f"{path.name} must be a list of objects (the format of govmedia export --format json).",
            )
        )
        return out
    if len(data) > MAX_ROWS:
        return _too_many_rows(path, out)
    headers = list(dict.fromkeys(k for item in data for k in item))[:MAX_COLS]
    grid: list[list[Any]] = [headers] + [[item.get(h) for h in headers] for item in data]
    return _tabled(grid, path, out)


def read_ledger(path: Path) -> Sheet:
    if not path.is_file():
        return Sheet(
            problems=[
                Problem(
                    None,
                    None,
                    f"找不到台账文件 {path}：请检查文件名和路径。",
                    f"The ledger file {path} does not exist: check its name and path.",
                )
            ]
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    if suffix == ".xls":
        return Sheet(
            problems=[
                Problem(
                    None,
                    None,
                    f"{path.name} 是旧版 .xls 格式：请在 Excel 或 WPS 中另存为 .xlsx 后再导入。",
                    f"{path.name} is in the old .xls format: save it as .xlsx in Excel or WPS and import that.",
                )
            ]
        )
    return read_xlsx(path)


# ---------------------------------------------------------------- cell values


def text_of(value: Any) -> str:
    """A cell as text: numbers without '.0', dates ISO, apostrophe guards removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\u00a0", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    return text


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date_of(value: Any) -> tuple[str | None, tuple[str, str] | None]:
    """(ISO date, problem). Accepts Excel dates, serial numbers and 2025-1-2 / 2025/1/2 / 2025年1月2日."""
    if value is None or text_of(value) == "":
        return None, None
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial date stored as a number
            return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat(), None
        return None, (
            f"“{text_of(value)}”不是日期：请写成 YYYY-MM-DD，如 2025-01-21。",
            f"“{text_of(value)}” is not a date: write YYYY-MM-DD, e.g. 2025-01-21.",
        )
    m = _DATE_TEXT.match(text_of(value))
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), None
        except ValueError:
            pass
    return None, (
        f"“{text_of(value)}”不是有效日期：请写成 YYYY-MM-DD，如 2025-01-21。",
        f"“{text_of(value)}” is not a valid date: write YYYY-MM-DD, e.g. 2025-01-21.",
    )


def bool_of(value: Any) -> bool | None:
    text = text_of(value).lower()
    if text in ("是", "已认证", "y", "yes", "true", "1", "√", "✓", "有", "开启", "已审核", "是的"):
        return True
    if text in ("否", "未认证", "n", "no", "false", "0", "×", "无", "关闭", "未审核"):
        return False
    return None


def days_of(value: Any) -> int | None:
    text = text_of(value)
    words = {
        "每日": 1,
        "每天": 1,
        "日更": 1,
        "每周": 7,
        "周更": 7,
        "每两周": 14,
        "双周": 14,
        "每半月": 15,
        "每月": 30,
    }
    if text in words:
        return words[text]
    m = re.fullmatch(r"(\d{1,4})\s*(天|日)?", text)
    return int(m[1]) if m else None


def lookup(text: str, table: dict[str, str], extra: dict[str, str]) -> str | None:
    """An id from an id, a label or a known variant."""
    key = norm_header(text)
    for ident, label in table.items():
        if key in (norm_header(ident), norm_header(label)):
            return ident
    return extra.get(key)


def _variants(table: dict[str, str]) -> dict[str, str]:
    """A table of spellings seen in ledgers, keyed as :func:`lookup` compares them."""
    return {norm_header(k): v for k, v in table.items()}


PLATFORM_VARIANTS = _variants(
    {
        "微信": "wechat_official",
        "公众号": "wechat_official",
        "微信公众平台": "wechat_official",
        "视频号": "wechat_channels",
        "新浪微博": "weibo",
        "头条号": "toutiao",
        "头条": "toutiao",
        "b站": "bilibili",
        "哔哩哔哩弹幕网": "bilibili",
        "客户端": "app",
        "app": "app",
        "移动app": "app",
        "微信小程序": "mini_program",
        "抖音号": "douyin",
        "快手号": "kuaishou",
    }
)
STATUS_VARIANTS = _variants(
    {
        "正常": "active",
        "运行中": "active",
        "已开通": "active",
        "正常运营": "active",
        "在用": "active",
        "已关停": "closed",
        "已注销": "closed",
        "关停": "closed",
        "注销": "closed",
        "已退出": "exited",
        "退出": "exited",
        "申请": "applying",
        "待审批": "applying",
        "审批中": "applying",
        "驳回": "rejected",
        "未通过": "rejected",
    }
)
UNIT_KIND_VARIANTS = _variants(
    {
        "机关": "administrative_organ",
        "行政单位": "administrative_organ",
        "党政机关": "administrative_organ",
        "事业": "public_institution",
        "内设": "internal_body",
        "内设机构（科室）": "internal_body",
    }
)


def known_columns(rows: Iterable[Row]) -> set[str]:
    out: set[str] = set()
    for row in rows:
        out |= set(row.headers)
    return out
