"""The importer's own answer checks, kept apart until the importer checks its rows through the candidate
register (govmedia/staff/candidate.py) like ``govmedia new`` does: delete this module then.

``govmedia new`` no longer uses any of this: its messages are the rules' findings.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from govmedia.dialect.identifiers import host_in, uscc_well_formed
from govmedia.findings.message import Msg
from govmedia.register.schema_errors import known_problem as _known_problem
from govmedia.register.schema_errors import show_value as _show
from govmedia.register.schema_errors import zh_message as _explain_zh
from govmedia.schemas.governance import Governance, id_regex

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# The English of the pydantic errors a form answer commonly hits ({f}: the field; the rest from ``ctx``).
_EXPLAIN_EN = {
    "missing": "the required field “{f}” is missing: add it (formats in schemas/json/).",
    "extra_forbidden": "unknown field “{f}”: delete it or correct its spelling.",
    "string_too_short": "“{f}” must not be empty.",
    "string_too_long": "“{f}” is too long: at most {max_length} characters.",
    "literal_error": "“{f}” must be one of {expected}.",
    "string_pattern_mismatch": "“{f}” has the wrong format: it must match {pattern}.",
}


def explain(err: dict[str, Any], field_name: str, model: type[BaseModel] | None) -> Msg:
    """A pydantic error in both languages: the Chinese wording of GM010 findings, plain English."""
    known = _known_problem(err)
    if known is not None:  # raised with schemas.common.problem(): it carries both languages
        return Msg(f"“{field_name}”：{known[1]}。", f"“{field_name}”: {known[2]}.")
    ctx = err.get("ctx") or {}
    template = _EXPLAIN_EN.get(err["type"])
    if template is not None:
        en = template.format(
            f=field_name,
            max_length=ctx.get("max_length"),
            expected=ctx.get("expected", ""),
            pattern=ctx.get("pattern", ""),
        )
    else:
        given = err.get("input")
        shown = f"“{given[:57]}”" if isinstance(given, str) else _show(given)
        en = f"“{field_name}”: {err.get('msg', '')} (got {shown})."
    return Msg(_explain_zh(err, field_name, model), en)


def uscc_problem(value: Any) -> Msg | None:
    """GM406 as you type: a malformed code is refused; a check-digit mismatch only noted by the check."""
    text = str(value)
    if not uscc_well_formed(text):
        return Msg(
            "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），请对照证书填写。",
            "A unified social credit code is 18 digits or capital letters (no I, O, S, V, Z): "
            "copy it from the certificate.",
        )
    return None


def platform_problems(gov: Governance, platform: str, platform_id: str | None, url: str | None) -> list[Msg]:
    """What GM107 would say about this platform_id and url, in a newcomer's words."""
    p = gov.platforms.get(platform)
    if p is None:
        return [
            Msg(
                f"平台 {platform} 不在 policies/governance.yaml 的 platforms 中。",
                f"The platform {platform} is not among the platforms of policies/governance.yaml.",
            )
        ]
    out = []
    if platform_id is not None and not id_regex(p.id_pattern).fullmatch(platform_id):  # as GM107 does (RE2)
        out.append(
            Msg(
                f"{p.label}的账号 ID 格式应符合 {p.id_pattern}：请从平台后台复制原始 ID。",
                f"An account id on “{p.label}” must match {p.id_pattern}: copy the original id from the "
                "platform's back office.",
            )
        )
    if url is not None:
        host = (urlsplit(url).hostname or "").lower()
        if not host_in(host, p.url_hosts):
            out.append(
                Msg(
                    f"{p.label}的网址应以 https:// 开头且域名为 {'、'.join(p.url_hosts)}，现在是 {host or url}。",
                    f"url of an account on “{p.label}”: it must start with https:// on the domain "
                    f"{', '.join(p.url_hosts)}; it is {host or url}.",
                )
            )
    return out
