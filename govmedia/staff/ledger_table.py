"""A sheet's grid of cells as ledger rows: find the header row, know its columns, read the rows below.

Real published lists (docs/ledger.md shows some) put one or two title rows above the header, a 序号
column and monitoring figures beside the account, the platform in its own column, in the name
(「徐圩警方(新浪微博)」) or as the header of a column of names (「单位 | 微信公众号 | 微博」), and a
unit once for the several accounts below it (a merged cell, or a blank one). All of these are read;
what was recognised and what was read past is said once per table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govmedia.staff.ledger_cells import text_of
from govmedia.staff.ledger_columns import HEADERS
from govmedia.staff.vocabulary import Vocabulary

HEADER_SCAN_ROWS = 15
# A unit's several accounts share its cells: a row whose unit is blank below a filled one is the same unit
# (a vertically merged cell exported as text keeps only its first cell), and takes all the unit's cells.
UNIT_CELLS = ("unit_name", "unit_id", "unit_uscc", "unit_kind", "parent", "leader_name", "leader_title",
              "unit_short_name", "division_code", "unit_reviewers")
PLATFORM_COLUMN = "@"  # prefix of the key of a column headed by a platform name: "@weibo"


# Where a problem is, in each language: the sheet, the row, the column, the separators.
_WHERE = {"zh": ("工作表“{}”", "第 {} 行", "“{}”列", "，", "："), "en": ("sheet “{}”", "row {}", "column “{}”", ", ", ": ")}


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
        sheet, row, column, comma, colon = _WHERE["zh" if lang == "zh" else "en"]
        where = [shape.format(value) for shape, value in ((sheet, self.sheet), (row, self.row), (column, self.column))
                 if value is not None and value != ""]
        body = self.zh if lang == "zh" else self.en
        return f"{comma.join(where)}{colon}{body}" if where else body


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, Any]  # column key -> raw value (str, int, float, date, datetime, bool, None)
    headers: dict[str, str]  # column key -> header as written


@dataclass
class Header:
    row: int = -1  # index in the grid
    columns: dict[int, str] = field(default_factory=dict)  # grid column -> key
    ignored: list[str] = field(default_factory=list)  # headers read past, as written

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def usable(self) -> bool:
        keys = set(self.columns.values())
        wide = any(k.startswith(PLATFORM_COLUMN) for k in keys)
        return "name" in keys or wide  # a list of names alone is a list (its platform and unit given on import)


def _header(values: list[Any], voc: Vocabulary) -> Header:
    out = Header()
    for i, value in enumerate(values):
        text = text_of(value)
        if not text:
            continue
        key = voc.column(text)
        if key is None and voc.platform(text) is not None and len(text) <= 12:
            key = PLATFORM_COLUMN + str(voc.platform(text))
        if key and key not in out.columns.values():
            out.columns[i] = key
        else:
            out.ignored.append(text)
    return out


def find_header(grid: list[list[Any]], voc: Vocabulary) -> Header | None:
    """The row among the first ones that names the most known columns (a title row above it is fine)."""
    best: Header | None = None
    for r, values in enumerate(grid[:HEADER_SCAN_ROWS]):
        head = _header(values, voc)
        head.row = r
        if head.usable and (best is None or head.score > best.score):
            best = head
    return best


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _expand(sheet: str, number: int, cells: dict[str, Any], headers: dict[str, str]) -> list[Row]:
    """One row, or one per filled platform column of a wide list (「单位 | 微信公众号 | 微博」)."""
    wide = {k: v for k, v in cells.items() if k.startswith(PLATFORM_COLUMN)}
    plain = {k: v for k, v in cells.items() if not k.startswith(PLATFORM_COLUMN)}
    if not wide or not _blank(plain.get("name")):
        return [Row(sheet, number, plain, headers)] if not _blank(plain.get("name")) else []
    out = []
    for key, value in wide.items():
        if _blank(value):
            continue
        pid = key[len(PLATFORM_COLUMN):]
        out.append(Row(sheet, number, {**plain, "name": value, "platform": pid},
                       {**headers, "name": headers[key], "platform": headers[key]}))
    return out


def rows_of(grid: list[list[Any]], sheet: str, voc: Vocabulary, problems: list[Problem]) -> list[Row]:
    """The ledger rows of ``grid`` (none when no header row is found), and a note of the columns."""
    head = find_header(grid, voc)
    if head is None:
        return []
    header_values = grid[head.row]
    headers = {key: text_of(header_values[i]) for i, key in head.columns.items()}
    problems.append(columns_note(sheet, head, headers, voc))
    rows: list[Row] = []
    above: dict[str, Any] = {}
    header_texts = [text_of(v) for v in header_values]
    for r in range(head.row + 1, len(grid)):
        values = grid[r]
        if [text_of(v) for v in values[: len(header_texts)]] == header_texts:
            continue  # the header repeated on every printed page
        cells = {key: values[i] if i < len(values) else None for i, key in head.columns.items()}
        if all(_blank(v) for v in cells.values()):
            continue
        _fill_down(cells, above)
        rows.extend(_expand(sheet, r + 1, cells, headers))
    return rows


def _fill_down(cells: dict[str, Any], above: dict[str, Any]) -> None:
    """Blank unit cells (and a blank platform) below filled ones: the merged cell they were part of."""
    unit_keys = [k for k in ("unit_name", "unit_id") if k in cells]
    if unit_keys and all(_blank(cells[k]) for k in unit_keys):
        cells.update({k: above[k] for k in UNIT_CELLS if k in cells and k in above})
    else:
        above.update({k: cells[k] for k in UNIT_CELLS if k in cells})
    if "platform" in cells:
        if _blank(cells["platform"]):
            cells["platform"] = above.get("platform")
        else:
            above["platform"] = cells["platform"]


def columns_note(sheet: str, head: Header, headers: dict[str, str], voc: Vocabulary) -> Problem:
    """Which columns were recognised (header → meaning) and which were read past."""
    def meaning(key: str) -> str:
        if key.startswith(PLATFORM_COLUMN):
            pid = key[len(PLATFORM_COLUMN):]
            return f"{voc.labels.get(pid, pid)}账号名称"
        return HEADERS.get(key, key)

    known = "、".join(f"{headers[k]}→{meaning(k)}" if headers[k] != meaning(k) else headers[k]
                     for k in headers)
    known_en = ", ".join(f"“{headers[k]}” ({k})" for k in headers)
    skipped = "、".join(head.ignored) or "无"
    skipped_en = ", ".join(f"“{h}”" for h in head.ignored) or "none"
    return Problem(head.row + 1, None,
                   f"表头在这一行。识别的列：{known}；忽略的列：{skipped}。",
                   f"the header is on this row. Recognised columns: {known_en}; ignored: {skipped_en}.",
                   sheet, error=False)
