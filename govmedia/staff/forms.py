"""The questions of ``govmedia new``: one form per kind of file (unit, account, request, approval,
announcement), each a list of :class:`~.scaffold.Ask` with its labels in both languages, its
choices from governance.yaml and the register, and its register-level checks (which return a
:class:`~.cli.Msg` in both languages). The machinery (parsing, checking, writing) is ``scaffold.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from govmedia.cli import Msg
from govmedia.register.lifecycle import ACTION_LABELS
from govmedia.register.registry import RequestRec
from govmedia.schemas import Account, Announcement, Approval, Request, Unit
from govmedia.schemas.governance import Governance
from govmedia.staff.scaffold import (
    ANNOUNCEMENT_KINDS,
    UNDERTAKING_KINDS,
    UNIT_KINDS,
    Ask,
    Env,
    Form,
    Values,
    id_problem,
    platform_problems,
    uscc_problem,
)


def unit_form(env: Env) -> Form:
    units = env.registry.units

    def new_id(_: Values, v: Any) -> Msg | None:
        if v in units:
            return Msg(
                f"单位编号 {v} 已存在（accounts/{v}/）：请换一个编号。",
                f"The unit id {v} already exists (accounts/{v}/): choose another id.",
            )
        return id_problem(v)

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
        return id_problem(v)

    def unit_name(vals: Values) -> str | None:
        return reg.unit_name(str(vals.get("unit")))

    def leader(vals: Values, i: int) -> str | None:
        unit = reg.units.get(str(vals.get("unit")))
        person = unit.record.model.leader_in_charge if unit is not None and unit.record is not None else None
        if person is None:  # an existing unit recorded from a ledger may not name its leader yet
            return None
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
        person = unit.record.model.leader_in_charge if unit is not None and unit.record is not None else None
        if person is None:  # an existing unit recorded from a ledger may not name its leader yet
            return None
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
                extra=lambda _, v: id_problem(v),
            ),
        ],
        Announcement,
        "doc.",
    )
