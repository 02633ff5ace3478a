"""Reading a ledger file (.xlsx, .csv, .json) into rows. Reading never raises: every problem is a
:class:`Problem` with the sheet, row and column, in words a newcomer can act on.

A workbook is read in read-only mode (a sheet is parsed only when read) and within bounds (MAX_COLS,
MAX_ROWS, MAX_EMPTY_ROWS), so that a stray cell at XFD1048576 cannot make the import read gigabytes.
Every cell is read as the spreadsheet stored it; identifiers are turned into text without rounding.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govmedia.dialect.files import TooLarge, read_regular
from govmedia.staff.ledger_cells import NoValue
from govmedia.staff.ledger_columns import SUMMARY_SHEET
from govmedia.staff.ledger_table import Problem, Row, rows_of
from govmedia.staff.vocabulary import Vocabulary


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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
    from openpyxl.utils.cell import range_boundaries  # openpyxl takes 0.2 s to load: only for a workbook

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
                grid[r][c] = NoValue(value)
    return grid


def read_xlsx(path: Path, voc: Vocabulary) -> Sheet:
    out = Sheet()
    try:
        from openpyxl import load_workbook  # openpyxl takes 0.2 s to load: only for a workbook

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
            rows = rows_of(grid, name, voc, out.problems)
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


def read_csv(path: Path, voc: Vocabulary) -> Sheet:
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
    return _tabled(grid, path, out, voc)


def _tabled(grid: list[list[Any]], path: Path, out: Sheet, voc: Vocabulary) -> Sheet:
    """``out`` with the rows of a CSV or JSON ``grid``; no row at all is a problem that says why."""
    out.rows = rows_of(grid, path.name, voc, out.problems)
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


def read_json(path: Path, voc: Vocabulary) -> Sheet:
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
    return _tabled(grid, path, out, voc)


def read_ledger(path: Path, voc: Vocabulary) -> Sheet:
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
        return read_csv(path, voc)
    if suffix == ".json":
        return read_json(path, voc)
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
    return read_xlsx(path, voc)
