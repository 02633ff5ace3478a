"""pydantic errors -> findings at the line of the offending key, in the user's language."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from govmedia.dialect.yamlload import Document, slip_in
from govmedia.findings.finding import Finding, make

_LABEL = {
    "governance": "治理配置",
    "unit": "单位信息",
    "account": "账号信息",
    "request": "申请",
    "approval": "审批记录",
    "announcement": "公告前置信息",
}


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(文件)"


def show_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def zh_message(err: dict[str, Any], field: str, model: type[BaseModel] | None) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = show_value(err.get("input"))
    if kind == "missing":
        return f"缺少必填字段 “{field}”：请补上（格式见 schemas/json/）。"
    if kind == "extra_forbidden":
        hint = ""
        if model is not None and len(err["loc"]) == 1:
            close = difflib.get_close_matches(str(err["loc"][-1]), list(model.model_fields), n=1)
            hint = f"，是否想写 “{close[0]}”" if close else ""
        slip = slip_in(str(err["loc"][-1]))
        if slip is not None:
            return f"不认识的字段 “{field}”：{slip[0]}。"
        return f"不认识的字段 “{field}”{hint}：请删除或改正拼写。"
    if kind == "string_type":
        return f"“{field}” 应为文字，现在是 {given}：数字、日期等请加引号。"
    if kind == "bool_type":
        return f"“{field}” 应为 true 或 false，现在是 {given}。"
    if kind in ("int_type", "int_parsing"):
        return f"“{field}” 应为整数，现在是 {given}。"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        slip = slip_in(err["input"]) if isinstance(err.get("input"), str) else None
        return f"“{field}” 应为一组“字段: 值”（映射），现在是 {given}" + (f"：{slip[0]}。" if slip else "。")
    if kind == "list_type":
        return f"“{field}” 应为列表（每项以 “- ” 开头），现在是 {given}。"
    if kind == "literal_error":
        return f"“{field}” 的取值 {given} 不在允许范围内：应为 {ctx.get('expected', '')} 之一。"
    if kind == "string_pattern_mismatch":
        return f"“{field}” 的格式不对（{given}）：应符合 {ctx.get('pattern', '')}。"
    if kind == "string_too_short":
        return f"“{field}” 不能为空。"
    if kind == "string_too_long":
        return f"“{field}” 太长：最多 {ctx.get('max_length')} 个字符。"
    if kind == "too_short":
        return f"“{field}” 至少要有 {ctx.get('min_length')} 项。"
    if kind == "too_long":
        return f"“{field}” 最多 {ctx.get('max_length')} 项。"
    if kind in ("greater_than_equal", "greater_than"):
        return f"“{field}” 太小（{given}）：应不小于 {ctx.get('ge', ctx.get('gt'))}。"
    if kind in ("less_than_equal", "less_than"):
        return f"“{field}” 太大（{given}）：应不大于 {ctx.get('le', ctx.get('lt'))}。"
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        if "ISO date" in msg or "calendar date" in msg:
            return f"“{field}” 应为日期 YYYY-MM-DD（如 2024-05-01），现在是 {given}。"
        return f"“{field}” 不符合要求：{msg}。"
    return f"“{field}” 不符合要求：{err.get('msg', '')}。"


_EN = {
    "missing": "the required field “{f}” is missing: add it (formats in schemas/json/).",
    "extra_forbidden": "unknown field “{f}”: delete it or correct its spelling.",
    "string_type": "“{f}” must be text, it is {given}: quote numbers and dates.",
    "bool_type": "“{f}” must be true or false, it is {given}.",
    "int_type": "“{f}” must be a whole number, it is {given}.",
    "list_type": "“{f}” must be a list (each item on a line starting with “- ”), it is {given}.",
    "literal_error": "“{f}” is {given}, which is not allowed: it must be one of {expected}.",
    "string_pattern_mismatch": "“{f}” has the wrong format ({given}): it must match {pattern}.",
    "string_too_short": "“{f}” must not be empty.",
    "string_too_long": "“{f}” is too long: at most {max_length} characters.",
    "greater_than_equal": "“{f}” is too small ({given}): it must be at least {ge}.",
    "less_than_equal": "“{f}” is too large ({given}): it must be at most {le}.",
}


def en_message(err: dict[str, Any], field: str) -> str:
    """The English of a pydantic error as a sentence that says the fix, like :func:`zh_message`."""
    ctx = err.get("ctx") or {}
    template = _EN.get(err["type"])
    given = show_value(err.get("input"))
    if template is None:
        return f"{field}: {err.get('msg', '')} (got {given})"
    return template.format(f=field, given=given, expected=ctx.get("expected", ""), pattern=ctx.get("pattern", ""),
                           max_length=ctx.get("max_length"), ge=ctx.get("ge"), le=ctx.get("le"))


def _en_slip(err: dict[str, Any]) -> str:
    """The English of a tab, full-width space or full-width colon in an unknown key or in text given where a
    mapping belongs (what :func:`zh_message` names in Chinese)."""
    if err["type"] == "extra_forbidden":
        slip = slip_in(str(err["loc"][-1]))
    elif err["type"] in ("dict_type", "model_type", "model_attributes_type") and isinstance(err.get("input"), str):
        slip = slip_in(err["input"])
    else:
        slip = None
    return f": {slip[1]}" if slip else ""


def known_problem(err: dict[str, Any]) -> tuple[str, str, str] | None:
    """The (field, zh, en) of an error raised with schemas.common.problem(), else None."""
    if err["type"] != "value_error":
        return None
    text = str((err.get("ctx") or {}).get("error", ""))
    parts = text.split("::")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def findings_from(
    exc: ValidationError, doc: Document, path: str, kind: str, model: type[BaseModel] | None = None
) -> list[Finding]:
    out: list[Finding] = []
    label = _LABEL.get(kind, kind)
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        known = known_problem(dict(err))
        if known is not None:
            sub, zh_text, en_text = known
            loc = (*loc, sub) if sub else loc
            field = dotted(loc)
            pos = doc.pos(loc)
            out.append(make("GM010", path, pos.line, pos.column, f"{label}“{field}”：{zh_text}。",
                            f"{kind}: {field}: {en_text}."))
            continue
        field = dotted(loc)
        pos = doc.pos(loc)
        zh = f"{label}{zh_message(dict(err), field, model)}"
        en = f"{kind}: {en_message(dict(err), field)}" + _en_slip(dict(err))
        out.append(make("GM010", path, pos.line, pos.column, zh, en))
    return out
