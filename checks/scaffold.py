"""Pure building blocks of ``govmedia new``: what to ask, how to check an answer, what to write.

Nothing here reads stdin or prints. A *form* is a list of :class:`Ask` (one question per field);
:func:`check_answer` validates one answer against the pydantic model (so the message is the same
one ``govmedia check`` would give later) and against the register (platform id pattern, url host,
existing ids). The builders return ``{relative path: text}``; the command writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from govmedia.schemas import Account, Announcement, Approval, Request, Unit
from govmedia.schemas.governance import Governance
from govmedia.schemas.request import CHANGEABLE_FIELDS

from .cli import Msg
from .demo import dump
from .identifiers import host_in
from .lifecycle import ACTION_LABELS, PENDING_STATUS
from .registry import Registry, RequestRec
from .schema_errors import _problem as _known_problem
from .schema_errors import _show
from .schema_errors import _zh as _explain_zh  # the same Chinese wording as GM010 findings

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


def explain(err: dict[str, Any], field_name: str, model: type[BaseModel] | None) -> Msg:
    """A pydantic error in both languages: the Chinese wording of GM010 findings, plain English."""
    known = _known_problem(err)
    if known is not None:  # raised with schemas.common.problem(): it carries both languages
        return Msg(f"“{field_name}”：{known[1]}。", f"“{field_name}”: {known[2]}.")
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        en = f"the required field “{field_name}” is missing: add it (formats in schemas/json/)."
    elif kind == "extra_forbidden":
        en = f"unknown field “{field_name}”: delete it or correct its spelling."
    elif kind == "string_too_short":
        en = f"“{field_name}” must not be empty."
    elif kind == "string_too_long":
        en = f"“{field_name}” is too long: at most {ctx.get('max_length')} characters."
    elif kind == "literal_error":
        en = f"“{field_name}” must be one of {ctx.get('expected', '')}."
    elif kind == "string_pattern_mismatch":
        en = f"“{field_name}” has the wrong format: it must match {ctx.get('pattern', '')}."
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
    from .identifiers import uscc_well_formed

    text = str(value)
    if not uscc_well_formed(text):
        return Msg(
            "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），请对照证书填写。",
            "A unified social credit code is 18 digits or capital letters (no I, O, S, V, Z): "
            "copy it from the certificate.",
        )
    return None


def _id_problem(value: Any) -> Msg | None:
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
    if platform_id is not None and not re.fullmatch(p.id_pattern, platform_id):  # as GM107 does
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


# ---------------------------------------------------------------- forms


def unit_form(env: Env) -> Form:
    units = env.registry.units

    def new_id(_: Values, v: Any) -> Msg | None:
        if v in units:
            return Msg(
                f"单位编号 {v} 已存在（accounts/{v}/）：请换一个编号。",
                f"The unit id {v} already exists (accounts/{v}/): choose another id.",
            )
        return _id_problem(v)

    def parent_ok(_: Values, v: Any) -> Msg | None:
        if v in units:
            return None
        return Msg(
            f"主管单位 {v} 不在名录中：请填写已有单位的编号，或留空。",
            f"The supervising unit {v} is not in the register: give the id of an existing unit, or leave it empty.",
        )

    return Form(
        "unit",
        [
            Ask(
                "id",
                "--id",
                "单位编号（英文，用作文件夹名）",
                "unit id (used as the folder name)",
                extra=new_id,
                hint="如 wangyi-education",
                hint_en="e.g. wangyi-education",
            ),
            Ask("doc.name", "--name", "单位全称", "full name of the unit", hint="如 铜川市王益区教育局",
                hint_en="e.g. “铜川市王益区教育局”"),
            Ask("doc.short_name", "--short-name", "单位简称", "short name of the unit", hint="如 区教育局",
                hint_en="e.g. “区教育局”"),
            Ask(
                "doc.uscc",
                "--uscc",
                "统一社会信用代码",
                "unified social credit code",
                hint="18 位",
                hint_en="18 characters",
                extra=lambda _, v: uscc_problem(v),
            ),
            Ask(
                "doc.kind", "--kind", "单位性质", "kind of unit", kind="choice", choices=lambda _: env.labels(UNIT_KINDS)
            ),
            Ask(
                "doc.parent",
                "--parent",
                "主管单位编号（没有请直接回车）",
                "id of the supervising unit (press Enter if none)",
                required=False,
                extra=parent_ok,
                choices=lambda _: env.unit_choices(),
            ),
            Ask(
                "doc.division_code",
                "--division-code",
                "行政区划代码",
                "administrative division code",
                default=lambda _: env.governance.jurisdiction.division_code,
            ),
            Ask("doc.leader_in_charge.name", "--leader-name", "分管负责同志姓名", "name of the leader in charge"),
            Ask(
                "doc.leader_in_charge.title",
                "--leader-title",
                "分管负责同志职务",
                "title of the leader in charge",
                hint="如 副局长",
                hint_en="e.g. “副局长” (deputy director)",
            ),
            Ask(
                "doc.reviewers",
                "--reviewers",
                "本单位审核人（代码托管平台账号或团队，逗号分隔）",
                "the unit's reviewers (forge accounts or teams, comma-separated)",
                kind="list",
                default=lambda v: [f"@{env.org()}/{v.get('id', 'unit')}"],
                hint="如 @wangyi-gov/wangyi-education",
                hint_en="e.g. @wangyi-gov/wangyi-education",
            ),
        ],
        Unit,
        "doc.",
    )


def account_form(env: Env) -> Form:
    reg = env.registry

    def gov() -> Governance:
        return env.governance

    def unit_ok(_: Values, v: Any) -> Msg | None:
        if v not in reg.units:
            return Msg(
                f"单位 {v} 不在名录中：请先运行 govmedia new unit 登记主办单位。",
                f"The unit {v} is not in the register: register the host unit first with govmedia new unit.",
            )
        return None

    def acc_ok(vals: Values, v: Any) -> Msg | None:
        ref = f"{vals.get('unit')}/{v}"
        if ref in reg.accounts:
            return Msg(f"账号 {ref} 已存在：请换一个编号。", f"The account {ref} already exists: choose another id.")
        return _id_problem(v)

    def unit_name(vals: Values) -> str | None:
        return reg.unit_name(str(vals.get("unit")))

    def leader(vals: Values, i: int) -> str | None:
        unit = reg.units.get(str(vals.get("unit")))
        if unit is None or unit.record is None:
            return None
        person = unit.record.model.leader_in_charge
        return str(person.name if i == 0 else person.title)

    def pid_ok(vals: Values, v: Any) -> Msg | None:
        problems = platform_problems(gov(), str(vals.get("doc.platform")), str(v), None)
        return problems[0] if problems else None

    def url_ok(vals: Values, v: Any) -> Msg | None:
        if not str(v).startswith("https://"):
            return Msg("网址必须以 https:// 开头。", "The url must start with https://.")
        problems = platform_problems(gov(), str(vals.get("doc.platform")), None, str(v))
        return problems[0] if problems else None

    def unit_accounts(vals: Values) -> list[Any]:
        unit = reg.units.get(str(vals.get("unit")))
        return [a.record.model for a in unit.accounts.values() if a.record] if unit else []

    def one_per_platform(vals: Values, v: Any) -> Msg | None:
        from govmedia.schemas.account import LIVE_STATUSES

        for other in unit_accounts(vals):
            if other.platform == v and other.status in LIVE_STATUSES:
                return Msg(
                    f"本单位在这个平台已有账号「{other.name}」（状态 {other.status}）：同一单位在同一平台只能开设"
                    "一个账号（第七条（一））。如要更换，请先对原账号申请变更或注销关停。",
                    f"The unit already has an account on this platform, “{other.name}” (status {other.status}): "
                    "a unit may open only one account per platform (Article 7(1)). To replace it, first request "
                    "a change or the closure of that account.",
                )
        return None

    def usual_name(vals: Values) -> str | None:
        names = [a.name for a in unit_accounts(vals) if a.status != "rejected"]
        return max(sorted(set(names)), key=names.count) if names else None

    def app_like(vals: Values) -> bool:
        p = gov().platforms.get(str(vals.get("doc.platform")))
        return bool(p and (p.app_like or vals.get("doc.platform") in ("app", "mini_program")))

    def entrusted(vals: Values) -> bool:
        return vals.get("doc.undertaking.kind") == "entrusted"

    return Form(
        "account",
        [
            Ask(
                "unit",
                "--unit",
                "主办单位编号",
                "id of the host unit",
                kind="choice",
                choices=lambda _: env.unit_choices(),
                extra=unit_ok,
            ),
            Ask(
                "doc.platform",
                "--platform",
                "平台",
                "platform",
                kind="choice",
                choices=lambda _: env.platform_choices(),
                extra=one_per_platform,
            ),
            Ask(
                "id",
                "--id",
                "账号编号（英文，用作文件夹名）",
                "account id (used as the folder name)",
                extra=acc_ok,
                default=lambda v: str(v.get("doc.platform", "")).replace("_", "-") or None,
            ),
            Ask(
                "doc.name",
                "--name",
                "账号名称",
                "account name",
                hint="与其他平台保持一致（第九条）",
                hint_en="the same as on other platforms, Article 9",
                default=usual_name,
            ),
            Ask("doc.platform_id", "--platform-id", "账号 ID / 原始 ID", "account id / original id", extra=pid_ok),
            Ask("doc.url", "--url", "账号主页网址（https://…）", "url of the account's home page", extra=url_ok),
            Ask(
                "doc.positioning",
                "--positioning",
                "功能定位",
                "purpose",
                hint="如 发布本单位政务信息，解读政策，回应关切",
                hint_en="e.g. publishes the unit's government information, explains policies",
            ),
            Ask(
                "doc.verification.verified",
                "--verified",
                "是否已完成平台认证",
                "verified by the platform",
                kind="bool",
                default=lambda _: False,
            ),
            Ask(
                "doc.verification.subject",
                "--subject",
                "认证主体（应与主办单位全称一致）",
                "verified subject (the host unit's full name)",
                default=unit_name,
            ),
            Ask(
                "doc.undertaking.kind",
                "--undertaking",
                "运营方式",
                "who runs the account",
                kind="choice",
                choices=lambda _: env.labels(UNDERTAKING_KINDS),
                default=lambda _: "internal",
            ),
            Ask("doc.undertaking.name", "--undertaking-name", "承办单位名称", "operator's name", default=unit_name),
            Ask(
                "doc.undertaking.uscc",
                "--undertaking-uscc",
                "承办单位统一社会信用代码",
                "unified social credit code of the operator",
                when=entrusted,
                extra=lambda _, v: uscc_problem(v),
            ),
            Ask(
                "doc.undertaking.agreement.signed_on",
                "--agreement-signed",
                "委托协议签订日期",
                "date the agreement was signed",
                kind="date",
                when=entrusted,
            ),
            Ask(
                "doc.undertaking.agreement.expires_on",
                "--agreement-expires",
                "委托协议到期日期",
                "date the agreement expires",
                kind="date",
                when=entrusted,
            ),
            Ask(
                "doc.undertaking.agreement.confidentiality",
                "--agreement-confidentiality",
                "协议是否含保密条款",
                "the agreement has a confidentiality clause",
                kind="bool",
                when=entrusted,
                default=lambda _: True,
            ),
            Ask(
                "doc.undertaking.agreement.qualification_reviewed",
                "--agreement-qualification-reviewed",
                "是否已审核承办单位资质",
                "the operator's qualification was reviewed",
                kind="bool",
                when=entrusted,
                default=lambda _: True,
            ),
            Ask(
                "doc.interaction.comments", "--comments", "开启评论", "comments on", kind="bool", default=lambda _: True
            ),
            Ask(
                "doc.interaction.messages", "--messages", "开启留言", "messages on", kind="bool", default=lambda _: True
            ),
            Ask(
                "doc.interaction.private_messages",
                "--private-messages",
                "开启私信",
                "private messages on",
                kind="bool",
                default=lambda _: True,
            ),
            Ask(
                "doc.operations.update_cycle_days",
                "--update-cycle",
                "更新周期（天）",
                "update cycle (days)",
                kind="int",
                default=lambda _: 7,
                hint="不超过 governance.yaml 的 max_update_cycle_days",
                hint_en="at most max_update_cycle_days of governance.yaml",
            ),
            Ask(
                "doc.operations.responsible.overall",
                "--overall",
                "总负责人（姓名或职务）",
                "person responsible overall (name or title)",
            ),
            Ask(
                "doc.operations.responsible.columns",
                "--columns",
                "栏目责任人（逗号分隔）",
                "persons responsible for the columns (comma-separated)",
                kind="list",
            ),
            Ask("doc.operations.responsible.backup", "--backup", "备岗人员", "backup person"),
            Ask(
                "doc.operations.review_before_publish",
                "--review-before-publish",
                "发布前是否审核",
                "reviewed before publishing",
                kind="bool",
                default=lambda _: True,
            ),
            Ask("doc.app.icp_filing", "--icp", "ICP 备案号", "ICP filing number", when=app_like),
            Ask(
                "doc.app.mlps_level",
                "--mlps",
                "网络安全等级保护级别（1–5）",
                "cybersecurity protection level (1-5)",
                kind="int",
                when=app_like,
            ),
            Ask(
                "applicant.name", "--applicant-name", "申请人姓名", "applicant's name", default=lambda v: leader(v, 0)
            ),
            Ask(
                "applicant.title",
                "--applicant-title",
                "申请人职务",
                "applicant's title",
                default=lambda v: leader(v, 1),
            ),
            Ask("date", "--date", "申请日期", "request date", kind="date", default=lambda _: env.today.isoformat()),
        ],
        Account,
        "doc.",
    )


def request_form(env: Env) -> Form:
    reg = env.registry

    def acc_ok(_: Values, v: Any) -> Msg | None:
        if v not in reg.accounts:
            return Msg(
                f"账号 {v} 不在名录中：请写成 单位编号/账号编号，如 wangyi-education/weibo。",
                f"The account {v} is not in the register: write unit-id/account-id, e.g. wangyi-education/weibo.",
            )
        acc = reg.accounts[v]
        if acc.record is None:
            return Msg(
                f"账号 {v} 的 account.yaml 有错误：请先运行 govmedia check 修正。",
                f"The account.yaml of {v} has errors: run govmedia check and fix them first.",
            )
        return None

    def action_ok(vals: Values, v: Any) -> Msg | None:
        acc = reg.accounts.get(str(vals.get("account")))
        if acc is None or acc.record is None:
            return None
        status = acc.record.model.status
        if v == "open" and status != "rejected":
            return Msg(
                "开设申请随 govmedia new account 一起生成；只有未获批准的账号才能重新申请开设。",
                "An opening request is written by govmedia new account; only a rejected account may apply again.",
            )
        if v != "open" and status != "active":
            return Msg(
                f"账号现在的状态是 {status}：只有正常运行（active）的账号才能申请{ACTION_LABELS[v][0]}。",
                f"The account's status is {status}: only an active account may request {ACTION_LABELS[v][1]}.",
            )
        return None

    def applicant(vals: Values, i: int) -> str | None:
        acc = reg.accounts.get(str(vals.get("account")))
        unit = reg.units.get(acc.unit_id) if acc else None
        if unit is None or unit.record is None:
            return None
        person = unit.record.model.leader_in_charge
        return str(person.name if i == 0 else person.title)

    return Form(
        "request",
        [
            Ask(
                "account",
                "--account",
                "账号（单位编号/账号编号）",
                "account (unit-id/account-id)",
                extra=acc_ok,
                choices=lambda _: [
                    (k, a.record.model.name if a.record else k) for k, a in sorted(reg.accounts.items())
                ],
            ),
            Ask(
                "doc.action",
                "--action",
                "申请事项",
                "what is requested",
                kind="choice",
                extra=action_ok,
                choices=lambda _: [
                    (a, ACTION_LABELS[a][0 if env.lang == "zh" else 1]) for a in ("change", "exit", "close", "open")
                ],
            ),
            Ask(
                "doc.applicant.name",
                "--applicant-name",
                "申请人姓名",
                "applicant's name",
                default=lambda v: applicant(v, 0),
            ),
            Ask(
                "doc.applicant.title",
                "--applicant-title",
                "申请人职务",
                "applicant's title",
                default=lambda v: applicant(v, 1),
            ),
            Ask("doc.reason", "--reason", "申请理由", "reason", when=lambda v: v.get("doc.action") != "open"),
            Ask(
                "doc.basis_document.title",
                "--basis-title",
                "机构编制批复文件标题",
                "title of the staffing authority's decision",
                when=lambda v: v.get("doc.action") == "exit",
            ),
            Ask(
                "doc.basis_document.document_no",
                "--basis-no",
                "批复文号",
                "number of that decision",
                when=lambda v: v.get("doc.action") == "exit",
            ),
            Ask(
                "doc.basis_document.issued_on",
                "--basis-date",
                "批复日期",
                "date of that decision",
                kind="date",
                when=lambda v: v.get("doc.action") == "exit",
            ),
            Ask(
                "doc.submitted_on",
                "--date",
                "申请日期",
                "date of the request",
                kind="date",
                default=lambda _: env.today.isoformat(),
            ),
        ],
        Request,
        "doc.",
    )


def approval_form(env: Env, req: RequestRec | None, next_stage: str | None) -> Form:
    def stage_ok(_: Values, v: Any) -> Msg | None:
        if next_stage is None:
            return Msg("这个申请已经审结，不需要再审批。", "This request is already decided: no approval is needed.")
        if v != next_stage:
            return Msg(
                f"现在轮到「{env.stage_title(next_stage)}」（{next_stage}）审批，"
                f"不能跳到 {v}：审批须按第七条、第八条规定的顺序进行。",
                f"It is the turn of “{env.stage_title(next_stage)}” ({next_stage}), not {v}: approvals follow "
                "the order set by Articles 7 and 8.",
            )
        return None

    def needs_doc(vals: Values) -> bool:
        s = env.governance.stages.get(str(vals.get("stage")))
        return bool(s and s.requires_document)

    return Form(
        "approval",
        [
            Ask(
                "stage",
                "--stage",
                "审批层级",
                "approval stage",
                kind="choice",
                extra=stage_ok,
                default=lambda _: next_stage,
                choices=lambda _: [(s, t.title) for s, t in env.governance.stages.items()],
            ),
            Ask(
                "doc.decision",
                "--decision",
                "审批意见",
                "decision",
                kind="choice",
                choices=lambda _: env.labels({"approved": "同意", "rejected": "不同意"}),
            ),
            Ask("doc.approver.name", "--approver-name", "审批人姓名", "approver's name"),
            Ask("doc.approver.title", "--approver-title", "审批人职务", "approver's title"),
            Ask(
                "doc.document_no",
                "--document-no",
                "批复文号（如 铜政办函〔2026〕12号）",
                "number of the official reply",
                when=needs_doc,
            ),
            Ask("doc.comment", "--comment", "审批意见说明（可留空）", "comment (may be empty)", required=False),
            Ask(
                "doc.decided_on",
                "--date",
                "审批日期",
                "date of the decision",
                kind="date",
                default=lambda _: env.today.isoformat(),
            ),
        ],
        Approval,
        "doc.",
    )


def announcement_form(env: Env) -> Form:
    reg = env.registry

    def accounts_ok(_: Values, v: Any) -> Msg | None:
        missing = [a for a in v if a not in reg.accounts]
        if not missing:
            return None
        return Msg(
            f"名录中没有这些账号：{'、'.join(missing)}（写成 单位编号/账号编号）。",
            f"These accounts are not in the register: {', '.join(missing)} (write unit-id/account-id).",
        )

    def slug_default(vals: Values) -> str | None:
        accs = vals.get("doc.accounts") or []
        if not accs:
            return None
        slug = f"{accs[0].replace('/', '-')}-{vals.get('doc.kind', 'opening')}"
        return slug if len(slug) <= 64 else slug[:64].rstrip("-")

    def title_default(vals: Values) -> str | None:
        names = []
        for ref in vals.get("doc.accounts") or []:
            acc = reg.accounts.get(ref)
            if acc and acc.record:
                names.append(acc.record.model.name)
        word = ANNOUNCEMENT_KINDS.get(str(vals.get("doc.kind")), "")
        return f"关于「{'、'.join(dict.fromkeys(names))}」政务新媒体账号{word}的公告" if names else None

    def until_default(vals: Values) -> str | None:
        try:
            start = date.fromisoformat(str(vals.get("doc.published_on")))
        except ValueError:
            return None
        return (start + timedelta(days=env.governance.announcement_min_days)).isoformat()

    return Form(
        "announcement",
        [
            Ask(
                "doc.kind",
                "--kind",
                "公告类型",
                "kind of announcement",
                kind="choice",
                choices=lambda _: env.labels(ANNOUNCEMENT_KINDS),
            ),
            Ask(
                "doc.accounts",
                "--account",
                "涉及的账号（单位编号/账号编号，逗号分隔）",
                "accounts concerned (unit-id/account-id, comma-separated)",
                kind="list",
                extra=accounts_ok,
            ),
            Ask("doc.title", "--title", "公告标题", "title", default=title_default),
            Ask(
                "doc.published_on",
                "--date",
                "发布日期",
                "publication date",
                kind="date",
                default=lambda _: env.today.isoformat(),
            ),
            Ask(
                "doc.display_until",
                "--until",
                "公示截止日期",
                "shown until",
                kind="date",
                default=until_default,
                hint="至少公示 announcement_min_days 天（第七条（三））",
                hint_en="at least announcement_min_days days, Article 7(3)",
            ),
            Ask(
                "slug",
                "--slug",
                "文件名（英文）",
                "file name (ASCII)",
                default=slug_default,
                extra=lambda _, v: _id_problem(v),
            ),
        ],
        Announcement,
        "doc.",
    )


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
