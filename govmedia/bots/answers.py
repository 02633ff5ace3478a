"""Issue-form answers -> register files, through the scaffolding of ``govmedia new`` (one code path).

The forms of ``govmedia new`` (``govmedia/staff/forms.py``) are answered from the issue form instead of
flags or prompts: each issue-form field id is the flag's name without ``--``. Every answer is checked by
the same ``scaffold.check_answer`` and the files are built by the same ``scaffold.*_files`` as at a
terminal, so a staff member sees the same messages either way.

Thin on purpose: when the staff tooling offers one pure function from answers to files and findings,
:func:`scaffold` becomes a call to it and nothing else here changes.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any

import yaml

from govmedia.findings.message import Msg
from govmedia.register.lifecycle import PENDING_STATUS
from govmedia.schemas.request import Action
from govmedia.staff import draft as dr
from govmedia.staff import scaffold as sc
from govmedia.staff.candidate import Checker
from govmedia.staff.fields import Env

# The register form's choice of the state an existing account is in -> recorded_status.
RECORDED_STATUS = {"正常运行": "active", "已注销关停": "closed", "已退出监管": "exited",
                   "active": "active", "closed": "closed", "exited": "exited"}
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


def _as_register(files: dict[str, str], answers: dict[str, str]) -> dict[str, str]:
    """The opening files of :func:`_open` turned into a 存量登记: the request folder and action say
    ``register`` with the state the account is in (and the day it ended), and the account carries the date
    it was opened on its platform."""
    out = {}
    status = PENDING_STATUS.get("register", "applying")
    opened_on, ended_on = answers.get("opened-on", "").strip(), answers.get("ended-on", "").strip()
    recorded = RECORDED_STATUS.get(answers.get("recorded-status", "").strip(), "")
    for rel, text in files.items():
        if rel.endswith("/account.yaml"):
            text = sc.set_status(text, status) + (f"opened_on: {_quoted(opened_on)}\n" if opened_on else "")
        elif rel.endswith("/request.yaml"):
            rel = re.sub(r"-open/request\.yaml$", "-register/request.yaml", rel)
            text = text.replace("action: open", "action: register", 1)
            text += f"recorded_status: {recorded}\n" if recorded else ""
            text += f"ended_on: {_quoted(ended_on)}\n" if ended_on else ""
        out[rel] = text
    return out


def _quoted(value: str) -> str:
    """A form's answer as one YAML scalar (a string, whatever it holds)."""
    return yaml.safe_dump(value, allow_unicode=True, default_style="'", width=1000).strip().removesuffix("...").strip()


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
    if action == "register" and "register" not in typing.get_args(Action):
        return Scaffolded(problems=[Msg("这个名录版本还不能办理存量登记：请联系区政府办公室。",
                                        "This version of the register cannot record existing accounts yet: "
                                        "ask the district office.")])
    given: dict[str, Any] = {k.replace("-", "_"): v for k, v in answers.items() if v.strip()}
    out = Scaffolded()
    if "changes" in given:
        given["set"], out.problems = _change_sets(given.pop("changes"))
    for extra in ("opened_on", "recorded_status", "ended_on"):  # the 存量登记 form's own answers
        given.pop(extra, None)
    draft = dr.draft_action("open" if action == "register" else action, given, env, Checker(env.registry, env.today))
    out.problems += _said(draft, names)
    values = draft.values
    out.account = str(values.get("account") or f"{values.get('unit')}/{values.get('id')}")
    if out.problems or draft.files is None:
        return out
    out.files = dict(draft.files.texts)
    if action == "register":
        out.files = _as_register(out.files, answers)
    return out
