"""Announcements (第七条（三）): an opened account is announced on the portal's home page, after its
final approval, for at least ``announcement_min_days`` days, and announcements name real accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.lifecycle import registered, request_state
from govmedia.register.registry import AccountRec, Registry
from govmedia.rules.lib.common import finding
from govmedia.schemas.account import OPEN_STATUSES


def displayed_days(published_on: date, display_until: date) -> int:
    """Days an announcement is shown, both ends included (2026-05-01 .. 2026-05-30 is 30 days)."""
    return (display_until - published_on).days + 1


def gm301_opening_announced(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM301: an account in active/changing/exiting/closing needs an opening announcement naming it; an
    existing account recorded by a registration (存量登记) needs none."""
    announced: set[str] = set()
    for ann in reg.announcements:
        if ann.record.model.kind == "opening":
            announced.update(ann.record.model.accounts)
    broken_announcements = any(p.startswith("announcements/") for p in reg.broken)
    for acc, rec in reg.valid_accounts():
        if rec.model.status not in OPEN_STATUSES or acc.ref in announced or registered(acc):
            continue  # an existing account recorded by a registration (存量登记) was opened before the rule
        if broken_announcements:
            continue  # an announcement did not load: it may be the one; its finding comes first
        opened = rec.model.opened_on
        day = opened.isoformat() if opened else "<发布日期>"
        yield finding(
            "GM301", rec, ("status",),
            f"账号 {acc.ref}「{rec.model.name}」状态为 {rec.model.status}，但没有开通公告：请在 announcemen"
            "ts/ 下发布"
            f"开通公告（如 announcements/{day}-{acc.unit_id}-{acc.account_id}.md，kind: opening，accounts "
            "中列出 "
            f"{acc.ref}），在区政府门户网站首页显著位置公示。",
            f"account {acc.ref} is {rec.model.status} but no opening announcement names it: publish one "
            f"(announcements/{day}-<slug>.md with kind: opening and {acc.ref} in accounts).")


def gm302_display_days(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM302: (display_until − published_on).days + 1 must be at least announcement_min_days."""
    if reg.governance is None:
        return
    need = reg.governance.model.announcement_min_days
    for ann in reg.announcements:
        m = ann.record.model
        days = displayed_days(m.published_on, m.display_until)
        if days >= need:
            continue
        try:
            until: date | str = date.fromordinal(m.published_on.toordinal() + need - 1)
        except (OverflowError, ValueError):  # published in the year 9999
            until = f"{m.published_on} 之后第 {need - 1} 天"
        yield finding(
            "GM302", ann.record, ("display_until",),
            f"公告 {ann.record.path}「{m.title}」只展示 {days} 天（{m.published_on} 至 {m.display_until}）"
            "，少于规定的 "
            f"{need} 天：请把 display_until 改为 {until} 或更晚。",
            f"announcement {ann.record.path} is displayed for {days} days ({m.published_on} to"
            f" {m.display_until}), "
            f"fewer than {need}: set display_until to {until} or later.")


def _final_approval(acc: AccountRec, chain: list[str]) -> tuple[str, date | None, str] | None:
    """(state, date of the final approval, folder) of the account's open request that counts."""
    latest: tuple[str, date | None, str] | None = None
    for req in acc.requests:
        if req.action != "open":
            continue
        state = request_state(req, chain)
        if state.state == "broken":
            return None
        if state.state == "approved":
            latest = ("approved", state.decided_on, req.folder)
        elif latest is None or latest[0] != "approved":
            latest = (state.state, None, req.folder)
    return latest


def gm303_announced_after_approval(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM303: an opening announcement published before the open chain's final approval."""
    if reg.governance is None:
        return
    chain = reg.governance.model.chain("open")
    for ann in reg.announcements:
        m = ann.record.model
        if m.kind != "opening":
            continue
        for i, ref in enumerate(m.accounts):
            acc = reg.accounts.get(ref)
            if acc is None:
                continue  # GM304's finding, or a unit folder this registry does not hold
            final = _final_approval(acc, chain)
            if final is None:
                continue
            state, day, folder = final
            if state == "approved" and day is not None and m.published_on >= day:
                continue
            if state == "approved":
                zh = (f"开通公告 {ann.record.path} 的发布日期 {m.published_on} 早于账号 {ref} "
                      f"开设申请的最终批准日期 {day}（{folder}）：公告应在最终批准之后发布，"
                      f"请把发布日期改为 {day} 或之后（同时修改文件名）。")
                en = (f"opening announcement {ann.record.path} is published on {m.published_on}, "
                      f"before the final approval of {ref} on {day} ({folder}): "
                      f"publish it on or after {day} (rename the file too).")
            else:
                zh = (f"开通公告 {ann.record.path} 公告了账号 {ref}，但其开设申请 {folder} "
                      "尚未获得最终批准：请在全部环节批准后再发布开通公告。")
                en = (f"opening announcement {ann.record.path} names {ref}, whose opening request "
                      f"{folder} is not approved at every stage: publish it after the final approval.")
            yield replace(finding("GM303", ann.record, ("accounts", i), zh, en), owner=acc.unit_id)


def gm304_known_accounts(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM304: every account an announcement names exists in the register."""
    for ann in reg.announcements:
        for i, ref in enumerate(ann.record.model.accounts):
            if not reg.lacks_account(ref):
                continue
            yield replace(finding(
                "GM304", ann.record, ("accounts", i),
                f"公告 {ann.record.path} 列出的账号 {ref} 在名录中不存在（应有 accounts/{ref}/account.yaml"
                "）：请更正为"
                "“单位编号/账号编号”，或先登记该账号。",
                f"announcement {ann.record.path} names {ref}, which is not in the register "
                f"(accounts/{ref}/account.yaml): correct it to '<unit_id>/<account_id>' or register the acc"
                "ount first."), owner=ref.split("/", 1)[0])


RULES = [gm301_opening_announced, gm302_display_days, gm303_announced_after_approval, gm304_known_accounts]
