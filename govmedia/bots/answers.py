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
from govmedia.schemas import Account, Request
from govmedia.schemas.request import Action
from govmedia.staff import forms
from govmedia.staff import scaffold as sc

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


def _choice(ask: sc.Ask, form: sc.Form, raw: str) -> str:
    """A choice answered by its label (what a dropdown shows) becomes its value."""
    if ask.choices is None:
        return raw
    for value, label in ask.choices(form.values):
        if raw in (value, label):
            return value
    return raw


def fill(form: sc.Form, answers: dict[str, str], names: dict[str, str]) -> list[Msg]:
    """Answer ``form`` from ``answers`` (by flag name), defaults where the answer is empty; the problems
    name the issue form's field (``names``) so the staff member knows which answer to edit."""
    missing: list[str] = []
    problems: list[Msg] = []
    for ask in form.asks:
        if ask.when is not None and not ask.when(form.values):
            continue
        key = ask.flag.removeprefix("--")
        name = names.get(key, ask.zh)
        raw = answers.get(key, "").strip()
        default = ask.default(form.values) if ask.default else None
        if raw:
            value, problem = sc.parse(ask, _choice(ask, form, raw))
            problem = problem or sc.check_answer(form, ask, value)
            shown = raw if len(raw) <= 60 else raw[:57] + "…"
            if problem is not None:
                problems.append(Msg(f"「{name}」（{shown}）：{problem.zh}", f"“{name}” ({shown}): {problem.en}"))
                continue
        elif default not in (None, "", []):
            value = default
            problem = sc.check_answer(form, ask, value)
            if problem is not None:
                problems.append(Msg(f"「{name}」：{problem.zh}", f"“{name}”: {problem.en}"))
                continue
        else:
            if ask.required:
                missing.append(name)
            continue
        form.values[ask.key] = value
    if missing:
        problems.insert(0, Msg("请填写：" + "、".join(f"「{m}」" for m in missing) + "。",
                               "Please answer: " + ", ".join(f"“{m}”" for m in missing) + "."))
    return problems


def _documents(model: type[Any], doc: dict[str, Any], name: str) -> list[Msg]:
    return [Msg(f"{name}：{m.zh}", f"{name}: {m.en}") for m in sc.validate_document(model, doc)]


def _open(env: sc.Env, answers: dict[str, str], names: dict[str, str], action: str) -> Scaffolded:
    form = forms.account_form(env)
    out = Scaffolded(problems=fill(form, answers, names))
    if out.problems:
        return out
    values = form.values
    out.account = f"{values['unit']}/{values['id']}"
    doc = sc.nested(values, "doc.")
    doc["status"] = "applying"
    request = {"action": "open", "submitted_on": values["date"],
               "applicant": {"name": values["applicant.name"], "title": values["applicant.title"]}}
    out.problems += _documents(Account, doc, "account.yaml") + _documents(Request, request, "request.yaml")
    out.problems += sc.platform_problems(env.governance, doc["platform"], doc["platform_id"], doc["url"])
    if out.problems:
        return out
    out.files = sc.account_files(values)
    if action == "register":
        out.files = _as_register(out.files, answers)
        request_rel = next(rel for rel in out.files if rel.endswith("/request.yaml"))
        out.problems += _documents(Request, yaml.safe_load(out.files[request_rel]), "request.yaml")
        if out.problems:
            out.files = {}
    return out


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


def _request(env: sc.Env, answers: dict[str, str], names: dict[str, str], action: str) -> Scaffolded:
    form = forms.request_form(env)
    out = Scaffolded(problems=fill(form, {**answers, "action": action}, names))
    if out.problems:
        return out
    values = form.values
    ref = str(values["account"])
    out.account = ref
    acc = env.registry.accounts[ref]
    assert acc.record is not None  # request_form's account check refuses an account that did not load
    doc = sc.nested(values, "doc.")
    current = dict(acc.record.doc.data)
    if action == "change":
        sets, out.problems = _change_sets(answers.get("changes", ""))
        changes, problems = sc.build_changes(current, sets, set(env.registry.units))
        out.problems += problems
        doc["changes"] = changes
        after = sc.apply_changes(current, changes)
        out.problems += _documents(Account, after, "变更后的 account.yaml")
        out.problems += sc.platform_problems(env.governance, str(after.get("platform", "")),
                                             after.get("platform_id"), after.get("url"))
    out.problems += _documents(Request, doc, "request.yaml")
    if out.problems:
        return out
    out.files = sc.request_files(values, doc)
    text = (env.registry.root / acc.path).read_text(encoding="utf-8")
    out.files[acc.path] = sc.set_status(text, sc.pending_status(action))
    return out


def scaffold(env: sc.Env, action: str, answers: dict[str, str], names: dict[str, str]) -> Scaffolded:
    """The files of the request ``action`` answered in ``answers``, or the problems to fix first."""
    if action == "register" and "register" not in typing.get_args(Action):
        return Scaffolded(problems=[Msg("这个名录版本还不能办理存量登记：请联系区政府办公室。",
                                        "This version of the register cannot record existing accounts yet: "
                                        "ask the district office.")])
    if action in ("open", "register"):
        return _open(env, answers, names, action)
    return _request(env, answers, names, action)
