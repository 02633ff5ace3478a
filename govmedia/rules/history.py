"""History rules (GM601–GM603, and signed approvals as GM604): the working tree against ``--base``.

Active only with ``govmedia check --base REF``. The register at REF is read from git objects once
per run (``govmedia/history/gitbase.py``, handed over as ``ctx.snapshot``), for the unit folders that differ from the working tree; these rules
compare it with the same unit folders of the working tree (:func:`seen`). Nothing else can differ.

* GM601: request folders are evidence. A file inside a request folder that exists at REF must stay
  byte for byte (line endings aside) — at the same path, or at the account's new folder when the
  account moved to another unit.
* GM602: the status change of every account is looked up in ``govmedia/register/lifecycle.py`` TRANSITIONS; a
  new account starts as ``applying``; an account is never deleted.
* GM603: name, platform, platform_id, url and host unit (the unit folder) change only with a
  complete change request (every stage of the change chain approved) whose ``changes`` give the
  new value; for each field the latest complete change request naming it decides (第八条（一）).
* With ``--verify-signatures``, every approval file added since REF must come from commits with a
  good SSH signature by a principal of that stage's signer list as read at REF
  (``govmedia/history/signatures.py``). Problems are reported as GM604: like CODEOWNERS, signatures decide
  *who* approved for a stage, while GM601 is about rewriting what was already recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from govmedia.findings.finding import Finding, make
from govmedia.history import gitbase, policy, signatures
from govmedia.history.policy import base_governance
from govmedia.register.context import Context
from govmedia.register.lifecycle import STATUS_LABELS, TRANSITIONS, registered, request_state, transition_allowed
from govmedia.register.registry import AccountRec, Record, Registry, RequestRec
from govmedia.register.snapshot import BaseSnapshot
from govmedia.schemas import Account, Approval, Governance
from govmedia.schemas.account import OPEN_STATUSES
from govmedia.schemas.request import CHANGEABLE_FIELDS

TRACKED = ("name", "platform", "platform_id", "url", "unit")
FIELD_LABELS = {"name": ("账号名称", "name"), "platform": ("平台", "platform"),
                "platform_id": ("账号 ID", "platform_id"), "url": ("网址", "url"),
                "unit": ("主办单位", "host unit"), "positioning": ("功能定位", "positioning"),
                "verification": ("认证信息", "verification"), "undertaking": ("承办单位", "undertaking"),
                "interaction": ("互动功能", "interaction"), "operations": ("运维安排", "operations"),
                "national_system_id": ("全国系统编号", "national_system_id"), "app": ("应用备案", "app")}


@dataclass
class Pairing:
    """Accounts at the base matched with accounts now (same folder, or moved to another unit)."""

    pairs: list[tuple[AccountRec, AccountRec]] = field(default_factory=list)
    new: list[AccountRec] = field(default_factory=list)
    gone: list[AccountRec] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)  # old folder prefix -> new folder prefix


def _folder(acc: AccountRec) -> str:
    return f"accounts/{acc.unit_id}/{acc.account_id}/"


def pair_accounts(base: Registry, now: Registry) -> Pairing:
    out = Pairing()
    fresh = [acc for ref, acc in now.accounts.items() if ref not in base.accounts]
    for ref, old in base.accounts.items():
        cur = now.accounts.get(ref)
        if cur is not None:
            out.pairs.append((old, cur))
            continue
        candidates = [c for c in fresh if c.account_id == old.account_id]
        if len(candidates) > 1 and old.record is not None:
            pid = old.record.model.platform_id
            candidates = [c for c in candidates if c.record and c.record.model.platform_id == pid]
        if len(candidates) == 1:
            fresh.remove(candidates[0])
            out.pairs.append((old, candidates[0]))
            out.moved[_folder(old)] = _folder(candidates[0])
        else:
            out.gone.append(old)
    out.new = fresh
    return out


def _pairing(reg: Registry, snap: BaseSnapshot) -> Pairing:
    """This run's pairing, worked out once and shared by the rules (kept with the registry)."""
    known = reg.derived.get("pairing")
    if known is None or known[0] is not snap:
        known = reg.derived["pairing"] = (snap, pair_accounts(snap.registry, seen(reg, snap)))
    pairing: Pairing = known[1]
    return pairing


def seen(reg: Registry, snap: BaseSnapshot) -> Registry:
    """``reg`` narrowed to the unit folders the snapshot read at the base (those that changed since)."""
    if snap.units is None:
        return reg
    return replace(reg, accounts={ref: acc for ref, acc in reg.accounts.items() if acc.unit_id in snap.units})


def _label(status: str | None) -> str:
    return STATUS_LABELS[status][0] if status in STATUS_LABELS else "（新账号）"


# -- GM601 -------------------------------------------------------------------------------------
def _first_difference(before: bytes, after: bytes) -> int:
    """The first line (1-based) where ``after`` differs from ``before``."""
    old = before.replace(b"\r\n", b"\n").split(b"\n")
    new = after.replace(b"\r\n", b"\n").split(b"\n")
    for no, (a, b) in enumerate(zip(old, new, strict=False), 1):
        if a != b:
            return no
    return min(len(old), len(new)) + (1 if len(new) > len(old) else 0)


def gm601_append_only(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None:
        return []
    moved = _pairing(reg, snap).moved
    out = []
    for path, data in sorted(snap.request_files().items()):
        now = gitbase.worktree_file(ctx.root, path)
        where = path
        if now is None:
            for old, new in moved.items():
                if path.startswith(old):
                    where = new + path[len(old):]
                    now = gitbase.worktree_file(ctx.root, where)
        kind_zh, kind_en = ("申请", "request") if path.endswith("/request.yaml") else ("审批", "approval")
        restore = f"git checkout {snap.ref} -- {path}"
        if now is None:
            out.append(make(
                "GM601", path, 1, 1,
                f"{kind_zh}记录 {path} 在基准版本 {snap.ref} 中已存在，现在被删除：申请和审批记录只增不改"
                f"（第七条、第八条）。请恢复该文件（{restore}）；如需撤回或更正，请另行提交新的申请。",
                f"the {kind_en} record {path} exists at {snap.ref} and was deleted: request and approval records "
                f"are append-only. Restore it ({restore}); to withdraw or correct, file a new request."))
        elif not gitbase.same_content(now, data):
            out.append(make(
                "GM601", where, _first_difference(data, now), 1,
                f"{kind_zh}记录 {where} 在基准版本 {snap.ref} 中已存在，现在被修改：已记录的申请和审批决定不得改写"
                f"（第七条、第八条）。请恢复原内容（{restore}）；如需更正，请另行提交新的申请。",
                f"the {kind_en} record {where} exists at {snap.ref} and was modified: recorded requests and "
                f"decisions must not be rewritten. Restore it ({restore}); to correct it, file a new request."))
    return out


# -- GM602 -------------------------------------------------------------------------------------
def status_finding(acc: AccountRec, before: str | None, after: str, ref: str) -> Finding | None:
    """GM602 for one account whose status was ``before`` at the base (None: new) and is ``after``."""
    if transition_allowed(before, after, registered(acc)) or acc.record is None:
        return None
    allowed = sorted(TRANSITIONS.get(before, frozenset()))
    nxt_zh = (f"{before} 之后只能变为 " + "、".join(f"“{_label(s)}”（{s}）" for s in allowed) if allowed
              else f"{before} 是最终状态，不能再变化")
    nxt_en = f"after {before} it may only become {', '.join(allowed)}" if allowed else f"{before} is final"
    p = acc.record.pos("status")
    if before is None:
        zh = (f"新账号 {acc.ref} 的状态是“{_label(after)}”（{after}）：新开账号以“申请中”（applying）登记，"
              "或在同一合并请求中带上开设申请及全部环节的批准后登记为 active（第七条）。"
              "请把 status 改为 applying，或补齐开设申请的全部审批。")
        en = (f"new account {acc.ref} has status '{after}': a new account starts as 'applying', or arrives "
              "'active' with its open request approved by every stage in the same merge request (Art. 7). Set "
              "status to applying or add the missing approvals.")
    else:
        zh = (f"账号 {acc.ref} 的状态从基准版本 {ref} 的“{_label(before)}”（{before}）变为“{_label(after)}”（{after}），"
              f"生命周期不允许；{nxt_zh}（第七条、第八条）。"
              "请恢复原状态，并提交相应的申请逐级审批。")
        en = (f"account {acc.ref} changed status from '{before}' (at {ref}) to '{after}', which the lifecycle does "
              f"not allow; {nxt_en} (Art. 7, 8). Restore the status and file the request.")
    return make("GM602", acc.path, p.line, p.column, zh, en)


def arrives_complete(acc: AccountRec, gov: Governance | None) -> bool:
    """A new account that arrives ``active`` with its whole opening in the same merge request: its latest
    open request approved at every stage of the base's open chain (the approvals are new with the account)."""
    if gov is None or acc.record is None or acc.record.model.status != "active":
        return False
    opens = [req for req in acc.requests if req.action == "open"]
    return bool(opens) and request_state(opens[-1], gov.chain("open")).state == "approved"


def gm602_lifecycle(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None:
        return []
    gov = base_governance(reg, snap)
    pairing = _pairing(reg, snap)
    out: list[Finding] = []
    for old, cur in pairing.pairs:
        if old.record is not None and cur.record is not None:
            f = status_finding(cur, old.record.model.status, cur.record.model.status, snap.ref)
            if f:
                out.append(f)
    for cur in pairing.new:
        if cur.record is not None and not arrives_complete(cur, gov):
            f = status_finding(cur, None, cur.record.model.status, snap.ref)
            if f:
                out.append(f)
    for old in pairing.gone:
        status = old.record.model.status if old.record else "?"
        out.append(make(
            "GM602", old.path, 1, 1,
            f"账号 {old.ref}（基准版本 {snap.ref} 中状态为 {status}）被删除：账号记录不得删除，公众需要能查到已停用的账号。"
            "请恢复它；停用账号请提交注销关停（close）或退出监管（exit）申请（第八条）。",
            f"account {old.ref} (status {status} at {snap.ref}) was deleted: account records are never deleted. "
            "Restore it; to retire an account file a close or exit request (Art. 8)."))
    return out


# -- GM603 -------------------------------------------------------------------------------------
_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def normal(name: str, value: Any) -> Any:
    """A field's value as plain JSON data, for comparing an account's field with a change request's value
    (a nested value is validated by the field's own model first: defaults and dates written alike)."""
    if name == "unit":
        return value
    if name not in _ADAPTERS:
        field_info = Account.model_fields.get(name)
        _ADAPTERS[name] = TypeAdapter(field_info.annotation if field_info is not None and field_info.annotation else Any)
    adapter = _ADAPTERS[name]
    try:
        value = adapter.validate_python(value)
    except ValidationError:
        return ("invalid", repr(value))
    return adapter.dump_python(value, mode="json", exclude_none=True)


def _value(acc: AccountRec, model: Account, name: str) -> Any:
    return acc.unit_id if name == "unit" else normal(name, getattr(model, name))


def approved_changes(acc: AccountRec, gov: Governance) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """Per field: the value (:func:`normal`) the latest complete change request sets, and pending requests
    naming it (field -> (folder, next stage))."""
    chain = gov.chain("change")
    done: dict[str, Any] = {}
    pending: dict[str, tuple[str, str]] = {}
    for req in acc.requests:
        if req.action != "change" or req.request is None or not req.request.model.changes:
            continue
        state = request_state(req, chain)
        for key, value in req.request.model.changes.items():
            if state.state == "approved":
                done[key] = normal(key, value)
            elif state.state == "pending" and state.next_stage:
                pending[key] = (req.folder, state.next_stage)
    return done, pending


def tracked(old: Account) -> tuple[str, ...]:
    """The fields that change only through a change request: every field a change request may carry once
    the account is open; while it applies, what identifies it."""
    if old.status in OPEN_STATUSES:
        return ("platform", *CHANGEABLE_FIELDS)
    return TRACKED


def _completed_here(old: AccountRec, cur: AccountRec, gov: Governance) -> list[str]:
    """The fields of change requests that became complete in this merge request (or whose account leaves
    ``changing`` in it): their approved values must now be in account.yaml, exactly."""
    chain = gov.chain("change")
    before = {req.folder.rsplit("/", 1)[-1]: request_state(req, chain).state for req in old.requests}
    leaving = old.record is not None and old.record.model.status == "changing"
    fields: list[str] = []
    for req in cur.requests:
        if req.action != "change" or req.request is None or not req.request.model.changes:
            continue
        if request_state(req, chain).state != "approved":
            continue
        if before.get(req.folder.rsplit("/", 1)[-1]) != "approved" or leaving:
            fields.extend(k for k in req.request.model.changes if k not in fields)
    return fields


def _gm603_message(cur: AccountRec, name: str, before: Any, after: Any, ref: str, gov: Governance,
                   pending: dict[str, tuple[str, str]]) -> tuple[str, str]:
    label_zh, label_en = FIELD_LABELS.get(name, (name, name))
    head_zh = f"账号 {cur.ref} 的{label_zh}从 “{_show(before)}” 改为 “{_show(after)}”（与基准版本 {ref} 相比），"
    head_en = f"account {cur.ref} changed its {label_en} from '{_show(before)}' to '{_show(after)}' (against {ref}) "
    if name not in CHANGEABLE_FIELDS:
        return (head_zh + "但平台不能通过变更申请修改：请恢复原值；在新平台开设账号请按第七条提交开设申请。",
                head_en + "but the platform cannot be changed: restore it and open a new account instead (Art. 7).")
    if name in pending:
        folder, stage = pending[name]
        title = gov.stages[stage].title if stage in gov.stages else stage
        return (head_zh + f"但变更申请 {folder} 尚未完成全部审批（还差“{title}”）：请在变更链全部批准后再修改（第八条（一））。",
                head_en + f"but the change request {folder} is not complete yet (next: {stage}): change the "
                "field only after every stage of the change chain approved it (Art. 8(1)).")
    return (head_zh + f"但没有全部批准、且 changes 中写明 {name} 新值的变更申请（第八条（一））。"
            "请恢复原值，或提交变更申请并在逐级批准后再修改。",
            head_en + f"without a completely approved change request whose changes set {name} to it (Art. 8(1)). "
            "Restore it, or file a change request and change it once approved.")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "…"


def gm603_identity(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    gov = base_governance(reg, snap) if snap is not None else None
    if snap is None or gov is None:
        return []
    out = []
    for old, cur in _pairing(reg, snap).pairs:
        if old.record is None or cur.record is None:
            continue
        done, pending = approved_changes(cur, gov)
        names = tracked(old.record.model)
        reported = set()
        for name in names:
            before = _value(old, old.record.model, name)
            after = _value(cur, cur.record.model, name)
            if before == after or (name in done and done[name] == after):
                continue
            zh, en = _gm603_message(cur, name, before, after, snap.ref, gov, pending)
            p = cur.record.pos(name) if name != "unit" else cur.record.pos()
            out.append(make("GM603", cur.path, p.line, p.column, zh, en))
            reported.add(name)
        for name in _completed_here(old, cur, gov):
            after = _value(cur, cur.record.model, name)
            if name in reported or name not in done or done[name] == after:
                continue
            label_zh, label_en = FIELD_LABELS.get(name, (name, name))
            p = cur.record.pos(name) if name != "unit" else cur.record.pos()
            out.append(make(
                "GM603", cur.path, p.line, p.column,
                f"账号 {cur.ref} 的变更申请已全部批准，但{label_zh}（{name}）仍是 “{_show(after)}”，不是批准的 "
                f"“{_show(done[name])}”：批准的变更须照批准内容写进 account.yaml（第八条（一））。请按 changes 修改。",
                f"account {cur.ref}: the change request is approved at every stage but {label_en} is still "
                f"'{_show(after)}', not the approved '{_show(done[name])}': write the approved values into "
                "account.yaml exactly (Art. 8(1))."))
    return out


# -- signed approvals (GM604) ------------------------------------------------------------------
def added_approvals(reg: Registry, snap: BaseSnapshot) -> list[tuple[str, Record[Approval], RequestRec]]:
    """(stage, approval, request) of every approval file of the changed unit folders that the base does
    not hold (at its path, or at the path the account had before it moved)."""
    back = {new: old for old, new in _pairing(reg, snap).moved.items()}
    out = []
    for acc in seen(reg, snap).accounts.values():
        for req in acc.requests:
            for stage, rec in req.approvals.items():
                original = rec.path
                for new, old in back.items():
                    if original.startswith(new):
                        original = old + original[len(new):]
                if rec.path not in snap.files and original not in snap.files:
                    out.append((stage, rec, req))
    return out


def gm604_signatures(reg: Registry, ctx: Context) -> Iterable[Finding]:
    if not ctx.verify_signatures:
        return []
    snap = ctx.snapshot
    if snap is None:
        return []
    added: dict[str, list[str]] = {}
    for stage, rec, _req in added_approvals(reg, snap):
        added.setdefault(stage, []).append(rec.path)
    stages = snap.registry.governance.model.stages if snap.registry.governance is not None else {}
    for request in policy.load_policy_requests(ctx.root, dict(stages))[0]:
        for stage, rec in request.approvals.items():
            if rec.path not in snap.files:
                added.setdefault(stage, []).append(rec.path)
    return signatures.verify(ctx.root, snap, added)


RULES = [gm601_append_only, gm602_lifecycle, gm603_identity, gm604_signatures]
BASE_RULES = RULES
