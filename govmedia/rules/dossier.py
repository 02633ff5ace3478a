"""The dossier of an account and its host unit (第七条, 第九条): what every new account must state, and
what an existing account recorded from a ledger (存量登记) still has to complete.

A new account goes through the opening chain with its whole dossier: a missing field is an error
(GM109). An account that predates the register is recorded with what its ledger knows (name, platform,
unit, sometimes a date): the rest is listed as *to be completed* (GM108, a warning, per unit in
``govmedia report``) while the account is running; a closed or exited one needs nothing more. A unit
whose accounts were all recorded that way is held to the same measure.
"""

from __future__ import annotations

from collections.abc import Iterator

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.lifecycle import registered
from govmedia.register.registry import AccountRec, Registry
from govmedia.rules.lib.common import finding
from govmedia.schemas import Account, Governance, Unit
from govmedia.schemas.account import OPEN_STATUSES

# field -> (Chinese, English) names, in the order a staff member fills them in
ACCOUNT_FIELDS: dict[str, tuple[str, str]] = {
    "platform_id": ("账号 ID（原始 ID、微信号或 biz 至少一项）", "account id (original id, WeChat id or biz)"),
    "url": ("主页网址", "profile url"),
    "opened_on": ("开通日期", "opening date"),
    "positioning": ("功能定位", "positioning"),
    "verification": ("认证情况和认证主体", "verification"),
    "undertaking": ("承办（运维）单位", "undertaking unit"),
    "interaction": ("互动功能", "interaction features"),
    "operations": ("更新周期、责任人和发布审核", "update cycle, responsible persons and review"),
}
UNIT_FIELDS: dict[str, tuple[str, str]] = {
    "uscc": ("统一社会信用代码", "unified social credit code"),
    "kind": ("单位性质", "kind of unit"),
    "leader_in_charge": ("分管负责同志", "leader in charge"),
}


def missing_account_fields(m: Account, gov: Governance | None) -> list[str]:
    """The dossier fields ``m`` lacks (the identifiers count as one: any of them will do)."""
    out = []
    if m.platform_id is None and not m.aliases and m.wechat_biz is None:
        out.append("platform_id")
    spec = gov.platforms.get(m.platform) if gov else None
    if m.url is None and (spec is None or spec.url_required):
        out.append("url")
    if m.opened_on is None and m.status in OPEN_STATUSES:
        out.append("opened_on")
    out += [k for k in ("positioning", "verification", "undertaking", "interaction", "operations")
            if getattr(m, k) is None]
    return out


def missing_unit_fields(u: Unit) -> list[str]:
    return [k for k in UNIT_FIELDS if getattr(u, k) is None]


def _names(fields: list[str], table: dict[str, tuple[str, str]], i: int) -> str:
    return ("、" if i == 0 else ", ").join(f"{table[f][i]}（{f}）" if i == 0 else f"{table[f][1]} ({f})"
                                          for f in fields)


def _existing_account(reg: Registry, acc: AccountRec, m: Account, missing: list[str]) -> Iterator[Finding]:
    if m.status not in OPEN_STATUSES:
        return  # closed or exited before the register: nothing more to complete
    assert acc.record is not None
    yield finding(
        "GM108", acc.record, ("status",),
        f"存量账号 {acc.ref}「{m.name}」的档案待补全：{_names(missing, ACCOUNT_FIELDS, 0)}。"
        "请在 account.yaml 中补上（新开设的账号必须一次填全）。",
        f"existing account {acc.ref} ({m.name}) still lacks {_names(missing, ACCOUNT_FIELDS, 1)}: complete "
        "them in account.yaml (a new account must state them all).")


def gm108_gm109_account(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM108: a running account recorded by a registration lacks dossier fields (a warning).
    GM109: an account that came through the opening chain lacks one (an error)."""
    gov = reg.governance.model if reg.governance else None
    for acc, rec in reg.valid_accounts():
        m = rec.model
        missing = missing_account_fields(m, gov)
        if not missing:
            continue
        if registered(acc):
            yield from _existing_account(reg, acc, m, missing)
            continue
        yield finding(
            "GM109", rec, ("status",),
            f"账号 {acc.ref}「{m.name}」缺少{_names(missing, ACCOUNT_FIELDS, 0)}：新开设的账号必须在"
            "account.yaml 中填写完整（只有存量登记的账号可以暂缺，见 docs/ledger.md）。",
            f"account {acc.ref} ({m.name}) lacks {_names(missing, ACCOUNT_FIELDS, 1)}: a new account states "
            "them all in account.yaml (only an existing account recorded by a registration may lack them).")


def _unit_accounts(reg: Registry) -> dict[str, list[AccountRec]]:
    out: dict[str, list[AccountRec]] = {}
    for acc in reg.accounts.values():
        out.setdefault(acc.unit_id, []).append(acc)
    return out


def gm108_gm109_unit(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM108/GM109 for unit.yaml: a unit all of whose accounts are existing ones may lack its code, kind
    and leader (a warning); a unit with a new account may not (an error)."""
    accounts = _unit_accounts(reg)
    for unit in reg.units.values():
        if unit.record is None:
            continue
        missing = missing_unit_fields(unit.record.model)
        if not missing:
            continue
        accs = accounts.get(unit.unit_id, [])
        existing = bool(accs) and all(registered(a) for a in accs)
        name = unit.record.model.name
        fields_zh, fields_en = _names(missing, UNIT_FIELDS, 0), _names(missing, UNIT_FIELDS, 1)
        if existing:
            yield finding("GM108", unit.record, ("name",),
                          f"单位 {unit.unit_id}（{name}）的档案待补全：{fields_zh}。请在 unit.yaml 中补上。",
                          f"unit {unit.unit_id} ({name}) still lacks {fields_en}: complete them in unit.yaml.")
        else:
            yield finding("GM109", unit.record, ("name",),
                          f"单位 {unit.unit_id}（{name}）缺少{fields_zh}：有新开设账号的单位必须在 unit.yaml 中填写完整。",
                          f"unit {unit.unit_id} ({name}) lacks {fields_en}: a unit with a new account states them "
                          "all in unit.yaml.")


RULES = [gm108_gm109_account, gm108_gm109_unit]
