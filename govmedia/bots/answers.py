"""Issue-form answers -> register files, through the scaffolding of ``govmedia new`` (one code path).

The forms of ``govmedia new`` (``govmedia/staff/forms.py``) are answered from the issue form instead of
flags or prompts: each issue-form field id is the flag's name without ``--``. The answers go through the
same ``govmedia.staff.draft`` as at a terminal (parsed, files built, the candidate register judged by the
rules), so a staff member sees the same messages either way. What is left here is the issue form's own
shape: the change lines (``账号名称：…``) and the labels the messages name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govmedia.findings.message import Msg
from govmedia.staff import draft as dr
from govmedia.staff.candidate import Checker
from govmedia.staff.fields import Env

# The words a staff member writes before "：" in a change form -> the account.yaml field.
CHANGE_WORDS = {
    "账号名称": "name",
    "名称": "name",
    "账号ID": "platform_id",
    "账号 ID": "platform_id",
    "原始ID": "platform_id",
    "网址": "url",
    "主页网址": "url",
    "功能定位": "positioning",
    "全国系统编号": "national_system_id",
    "主办单位": "unit",
}


@dataclass
class Scaffolded:
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Msg] = field(default_factory=list)
    account: str = ""  # unit-id/account-id the request is about, once known


def _change_sets(text: str) -> tuple[list[str], list[Msg]]:
    """``账号名称：王益教育`` lines -> ``name=王益教育`` (the ``--set`` of ``govmedia new request``)."""
    sets, problems = [], []
    for line in text.splitlines():
        line = line.strip().lstrip("-*").strip()
        if not line:
            continue
        m = re.match(r"^([^:：=]+)[:：=](.*)$", line)
        if m is None or not m.group(2).strip():
            problems.append(Msg(f"「要修改的内容」中的“{line[:40]}”：请写成 字段：新值。",
                                f"“{line[:40]}” in the changes: write field: new value."))
            continue
        key, value = m.group(1).strip(), m.group(2).strip()
        sets.append(f"{CHANGE_WORDS.get(key, key)}={value}")
    return sets, problems


def _name(names: dict[str, str], field: str | None) -> str:
    key = "changes" if field == "set" else (field or "").replace("_", "-")
    return names.get(key, field or "")


def _said(draft: dr.Draft, names: dict[str, str]) -> list[Msg]:
    """What stops the files, each naming the issue form's field (its label) so the staff member knows
    which answer to edit: missing answers, unusable answers, and the rules' errors on the files."""
    out = []
    if draft.missing:
        listed = "、".join(f"「{_name(names, f.name)}」" for f in draft.missing)
        out.append(Msg(f"请填写：{listed}。", "Please answer: " + ", ".join(_name(names, f.name) for f in draft.missing)))
    for p in draft.problems:
        given = f"（{p.given[:57]}）" if p.given else ""
        head = f"「{_name(names, p.field)}」{given}：" if p.field else ""
        out.append(Msg(head + p.message.zh, (f"“{_name(names, p.field)}”: " if p.field else "") + p.message.en))
    for f in draft.findings:
        if f.severity == "error":
            field = draft.field_of(f)
            head = f"「{_name(names, field)}」：" if field else f"{f.path}："
            out.append(Msg(f"{head}{f.code} {f.zh}", f"{f.code} {f.en}"))
    return out


def scaffold(env: Env, action: str, answers: dict[str, str], names: dict[str, str]) -> Scaffolded:
    """The files of the request ``action`` answered in ``answers``, or the problems to fix first: the staff
    tooling's own answers-to-files function (``govmedia.staff.draft``), judged by the rules."""
    given: dict[str, Any] = {k.replace("-", "_"): v for k, v in answers.items() if v.strip()}
    out = Scaffolded()
    if "changes" in given:
        given["set"], out.problems = _change_sets(given.pop("changes"))
    draft = dr.draft_action(action, given, env, Checker(env.registry, env.today))
    out.problems += _said(draft, names)
    values = draft.values
    out.account = str(values.get("account") or f"{values.get('unit')}/{values.get('id')}")
    if out.problems or draft.files is None:
        return out
    out.files = dict(draft.files.texts)
    return out
