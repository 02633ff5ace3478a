"""A ledger cell as a value: text, a date, yes/no, a number of days, or one of a table's ids.

Cells come as openpyxl gives them (str, int, float, date, datetime, bool, None) or as CSV/JSON text.
An identifier is always read as text: a number of 16 digits that a spreadsheet stored as a number is
said to have lost its last digits (:func:`lost_digits`), never silently rounded.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from govmedia.dialect.textfold import fold

FORMULA_START = ("=", "+", "-", "@")


def norm_header(text: str) -> str:
    """A header or a name as compared: folded as the rules fold names (NFKC, traditional to simplified, no
    spaces or punctuation, lower case), without the markers 必填 / 选填."""
    folded = fold(str(text))
    for marker in ("必填", "选填"):
        if folded.endswith(marker) and len(folded) > len(marker):
            folded = folded[: -len(marker)]
    return folded


class NoValue(str):
    """A formula whose result was never saved (the file was written by a program, not Excel)."""


# A spreadsheet keeps 15 significant digits of a number: a longer id stored as a number lost the rest.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def lost_digits(value: Any) -> bool:
    """An id cell that a spreadsheet turned into a number too long to keep (or wrote as 1.6E+15)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return abs(value) >= 1e15 or not value.is_integer()
    if isinstance(value, int):
        return abs(value) >= 10**15
    return isinstance(value, str) and bool(_SCIENTIFIC.match(value.strip()))


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
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
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


def variants(table: dict[str, str]) -> dict[str, str]:
    """A table of spellings seen in ledgers, keyed as :func:`lookup` compares them."""
    return {norm_header(k): v for k, v in table.items()}


STATUS_VARIANTS = variants({
    "正常": "active", "运行中": "active", "已开通": "active", "正常运营": "active", "在用": "active",
    "运营中": "active", "正常运行": "active", "正常更新": "active", "保留": "active", "拟保留": "active",
    "已关停": "closed", "已注销": "closed", "关停": "closed", "注销": "closed", "关闭": "closed",
    "已关闭": "closed", "下线": "closed", "已下线": "closed", "停用": "closed", "已停用": "closed",
    "整合": "closed", "已整合": "closed", "合并": "closed", "已合并": "closed", "注销关停": "closed",
    "登出": "closed", "已登出": "closed",  # 注销 as machine conversion to traditional characters writes it
    "已退出": "exited", "退出": "exited", "退出监管": "exited",
    "申请": "applying", "待审批": "applying", "审批中": "applying",
    "驳回": "rejected", "未通过": "rejected",
})
UNIT_KIND_VARIANTS = variants({
    "机关": "administrative_organ", "行政单位": "administrative_organ", "党政机关": "administrative_organ",
    "行政机关": "administrative_organ", "事业": "public_institution", "事业单位": "public_institution",
    "内设": "internal_body", "内设机构": "internal_body", "内设机构（科室）": "internal_body",
})
