"""Approval chains and the lifecycle (第七条（二）, 第八条): decisions in chain order, dates in order,
nothing after a rejection, 文号 where an official document is required, only the chain's stages, and a
declared status that the requests support (docs/architecture.md, "Statuses and requests").

The chains and stages are read from policies/governance.yaml: a district with another chain changes
YAML only. Without a valid governance.yaml these rules stay silent (the load finding explains).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.lifecycle import ACTION_LABELS, APPROVED_STATUS, PENDING_STATUS, STATUS_LABELS, request_state
from govmedia.register.registry import AccountRec, Registry, RequestRec
from govmedia.rules.lib.common import finding
from govmedia.schemas import Governance

ACTIVE_LIKE = frozenset({"active", "changing", "exiting", "closing"})
ACTION_ZH = {action: labels[0] for action, labels in ACTION_LABELS.items()}


def _title(gov: Governance, stage: str) -> str:
    spec = gov.stages.get(stage)
    return spec.title if spec else stage


def _arrow(chain: list[str], gov: Governance | None = None) -> str:
    """The chain as ``a → b → c``: stage titles when ``gov`` is given (Chinese), ids otherwise."""
    return " → ".join(_title(gov, s) if gov else s for s in chain)


def _requests(reg: Registry) -> Iterator[tuple[AccountRec, RequestRec]]:
    for acc in reg.accounts.values():
        for req in acc.requests:
            yield acc, req


def gm201_gm204_order(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM201: a stage decided while an earlier stage of the chain has no decision yet.
    GM204: a decision recorded after a rejection in the same request."""
    if reg.governance is None:
        return
    gov = reg.governance.model
    for _acc, req in _requests(reg):
        if req.broken:
            continue  # a file of the folder did not load: its finding comes first
        chain = gov.chain(req.action)
        missing: str | None = None
        rejected_at: str | None = None
        for stage in chain:
            approval = req.approvals.get(stage)
            if approval is None:
                missing = missing or stage
                continue
            if rejected_at is not None:
                yield finding(
                    "GM204", approval, ("decision",),
                    f"申请 {req.folder} 已在“{_title(gov, rejected_at)}”环节被驳回，其后不应再有"
                    f"“{_title(gov, stage)}”"
                    f"的审批记录：驳回即终止该申请。请删除 {approval.path}；如需继续，请重新提交一份新的申"
                    "请。",
                    f"request {req.folder} was rejected at {rejected_at}; no decision may follow it: remove "
                    f"{approval.path}, and file a new request if the unit applies again.")
            elif missing is not None:
                yield finding(
                    "GM201", approval, ("decision",),
                    f"申请 {req.folder} 在“{_title(gov, stage)}”环节已有审批，但前一环节"
                    f"“{_title(gov, missing)}”尚无审批文件"
                    f"（应为 {req.folder}/{missing}.yaml）：须按“{_arrow(chain, gov)}”的顺序逐级审批，请先补齐前"
                    "一环节的审批。",
                    f"request {req.folder} has a decision at {stage} but none at the earlier stage {missing} "
                    f"({req.folder}/{missing}.yaml): stages decide in the order {_arrow(chain)}.")
            if approval.model.decision == "rejected" and rejected_at is None:
                rejected_at = stage


def _after_today(ctx: Context, day: date) -> bool:
    return day > ctx.today


def gm203_dates(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM203: a decision before the submission or before the previous stage's decision; any date after --to"
    "day."""
    gov = reg.governance.model if reg.governance else None
    for _acc, req in _requests(reg):
        if req.request is not None:
            r = req.request.model
            if _after_today(ctx, r.submitted_on):
                yield finding(
                    "GM203", req.request, ("submitted_on",),
                    f"申请 {req.folder} 的提交日期 {r.submitted_on} 晚于今天（{ctx.today}）：请填写实际提交"
                    "日期，并相应修改目录名。",
                    f"request {req.folder}: submitted_on {r.submitted_on} is after today ({ctx.today}): "
                    "give the real date (and rename the folder).")
            if r.basis_document is not None and _after_today(ctx, r.basis_document.issued_on):
                yield finding(
                    "GM203", req.request, ("basis_document", "issued_on"),
                    f"申请 {req.folder} 的依据文件印发日期 {r.basis_document.issued_on} 晚于今天"
                    f"（{ctx.today}）：请核对文件日期。",
                    f"request {req.folder}: basis_document.issued_on {r.basis_document.issued_on} is after "
                    "today "
                    f"({ctx.today}): check the document's date.")
        chain = gov.chain(req.action) if gov else []
        ordered = [s for s in chain if s in req.approvals]
        ordered += sorted(s for s in req.approvals if s not in chain)
        previous: tuple[str, date] | None = None
        for stage in ordered:
            approval = req.approvals[stage]
            day = approval.model.decided_on
            if day < req.submitted_on:
                yield finding(
                    "GM203", approval, ("decided_on",),
                    f"{approval.path} 的审批日期 {day} 早于申请提交日期 {req.submitted_on}：审批不能早于申"
                    "请，请核对日期。",
                    f"{approval.path}: decided_on {day} is before the request was submitted "
                    f"({req.submitted_on}): "
                    "check the date.")
            elif previous is not None and stage in chain and day < previous[1]:
                yield finding(
                    "GM203", approval, ("decided_on",),
                    f"{approval.path} 的审批日期 {day} 早于前一环节“{previous[0]}”的审批日期 {previous[1]}"
                    "：逐级审批的"
                    "日期不能倒序，请核对日期。",
                    f"{approval.path}: decided_on {day} is before the previous stage {previous[0]} decided "
                    f"({previous[1]}): decisions follow the chain, so dates cannot go back; check the date.")
            if _after_today(ctx, day):
                yield finding(
                    "GM203", approval, ("decided_on",),
                    f"{approval.path} 的审批日期 {day} 晚于今天（{ctx.today}）：不能登记尚未作出的决定，请"
                    "在审批后再提交此文件。",
                    f"{approval.path}: decided_on {day} is after today ({ctx.today}): record a decision onc"
                    "e it "
                    "is made.")
            if stage in chain:
                previous = (stage, day)
    for acc, rec in reg.valid_accounts():
        opened = rec.model.opened_on
        if opened is not None and _after_today(ctx, opened):
            yield finding(
                "GM203", rec, ("opened_on",),
                f"账号 {acc.ref} 的开通日期 {opened} 晚于今天（{ctx.today}）：请填写实际开通日期。",
                f"account {acc.ref}: opened_on {opened} is after today ({ctx.today}): give the real date.")
        yield from _registered_end(acc, opened, ctx)


def _registered_end(acc: AccountRec, opened: date | None, ctx: Context) -> Iterator[Finding]:
    """GM203 for a registration's ``ended_on``: not after today, not before the account was opened."""
    for req in acc.requests:
        ended = req.request.model.ended_on if req.request is not None else None
        if ended is None or req.request is None:
            continue
        if _after_today(ctx, ended):
            yield finding(
                "GM203", req.request, ("ended_on",),
                f"存量登记 {req.folder} 的关停/退出日期 {ended} 晚于今天（{ctx.today}）：请填写实际日期。",
                f"registration {req.folder}: ended_on {ended} is after today ({ctx.today}): give the real date.")
        elif opened is not None and ended < opened:
            yield finding(
                "GM203", req.request, ("ended_on",),
                f"存量登记 {req.folder} 的关停/退出日期 {ended} 早于账号的开通日期 {opened}：请核对两个日期。",
                f"registration {req.folder}: ended_on {ended} is before the account was opened ({opened}): "
                "check both dates.")


def gm205_document_no(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM205: a decision at a stage with ``requires_document`` must carry the 文号."""
    if reg.governance is None:
        return
    gov = reg.governance.model
    for _acc, req in _requests(reg):
        for stage, approval in req.approvals.items():
            spec = gov.stages.get(stage)
            if spec is None or not spec.requires_document or approval.model.document_no:
                continue
            yield finding(
                "GM205", approval, ("decision",),
                f"{approval.path}：“{spec.title}”的决定以正式文件下达，但未填写文号：请按来文填写 document_no"
                "（如 铜政办函〔2026〕12号）。",
                f"{approval.path}: decisions at {stage} arrive as official documents but document_no is "
                "missing: add the document number (文号).")


def gm206_stage_in_chain(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM206: an approval file of a stage that is not part of the request's chain."""
    if reg.governance is None:
        return
    gov = reg.governance.model
    for _acc, req in _requests(reg):
        chain = gov.chain(req.action)
        for stage, approval in req.approvals.items():
            if stage in chain:
                continue
            yield finding(
                "GM206", approval, ("decision",),
                f"{approval.path}：“{_title(gov, stage)}”不属于{ACTION_ZH[req.action]}申请的审核链"
                f"（{_arrow(chain, gov)}）："
                "请删除此文件，或把审批放到正确的环节文件中。",
                f"{approval.path}: stage {stage} is not part of the {req.action} chain ({_arrow(chain)}): "
                "remove the file or record the decision at the right stage.")


def _evidence(gov: Governance, req: RequestRec | None) -> tuple[str, str]:
    """What the requests say, in a clause (zh, en), naming the missing approval file."""
    if req is None:
        return ("没有任何开设申请（应有 requests/<提交日期>-open/request.yaml 及各环节审批文件）",
                "there is no opening request (requests/<date>-open/ with request.yaml and one file per stag"
                "e)")
    state = request_state(req, gov.chain(req.action))
    if state.state == "pending":
        stage = state.next_stage or ""
        return (f"{ACTION_ZH[req.action]}申请 {req.folder} 尚待“{_title(gov, stage)}”审批，"
                f"缺少 {req.folder}/{stage}.yaml",
                f"the {req.action} request {req.folder} waits for {stage}: "
                f"{req.folder}/{stage}.yaml is missing")
    if state.state == "rejected":
        return (f"{ACTION_ZH[req.action]}申请 {req.folder} 已被驳回",
                f"the {req.action} request {req.folder} was rejected")
    return (f"{ACTION_ZH[req.action]}申请 {req.folder} 已经全部环节批准",
            f"the {req.action} request {req.folder} is approved at every stage")


def expected_status(acc: AccountRec, gov: Governance) -> tuple[str | None, RequestRec | None]:
    """The status the requests support, and the request that decides it (docs/rules.md, docs/ledger.md). A registration
    (存量登记) approved at every stage supports the status it records."""
    status: str | None = None
    deciding: RequestRec | None = None
    for req in acc.requests:
        state = request_state(req, gov.chain(req.action)).state
        if req.action == "register":
            if status is not None:
                continue  # only an account not yet in the register is registered
            recorded = req.request.model.recorded_status if req.request else None
            status = {"pending": "applying", "approved": recorded, "rejected": "rejected"}.get(state, status)
        elif req.action == "open":
            if status in ACTIVE_LIKE:
                continue  # an account that is open is not opened again
            status = {"pending": "applying", "approved": "active", "rejected": "rejected"}.get(state, status)
        elif status in ACTIVE_LIKE:
            status = {"pending": PENDING_STATUS[req.action], "approved": APPROVED_STATUS[req.action],
                      "rejected": "active"}.get(state, status)
        else:
            continue  # a change, exit or close of an account that is not open: no evidence
        deciding = req
    return status, deciding


def gm202_status(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM202: the declared status must be what the requests support (docs/architecture.md, "Statuses and requests").

    applying: a pending open request; rejected: a rejected open request; active: an open request
    approved at every stage (and no later request pending or approved); changing/exiting/closing: an
    active account with that request pending; closed/exited: the close/exit request approved at every
    stage. The opening announcement that ``active`` also needs is GM301; order and dates are GM201/GM203.
    """
    if reg.governance is None:
        return
    gov = reg.governance.model
    for acc, rec in reg.valid_accounts():
        if any(req.broken for req in acc.requests):
            continue
        declared = rec.model.status
        expected, deciding = expected_status(acc, gov)
        if declared == expected:
            continue
        ev_zh, ev_en = _evidence(gov, deciding)
        d_zh = STATUS_LABELS[declared][0]
        if expected is None:
            fix_zh = "请补齐申请和审批文件，或更正 status"
            want_zh = "没有任何状态"
            want_en = "no status"
        else:
            fix_zh = f"请补齐缺少的审批文件，或把 status 改为 {expected}"
            want_zh = f"{expected}（{STATUS_LABELS[expected][0]}）"
            want_en = expected
        yield finding(
            "GM202", rec, ("status",),
            f"账号 {acc.ref} 声明的状态为 {declared}（{d_zh}），但申请记录只支持 {want_zh}：{ev_zh}"
            f"。{fix_zh}。",
            f"account {acc.ref} declares status {declared}, but its requests support {want_en}: {ev_en}. "
            "Add the missing approval files or correct the status.")


RULES = [gm201_gm204_order, gm202_status, gm203_dates, gm205_document_no, gm206_stage_in_chain]
