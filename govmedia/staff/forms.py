"""The forms of ``govmedia new`` and of the bots: one declarative description per kind of file.

Each :class:`Form` lists its :class:`~govmedia.staff.fields.Field` s in the order they are asked. The same
description gives ``govmedia new <kind>`` its prompts and its flags (``--platform-id`` for the field
``platform_id``), and a bot its answer keys. Requests differ by action: :data:`ACTIONS` says, per action,
which extra fields it asks and whether it brings a new account.yaml — adding an action is one entry there
(plus the model's and the lifecycle's). Nothing here validates: a field's answer is parsed (fields.py), the
files are built (scaffold.py) and the candidate register is checked by the rules (candidate.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, get_args

from govmedia.findings.message import Msg, text
from govmedia.register.lifecycle import ACTION_LABELS, request_state
from govmedia.register.registry import RequestRec
from govmedia.schemas.account import LIVE_STATUSES
from govmedia.schemas.unit import UnitKind
from govmedia.staff.fields import Choices, Env, Field, Values

UNIT_KINDS = {"administrative_organ": ("行政机关", "administrative organ"),
              "public_institution": ("事业单位", "public institution"),
              "internal_body": ("内设机构", "internal body")}
UNDERTAKING_KINDS = {"internal": ("本单位自行运营", "run by the unit itself"),
                     "entrusted": ("委托第三方运营", "entrusted to a third party")}
ANNOUNCEMENT_KINDS = {"opening": ("开通", "opening"), "change": ("变更", "change"),
                      "exit": ("退出监管", "exit from supervision"), "close": ("注销关停", "closure")}
DECISIONS = {"approved": ("同意", "approve"), "rejected": ("不同意", "reject")}
ACTION_TO_KIND = {"open": "opening", "change": "change", "exit": "exit", "close": "close"}
RECORDED_STATUSES = {"active": ("正常运行", "running"), "closed": ("已注销关停", "closed"),
                     "exited": ("已退出监管", "left supervision")}
# The account form's dossier questions whose answers are facts about how an account is run: a registration
# of an existing account does not ask them (defaults would invent facts); a change request completes them.
DOSSIER = ("verified", "subject", "undertaking", "undertaking_name", "undertaking_uscc", "agreement_signed",
           "agreement_expires", "agreement_confidentiality", "agreement_qualification_reviewed", "comments",
           "messages", "private_messages", "update_cycle", "overall", "columns", "backup", "review_before_publish",
           "icp", "mlps")


@dataclass(frozen=True)
class Action:
    """What a request of this action asks besides the common fields, and what it brings."""

    name: str
    asks: tuple[str, ...] = ()  # names of per-action fields
    new_account: bool = False  # comes with a new account.yaml (``govmedia new account``)
    changes: bool = False  # carries ``changes`` (``--set field=value``)
    optional: tuple[str, ...] = ()  # fields the form asks but this action lets the staff member leave empty
    skips: tuple[str, ...] = ()  # fields this action does not ask


ACTIONS: dict[str, Action] = {
    "open": Action("open", new_account=True),
    "change": Action("change", ("reason",), changes=True),
    "exit": Action("exit", ("reason", "basis_title", "basis_no", "basis_date")),
    "close": Action("close", ("reason",)),
    # 存量登记: an account that predates the register, in the state it is in, with what its unit knows. The rest
    # of its dossier is *to be completed* (GM108 lists it per unit in ``govmedia report``), never invented here.
    "register": Action("register", ("recorded_status", "ended_on", "opened_on", "reason"), new_account=True,
                       optional=("platform_id", "url", "positioning", "opened_on"), skips=DOSSIER),
}


@dataclass(frozen=True)
class Form:
    """One kind of file: its fields in order; for a finding on a document at no field's line, the field that
    answers for it (a request's account.yaml: the action that set its status); and the codes whose findings
    are about a field other than the one they point at (an approval out of order: its stage)."""

    kind: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    blame: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # findings of these codes are about this field

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Table:
    """Fixed choices: ids with (Chinese, English) labels, shown in the user's language."""

    labels: dict[str, tuple[str, str]]
    ids: tuple[str, ...] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return self.ids if self.ids is not None else tuple(self.labels)

    def __call__(self, env: Env, _: Values) -> Choices:
        i = 0 if env.lang == "zh" else 1
        return [(k, self.labels[k][i] if k in self.labels else k) for k in self.keys]


def units(env: Env, _: Values) -> Choices:
    return [(uid, u.record.model.name if u.record else uid) for uid, u in sorted(env.registry.units.items())]


def platforms(env: Env, _: Values) -> Choices:
    return [(pid, p.label) for pid, p in env.governance.platforms.items()]


def accounts(env: Env, _: Values) -> Choices:
    return [(k, a.record.model.name if a.record else k) for k, a in sorted(env.registry.accounts.items())]


def today(env: Env, _: Values) -> str:
    return env.today.isoformat()


def const(value: Any) -> Any:
    return lambda env, values: value


def is_(name: str, *wanted: Any) -> Any:
    return lambda env, values: values.get(name) in wanted


# -- references into the register (choosing from a list, not validating) -------------------------------


def unit_exists(env: Env, _: Values, value: Any) -> Msg | None:
    return None if value in env.registry.units else text("unit.unknown", unit=value)


def parent_exists(env: Env, _: Values, value: Any) -> Msg | None:
    return None if value in env.registry.units else text("unit.parent_unknown", unit=value)


def account_exists(env: Env, _: Values, value: Any) -> Msg | None:
    acc = env.registry.accounts.get(str(value))
    if acc is None:
        return text("account.unknown", ref=value)
    return None if acc.record is not None else text("account.broken", ref=value)


def find_request(env: Env, folder: Any) -> RequestRec | None:
    """The request whose folder (relative to the register's root, or its request.yaml) is ``folder``."""
    folder = str(folder).strip().removeprefix("./").strip("/")
    folder = folder.rsplit("/", 1)[0] if folder.endswith(".yaml") else folder
    parts = folder.split("/")
    acc = env.registry.accounts.get("/".join(parts[1:3])) if len(parts) == 5 and parts[3] == "requests" else None
    return next((r for r in acc.requests if r.folder == folder), None) if acc else None


def pending_request(env: Env, _: Values, value: Any) -> Msg | None:
    req = find_request(env, value)
    if req is None or req.request is None:
        return text("request.folder_unknown", folder=value)
    state = request_state(req, env.governance.chain(req.action)).state
    return None if state == "pending" else text(f"request.{state}", folder=value)


# -- defaults ------------------------------------------------------------------------------------------


def _unit_of(env: Env, values: Values) -> Any:
    unit_id = values.get("unit")
    if "account" in values:
        acc = env.registry.accounts.get(str(values["account"]))
        unit_id = acc.unit_id if acc else None
    unit = env.registry.units.get(str(unit_id))
    return unit.record.model if unit and unit.record else None


def unit_name(env: Env, values: Values) -> str | None:
    unit = _unit_of(env, values)
    return unit.name if unit else None


def leader(i: int) -> Any:
    def default(env: Env, values: Values) -> str | None:
        person = getattr(_unit_of(env, values), "leader_in_charge", None)  # a registered unit may name none yet
        return None if person is None else str(person.name if i == 0 else person.title)
    return default


def usual_name(env: Env, values: Values) -> str | None:
    """The name the unit's live accounts carry most (第九条: one name on every platform)."""
    unit = env.registry.units.get(str(values.get("unit")))
    names = [a.record.model.name for a in unit.accounts.values()
             if a.record and a.record.model.status in LIVE_STATUSES] if unit else []
    return max(sorted(set(names)), key=Counter(names).__getitem__) if names else None


def app_like(env: Env, values: Values) -> bool:
    p = env.governance.platforms.get(str(values.get("platform")))
    return bool(p and p.app_like)


def org(env: Env) -> str:
    for stage in env.governance.stages.values():
        for reviewer in stage.reviewers:
            if "/" in reviewer:
                return str(reviewer[1:].split("/")[0])
    return "org"


def next_stage(env: Env, values: Values) -> str | None:
    req = find_request(env, values.get("request"))
    return request_state(req, env.governance.chain(req.action)).next_stage if req else None


def needs_document(env: Env, values: Values) -> bool:
    s = env.governance.stages.get(str(values.get("stage")))
    return bool(s and s.requires_document)


def announcement_title(env: Env, values: Values) -> str | None:
    names = [a.record.model.name for ref in values.get("account") or []
             if (a := env.registry.accounts.get(ref)) is not None and a.record is not None]
    word = ANNOUNCEMENT_KINDS.get(str(values.get("kind")), ("", ""))[0]
    return f"关于「{'、'.join(dict.fromkeys(names))}」政务新媒体账号{word}的公告" if names else None


def shown_until(env: Env, values: Values) -> str | None:
    try:
        start = date.fromisoformat(str(values.get("date")))
    except ValueError:
        return None
    return (start + timedelta(days=env.governance.announcement_min_days)).isoformat()


def slug(env: Env, values: Values) -> str | None:
    refs = values.get("account") or []
    if not refs:
        return None
    name = f"{str(refs[0]).replace('/', '-')}-{values.get('kind', 'opening')}"
    return name if len(name) <= 64 else name[:64].rstrip("-")


# -- the forms -----------------------------------------------------------------------------------------

F = Field
UNIT = Form("unit", "登记一个主办单位（accounts/<单位>/unit.yaml）", "register a host unit (accounts/<unit>/unit.yaml)", (
    F("id", "单位编号（英文，用作文件夹名）", "unit id (used as the folder name)", place="accounts/{id}/unit.yaml",
      hint="如 wangyi-education", hint_en="e.g. wangyi-education"),
    F("name", "单位全称", "full name of the unit", "unit.name", hint="如 铜川市王益区教育局", hint_en="e.g. “铜川市王益区教育局”"),
    F("short_name", "单位简称", "short name of the unit", "unit.short_name", hint="如 区教育局", hint_en="e.g. “区教育局”"),
    F("uscc", "统一社会信用代码", "unified social credit code", "unit.uscc", hint="18 位", hint_en="18 characters"),
    F("kind", "单位性质", "kind of unit", "unit.kind", "choice",
      choices=Table(UNIT_KINDS, get_args(UnitKind))),
    F("parent", "主管单位编号（没有请直接回车）", "id of the supervising unit (press Enter if none)", "unit.parent",
      required=False, choices=units, refers=parent_exists),
    F("division_code", "行政区划代码", "administrative division code", "unit.division_code",
      default=lambda env, _: env.governance.jurisdiction.division_code),
    F("leader_name", "分管负责同志姓名", "name of the leader in charge", "unit.leader_in_charge.name"),
    F("leader_title", "分管负责同志职务", "title of the leader in charge", "unit.leader_in_charge.title",
      hint="如 副局长", hint_en="e.g. “副局长” (deputy director)"),
    F("reviewers", "本单位审核人（代码托管平台账号或团队，逗号分隔）",
      "the unit's reviewers (forge accounts or teams, comma-separated)", "unit.reviewers", "list",
      default=lambda env, v: [f"@{org(env)}/{v.get('id', 'unit')}"],
      hint="如 @wangyi-gov/wangyi-education", hint_en="e.g. @wangyi-gov/wangyi-education"),
))

_ENTRUSTED = is_("undertaking", "entrusted")
ACCOUNT = Form("account", "申请开设一个账号（account.yaml 和开设申请 request.yaml）",
               "apply for a new account (account.yaml and its opening request.yaml)", (
    F("unit", "主办单位编号", "id of the host unit", type="choice", choices=units, refers=unit_exists),
    F("action", "申请事项", "what is requested", "request.action", "choice",
      choices=Table(ACTION_LABELS, tuple(a for a, s in ACTIONS.items() if s.new_account)),
      default=const("open"), when=lambda env, _: sum(a.new_account for a in ACTIONS.values()) > 1),
    F("platform", "平台", "platform", "account.platform", "choice", choices=platforms),
    F("id", "账号编号（英文，用作文件夹名）", "account id (used as the folder name)",
      place="accounts/{unit}/{id}/account.yaml", default=lambda env, v: str(v.get("platform", "")).replace("_", "-") or None),
    F("name", "账号名称", "account name", "account.name", default=usual_name,
      hint="与其他平台保持一致（第九条）", hint_en="the same as on other platforms, Article 9"),
    F("platform_id", "账号 ID / 原始 ID", "account id / original id", "account.platform_id"),
    F("url", "账号主页网址（https://…）", "url of the account's home page", "account.url"),
    F("positioning", "功能定位", "purpose", "account.positioning",
      hint="如 发布本单位政务信息，解读政策，回应关切",
      hint_en="e.g. publishes the unit's government information, explains policies"),
    F("verified", "是否已完成平台认证", "verified by the platform", "account.verification.verified", "bool",
      default=const(False)),
    F("subject", "认证主体（应与主办单位全称一致）", "verified subject (the host unit's full name)",
      "account.verification.subject", default=unit_name),
    F("undertaking", "运营方式", "who runs the account", "account.undertaking.kind", "choice",
      choices=Table(UNDERTAKING_KINDS), default=const("internal")),
    F("undertaking_name", "承办单位名称", "operator's name", "account.undertaking.name", default=unit_name),
    F("undertaking_uscc", "承办单位统一社会信用代码", "unified social credit code of the operator",
      "account.undertaking.uscc", when=_ENTRUSTED),
    F("agreement_signed", "委托协议签订日期", "date the agreement was signed",
      "account.undertaking.agreement.signed_on", "date", when=_ENTRUSTED),
    F("agreement_expires", "委托协议到期日期", "date the agreement expires",
      "account.undertaking.agreement.expires_on", "date", when=_ENTRUSTED),
    F("agreement_confidentiality", "协议是否含保密条款", "the agreement has a confidentiality clause",
      "account.undertaking.agreement.confidentiality", "bool", when=_ENTRUSTED, default=const(True)),
    F("agreement_qualification_reviewed", "是否已审核承办单位资质", "the operator's qualification was reviewed",
      "account.undertaking.agreement.qualification_reviewed", "bool", when=_ENTRUSTED, default=const(True)),
    F("comments", "开启评论", "comments on", "account.interaction.comments", "bool", default=const(True)),
    F("messages", "开启留言", "messages on", "account.interaction.messages", "bool", default=const(True)),
    F("private_messages", "开启私信", "private messages on", "account.interaction.private_messages", "bool",
      default=const(True)),
    F("update_cycle", "更新周期（天）", "update cycle (days)", "account.operations.update_cycle_days", "int",
      default=const(7), hint="不超过 governance.yaml 的 max_update_cycle_days",
      hint_en="at most max_update_cycle_days of governance.yaml"),
    F("overall", "总负责人（姓名或职务）", "person responsible overall (name or title)",
      "account.operations.responsible.overall"),
    F("columns", "栏目责任人（逗号分隔）", "persons responsible for the columns (comma-separated)",
      "account.operations.responsible.columns", "list"),
    F("backup", "备岗人员", "backup person", "account.operations.responsible.backup"),
    F("review_before_publish", "发布前是否审核", "reviewed before publishing",
      "account.operations.review_before_publish", "bool", default=const(True)),
    F("icp", "ICP 备案号", "ICP filing number", "account.app.icp_filing", when=app_like),
    F("mlps", "网络安全等级保护级别（1–5）", "cybersecurity protection level (1-5)", "account.app.mlps_level", "int",
      when=app_like),
    F("recorded_status", "账号现在的状态", "the state the account is in", "request.recorded_status", "choice",
      choices=Table(RECORDED_STATUSES), per_action=True),
    F("ended_on", "注销关停或退出监管的日期", "the day it was closed or left supervision", "request.ended_on", "date",
      required=False, per_action=True, when=is_("recorded_status", "closed", "exited")),
    F("opened_on", "开通日期（账号在平台上开通的日期）", "the day the account was opened on its platform",
      "account.opened_on", "date", per_action=True),
    F("reason", "登记说明", "why it is recorded", "request.reason", per_action=True,
      default=const("本名录建立前已开设的账号，补登记"), hint="可写开设时的批准文号", hint_en="e.g. the document that approved it"),
    F("applicant_name", "申请人姓名", "applicant's name", "request.applicant.name", default=leader(0)),
    F("applicant_title", "申请人职务", "applicant's title", "request.applicant.title", default=leader(1)),
    F("date", "申请日期", "request date", "request.submitted_on", "date", default=today),
))

_ACTION_FIELDS = (
    F("reason", "申请理由", "reason", "request.reason", per_action=True),
    F("basis_title", "机构编制批复文件标题", "title of the staffing authority's decision",
      "request.basis_document.title", per_action=True),
    F("basis_no", "批复文号", "number of that decision", "request.basis_document.document_no", per_action=True),
    F("basis_date", "批复日期", "date of that decision", "request.basis_document.issued_on", "date", per_action=True),
)
REQUEST = Form("request", "为已有账号提出变更、退出监管或注销关停申请",
               "request a change, an exit from supervision or the closure of an account", (
    F("account", "账号（单位编号/账号编号）", "account (unit-id/account-id)", choices=accounts, refers=account_exists),
    F("action", "申请事项", "what is requested", "request.action", "choice",
      choices=Table(ACTION_LABELS, tuple(a for a, s in ACTIONS.items() if not s.new_account))),
    F("applicant_name", "申请人姓名", "applicant's name", "request.applicant.name", default=leader(0)),
    F("applicant_title", "申请人职务", "applicant's title", "request.applicant.title", default=leader(1)),
    *_ACTION_FIELDS,
    F("date", "申请日期", "date of the request", "request.submitted_on", "date", default=today),
), blame={"account": "action", "request.changes": "set"})

APPROVAL = Form("approval", "记录一级审批意见（<层级>.yaml）", "record one stage's decision (<stage>.yaml)", (
    F("request", "申请所在文件夹（如 accounts/<单位>/<账号>/requests/2026-05-01-open）",
      "folder of the request (e.g. accounts/<unit>/<account>/requests/2026-05-01-open)", refers=pending_request),
    F("stage", "审批层级", "approval stage", type="choice", default=next_stage,
      choices=lambda env, _: [(s, t.title) for s, t in env.governance.stages.items()]),
    F("decision", "审批意见", "decision", "approval.decision", "choice", choices=Table(DECISIONS)),
    F("approver_name", "审批人姓名", "approver's name", "approval.approver.name"),
    F("approver_title", "审批人职务", "approver's title", "approval.approver.title"),
    F("document_no", "批复文号（如 铜政办函〔2026〕12号）", "number of the official reply", "approval.document_no",
      when=needs_document),
    F("comment", "审批意见说明（可留空）", "comment (may be empty)", "approval.comment", required=False),
    F("date", "审批日期", "date of the decision", "approval.decided_on", "date", default=today),
), blame={"approval": "stage"}, codes={"GM201": "stage", "GM204": "stage", "GM206": "stage", "GM205": "document_no"})

ANNOUNCEMENT = Form("announcement", "起草一则公告（announcements/<日期>-<名称>.md）",
                    "draft an announcement (announcements/<date>-<name>.md)", (
    F("kind", "公告类型", "kind of announcement", "announcement.kind", "choice",
      choices=Table(ANNOUNCEMENT_KINDS)),
    F("account", "涉及的账号（单位编号/账号编号，逗号分隔）", "accounts concerned (unit-id/account-id, comma-separated)",
      "announcement.accounts", "list"),
    F("title", "公告标题", "title", "announcement.title", default=announcement_title),
    F("date", "发布日期", "publication date", "announcement.published_on", "date", default=today),
    F("until", "公示截止日期", "shown until", "announcement.display_until", "date", default=shown_until,
      hint="至少公示 announcement_min_days 天（第七条（三））", hint_en="at least announcement_min_days days, Article 7(3)"),
    F("slug", "文件名（英文）", "file name (ASCII)", default=slug, place="announcements/{date}-{slug}.md"),
))

FORMS: dict[str, Form] = {f.kind: f for f in (UNIT, ACCOUNT, REQUEST, APPROVAL, ANNOUNCEMENT)}

