"""Pure building blocks of ``govmedia new``: what to ask, how to check an answer, what to write.

Nothing here reads stdin or prints. A *form* is a list of :class:`Ask` (one question per field;
the forms themselves are in ``forms.py``); :func:`check_answer` validates one answer against the
pydantic model (so the message is the same one ``govmedia check`` would give later) and against the
register (platform id pattern, url host, existing ids). Every problem is a :class:`~.cli.Msg` in
Chinese and English, for ``--lang`` and for the importer's row reports. The builders return
``{relative path: text}``; the command writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from govmedia.cli import Msg
from govmedia.dialect.identifiers import host_in
from govmedia.dialect.urls import url_host
from govmedia.register.lifecycle import PENDING_STATUS
from govmedia.register.registry import Registry
from govmedia.register.schema_errors import _problem as _known_problem
from govmedia.register.schema_errors import _show
from govmedia.register.schema_errors import _zh as _explain_zh  # the same Chinese wording as GM010 findings
from govmedia.schemas import Account, Announcement, Approval, Request, Unit
from govmedia.schemas.governance import Governance, id_regex
from govmedia.schemas.request import CHANGEABLE_FIELDS
from govmedia.staff.demo import dump

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UNIT_KINDS = {
    "administrative_organ": "行政机关",
    "public_institution": "事业单位",
    "internal_body": "内设机构",
}
UNDERTAKING_KINDS = {"internal": "本单位自行运营", "entrusted": "委托第三方运营"}
ANNOUNCEMENT_KINDS = {"opening": "开通", "change": "变更", "exit": "退出监管", "close": "注销关停"}
# English labels of the same choices, shown with --lang en (the files keep the ids).
CHOICE_LABELS_EN = {
    "administrative_organ": "administrative organ",
    "public_institution": "public institution",
    "internal_body": "internal body",
    "internal": "run by the unit itself",
    "entrusted": "entrusted to a third party",
    "opening": "opening",
    "change": "change",
    "exit": "exit from supervision",
    "close": "closure",
    "approved": "approve",
    "rejected": "reject",
}
ACTION_TO_KIND = {"open": "opening", "change": "change", "exit": "exit", "close": "close"}
_TRUE = {"是", "y", "yes", "true", "1", "对", "开", "开启"}
_FALSE = {"否", "n", "no", "false", "0", "不", "关", "关闭"}

Values = dict[str, Any]
Choices = list[tuple[str, str]]  # (value, label)


@dataclass(frozen=True)
class Ask:
    """One question: the field it fills (dotted path), its flag, its label (Chinese, English) and its type."""

    key: str
    flag: str
    zh: str
    en: str = ""
    kind: str = "str"  # str | bool | int | list | date | choice
    required: bool = True
    default: Callable[[Values], Any] | None = None
    choices: Callable[[Values], Choices] | None = None
    when: Callable[[Values], bool] | None = None
    hint: str = ""
    hint_en: str = ""
    extra: Callable[[Values, Any], Msg | None] | None = None  # register-level check -> message

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" or not self.en else self.en

    def hint_in(self, lang: str) -> str:
        return self.hint if lang == "zh" or not self.hint_en else self.hint_en


@dataclass
class Form:
    kind: str
    asks: list[Ask]
    model: type[BaseModel] | None  # validated field by field
    doc_prefix: str = ""  # keys under this prefix belong to the model's document
    values: Values = field(default_factory=dict)


# ---------------------------------------------------------------- values and nested documents


def set_path(doc: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        doc = doc.setdefault(part, {})
    doc[parts[-1]] = value


def nested(values: Values, prefix: str) -> dict[str, Any]:
    """The document under ``prefix`` ("doc.") built from dotted values, None values dropped."""
    doc: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith(prefix) and value is not None:
            set_path(doc, key[len(prefix) :], value)
    return doc


def parse(ask: Ask, text: str) -> tuple[Any, Msg | None]:
    """Turn typed text into a value of the field's type, or say what is expected."""
    text = text.strip()
    if ask.kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, Msg("请回答 是 或 否（y/n）。", "Please answer yes or no (y/n).")
    if ask.kind == "int":
        if re.fullmatch(r"[0-9]{1,6}", text):
            return int(text), None
        return None, Msg("请填写一个整数，如 7。", "Please give a whole number, e.g. 7.")
    if ask.kind == "list":
        items = [p.strip() for p in re.split(r"[,，、;；]", text) if p.strip()]
        return items, None
    if ask.kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            day = date.today().isoformat()
            return None, Msg(f"日期应写成 YYYY-MM-DD，如 {day}。", f"Write the date as YYYY-MM-DD, e.g. {day}.")
        return text, None
    return text, None


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


def _model_messages(model: type[BaseModel], doc: dict[str, Any], only: tuple[str, ...] | None) -> list[Msg]:
    try:
        model.model_validate(doc)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False):
            loc = tuple(str(p) for p in err["loc"])
            if only is not None and (err["type"] == "missing" or loc[: len(only)] != only):
                continue
            out.append(explain(dict(err), ".".join(loc) or "(文件)", model))
        return out
    return []


def check_answer(form: Form, ask: Ask, value: Any) -> Msg | None:
    """The first problem with ``value`` for ``ask`` given the answers so far, or None."""
    if value in (None, "", []):
        return None if not ask.required else Msg(f"{ask.zh}不能为空。", f"{ask.label('en')} must not be empty.")
    if ask.extra is not None:
        problem = ask.extra(form.values, value)
        if problem:
            return problem
    if ask.choices is not None:
        allowed = [v for v, _ in ask.choices(form.values)]
        if value not in allowed:
            return Msg(
                f"{ask.zh}应为以下之一：{'、'.join(allowed)}。",
                f"{ask.label('en')} must be one of: {', '.join(allowed)}.",
            )
    if form.model is not None and ask.key.startswith(form.doc_prefix):
        trial = dict(form.values)
        trial[ask.key] = value
        doc = nested(trial, form.doc_prefix)
        messages = _model_messages(form.model, doc, tuple(ask.key[len(form.doc_prefix) :].split(".")))
        if messages:
            return messages[0]
    return None


def validate_document(model: type[BaseModel], doc: dict[str, Any]) -> list[Msg]:
    return _model_messages(model, doc, None)


# ---------------------------------------------------------------- the register as context


@dataclass
class Env:
    """What the forms need to know about the register."""

    registry: Registry
    governance: Governance
    today: date
    lang: str = "zh"  # the language of choice labels (messages carry both languages)

    def labels(self, table: dict[str, str]) -> Choices:
        """A fixed table of choices with its labels in the user's language."""
        if self.lang == "zh":
            return list(table.items())
        return [(k, CHOICE_LABELS_EN.get(k, v)) for k, v in table.items()]

    def unit_choices(self) -> Choices:
        return [(uid, u.record.model.name if u.record else uid) for uid, u in sorted(self.registry.units.items())]

    def platform_choices(self) -> Choices:
        return [(pid, p.label) for pid, p in self.governance.platforms.items()]

    def org(self) -> str:
        for stage in self.governance.stages.values():
            for reviewer in stage.reviewers:
                if "/" in reviewer:
                    return str(reviewer[1:].split("/")[0])
        return "org"

    def stage_title(self, stage: str) -> str:
        s = self.governance.stages.get(stage)
        return s.title if s else stage

    def reviewers_of(self, stage: str, unit_id: str | None) -> list[str]:
        s = self.governance.stages.get(stage)
        if s is None:
            return []
        if s.from_unit and unit_id:
            unit = self.registry.units.get(unit_id)
            if unit and unit.record:
                return list(unit.record.model.reviewers)
        return list(s.reviewers)


def uscc_problem(value: Any) -> Msg | None:
    """GM406 as you type: a malformed code is refused; a check-digit mismatch only noted by the check."""
    from govmedia.dialect.identifiers import uscc_well_formed

    text = str(value)
    if not uscc_well_formed(text):
        return Msg(
            "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），请对照证书填写。",
            "A unified social credit code is 18 digits or capital letters (no I, O, S, V, Z): "
            "copy it from the certificate.",
        )
    return None


def id_problem(value: Any) -> Msg | None:
    if not isinstance(value, str) or not ID_RE.match(value) or len(value) > 64:
        return Msg(
            "编号只能用小写英文字母、数字和连字符“-”，如 wangyi-education（不超过 64 个字符）。",
            "An id uses only lowercase letters, digits and hyphens, e.g. wangyi-education (at most 64 characters).",
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
        host = url_host(url)
        if not host_in(host, p.url_hosts):
            out.append(
                Msg(
                    f"{p.label}的网址应以 https:// 开头且域名为 {'、'.join(p.url_hosts)}，现在是 {host or url}。",
                    f"url of an account on “{p.label}”: it must start with https:// on the domain "
                    f"{', '.join(p.url_hosts)}; it is {host or url}.",
                )
            )
    return out


# ---------------------------------------------------------------- changes (--set key=value)


def _scalar(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "是"):
        return True
    if low in ("false", "否"):
        return False
    if re.fullmatch(r"-?[1-9][0-9]{0,8}|0", text.strip()):
        return int(text)
    return text


def build_changes(current: dict[str, Any], sets: list[str], units: set[str]) -> tuple[dict[str, Any], list[Msg]]:
    """``["name=新名称", "interaction.comments=true"]`` -> ``changes`` (whole new top-level values)."""
    changes: dict[str, Any] = {}
    problems: list[Msg] = []
    for item in sets:
        if "=" not in item:
            problems.append(
                Msg(
                    f"--set {item}：应写成 字段=新值，如 --set name=王益教育。",
                    f"--set {item}: write field=new value, e.g. --set name=NewName.",
                )
            )
            continue
        key, _, raw = item.partition("=")
        key = key.strip()
        top, _, rest = key.partition(".")
        if top not in CHANGEABLE_FIELDS:
            problems.append(
                Msg(
                    f"--set {key}：字段 {top} 不能通过变更申请修改；可以修改的字段：{'、'.join(CHANGEABLE_FIELDS)}。",
                    f"--set {key}: the field {top} cannot be changed by a change request; fields that can: "
                    f"{', '.join(CHANGEABLE_FIELDS)}.",
                )
            )
            continue
        if top == "unit":
            if raw not in units:
                problems.append(
                    Msg(f"--set unit={raw}：名录中没有这个单位编号。", f"--set unit={raw}: no unit has this id.")
                )
                continue
            changes["unit"] = raw
            continue
        if not rest:
            changes[top] = _scalar(raw) if top in ("national_system_id",) else raw
            continue
        base = changes.get(top, current.get(top))
        value = yaml.safe_load(yaml.safe_dump(base)) if isinstance(base, dict) else {}
        cursor = value
        parts = rest.split(".")
        for part in parts[:-1]:
            cursor = cursor.setdefault(part, {})
        last = parts[-1]
        if last == "columns":
            cursor[last] = [p.strip() for p in re.split(r"[,，、]", raw) if p.strip()]
        else:
            cursor[last] = _scalar(raw)
        changes[top] = value
    return changes, problems


def apply_changes(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(current)
    for key, value in changes.items():
        if key != "unit":
            out[key] = value
    return out


# ---------------------------------------------------------------- files


def render(rel: str, data: dict[str, Any], kind: str) -> str:
    """A document as the register writes it: the schema line, then block-style YAML."""
    return dump(data, kind, rel.count("/"))


def unit_files(values: Values) -> dict[str, str]:
    unit_id = values["id"]
    doc = nested(values, "doc.")
    doc.setdefault("parent", None)
    rel = f"accounts/{unit_id}/unit.yaml"
    return {rel: render(rel, _ordered(doc, Unit), "unit")}


def account_files(values: Values) -> dict[str, str]:
    base = f"accounts/{values['unit']}/{values['id']}"
    doc = nested(values, "doc.")
    doc["status"] = "applying"
    day = values["date"]
    request = {
        "action": "open",
        "submitted_on": day,
        "applicant": {"name": values["applicant.name"], "title": values["applicant.title"]},
    }
    acc_rel, req_rel = f"{base}/account.yaml", f"{base}/requests/{day}-open/request.yaml"
    return {
        acc_rel: render(acc_rel, _ordered(doc, Account), "account"),
        req_rel: render(req_rel, request, "request"),
    }


def request_files(values: Values, doc: dict[str, Any]) -> dict[str, str]:
    folder = f"accounts/{values['account']}/requests/{doc['submitted_on']}-{doc['action']}"
    rel = f"{folder}/request.yaml"
    return {rel: render(rel, _ordered(doc, Request), "request")}


def approval_files(folder: str, values: Values) -> dict[str, str]:
    doc = nested(values, "doc.")
    rel = f"{folder}/{values['stage']}.yaml"
    return {rel: render(rel, _ordered(doc, Approval), "approval")}


def announcement_text(front: dict[str, Any], body: str) -> str:
    text = yaml.safe_dump(_ordered(front, Announcement), allow_unicode=True, sort_keys=False, width=1000)
    return "---\n" + text + "---\n\n" + body


def announcement_body(env: Env, refs: list[str], kind: str) -> str:
    reg = env.registry
    first = reg.accounts.get(refs[0]) if refs else None
    unit = reg.unit_name(first.unit_id) if first else None
    word = ANNOUNCEMENT_KINDS.get(kind, "")
    lines = [f"经审核批准，{unit or '本单位'}以下政务新媒体{word}，现予公告。", ""]
    for ref in refs:
        acc = reg.accounts.get(ref)
        if acc and acc.record:
            m = acc.record.model
            label = env.governance.platforms[m.platform].label if m.platform in env.governance.platforms else m.platform
            lines.append(f"- {label}「{m.name}」：<{m.url}>")
    lines += ["", "如发现冒用政务新媒体名义的账号，请向区政府办公室反映。", ""]
    return "\n".join(lines)


def announcement_files(env: Env, values: Values) -> dict[str, str]:
    front = nested(values, "doc.")
    body = announcement_body(env, list(front["accounts"]), str(front["kind"]))
    return {f"announcements/{front['published_on']}-{values['slug']}.md": announcement_text(front, body)}


def _ordered(doc: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Keys in the model's field order, so written files look like every other file."""
    order = list(model.model_fields)
    return {k: doc[k] for k in sorted(doc, key=lambda k: order.index(k) if k in order else len(order))}


def pending_status(action: str) -> str:
    return PENDING_STATUS[action]


def set_status(text: str, status: str) -> str:
    """Rewrite the ``status:`` line of an account.yaml, keeping every other byte."""
    return re.sub(r"(?m)^status:[^\n#]*", f"status: {status}", text, count=1)
