"""The base governs the merge request (``govmedia check --base REF``).

* The rules that judge approval chains, statuses and announcements run again with governance.yaml as it is
  at the base, over the unit folders the merge request changes, whenever the merge request changes
  governance.yaml: a merge request that drops a stage or shortens the display period is judged by the
  rules it tried to change.
* GM605: a change to governance.yaml, or to an existing unit's reviewers, signers, name or USCC, needs a
  complete policy request added by the same merge request (``policies/requests/<date>-policy/``, the
  base's ``chains.policy``), whose ``changes`` give the digest of each file's new content; a unit cannot
  take another unit's full name.
* GM207 (with the base): an approval the merge request adds must carry ``request_digest``.
* GM606: one 文号 approves one request: an approval the merge request adds may not carry a document number
  that another request already has, here or anywhere at the base.
* GM607: an announcement the merge request adds cannot be dated before the merge request (the base
  commit's day in China): it was never on the home page on the days it claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from govmedia.findings.finding import Finding
from govmedia.history import policy
from govmedia.history.codeowners import GITLAB_LOCATIONS, LOCATIONS
from govmedia.register.context import Context
from govmedia.register.digest import document_digest, request_digest
from govmedia.register.registry import Record, Registry
from govmedia.register.snapshot import BaseSnapshot
from govmedia.rules import announcements, binding, chains
from govmedia.rules.codeowners import MAX_BYTES, check_text
from govmedia.rules.history import added_approvals, seen
from govmedia.rules.lib.common import at, finding
from govmedia.schemas import Approval, Governance, Unit

GOVERNANCE = "policies/governance.yaml"
UNIT_GOVERNED = ("reviewers", "allowed_signers", "name", "uscc")  # unit.yaml fields that decide who approves


def _data(record: Record[Any] | None) -> Any:
    return record.doc.data if record is not None else None


# -- the base's governance judges the merge request ---------------------------------------------
def gm6xx_base_governed(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None or snap.registry.governance is None or reg.governance is None:
        return []
    if snap.registry.governance.doc.data == reg.governance.doc.data:
        return []  # the run without the base already judged with these rules
    governed = replace(seen(reg, snap), governance=snap.registry.governance, derived={})
    out: list[Finding] = []
    for rule in (*chains.RULES, *binding.RULES, *announcements.RULES):
        out.extend(f for f in rule(governed, ctx) if not f.path.startswith("announcements/")
                   or f.code in ("GM302", "GM303"))
    return out


# -- GM605: governance changes are requests -----------------------------------------------------
def _governed_changes(reg: Registry, snap: BaseSnapshot) -> dict[str, Any]:
    """path -> new content (parsed data) of governance.yaml and of each existing unit.yaml whose governed
    fields the merge request changes."""
    out: dict[str, Any] = {}
    if snap.registry.governance is not None and reg.governance is not None and \
            snap.registry.governance.doc.data != reg.governance.doc.data:
        out[GOVERNANCE] = reg.governance.doc.data
    for uid, old in snap.registry.units.items():
        cur = reg.units.get(uid)
        if old.record is None or cur is None or cur.record is None:
            continue
        before, after = old.record.model, cur.record.model
        if any(getattr(before, f) != getattr(after, f) for f in UNIT_GOVERNED):
            out[cur.path] = cur.record.doc.data
    return out


def _complete(req: policy.PolicyRequest, chain: list[str], gov: Governance) -> str | None:
    """None when the policy request is approved at every stage of ``chain`` (each approval binding the
    request), else the first stage missing."""
    if req.request is None:
        return chain[0] if chain else None
    digest = request_digest(req.request.doc.data)
    for stage in chain:
        approval = req.approvals.get(stage)
        if approval is None or approval.model.decision != "approved" or approval.model.request_digest != digest:
            return stage
    return None


def gm605_policy_changes(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    gov = policy.base_governance(reg, snap) if snap is not None else None
    if snap is None or gov is None:
        return []
    changed = _governed_changes(reg, snap)
    out = list(_unit_name_taken(reg, snap, ctx))
    if not changed:
        return out
    requests, problems = policy.load_policy_requests(ctx.root, dict(gov.stages))
    out.extend(problems)
    chain = gov.chain("policy")
    fresh = [r for r in requests if f"{r.folder}/request.yaml" not in snap.files]
    covered: dict[str, str] = {}  # path -> digest approved by a complete policy request of this merge request
    missing: dict[str, tuple[str, str]] = {}  # path -> (folder, stage) of an incomplete request naming it
    for req in fresh:
        names = (req.request.model.changes or {}) if req.request is not None else {}
        gap = _complete(req, chain, gov)
        for path, digest in names.items():
            if gap is None:
                covered[str(path)] = str(digest)
            else:
                missing[str(path)] = (req.folder, gap)
    for path, data in sorted(changed.items()):
        digest = document_digest(data)
        if covered.get(path) == digest:
            continue
        arrow = " → ".join(chain)
        if path in missing:
            folder, stage = missing[path]
            why_zh, why_en = (f"治理变更申请 {folder} 尚缺“{stage}”环节的批准（或批准未绑定该申请）",
                              f"the policy request {folder} lacks an approval of {stage} (or one that binds it)")
        elif path in covered:
            why_zh, why_en = ("治理变更申请批准的不是这份内容", "the policy request approved other content")
        else:
            why_zh, why_en = ("本合并请求没有写明它的治理变更申请", "no policy request of this merge request names it")
        out.append(at(
            "GM605", path, 1, 1,
            f"{path} 修改了决定由谁审批的内容（与基准版本 {snap.ref} 相比），但{why_zh}。治理文件的修改本身是一项申请："
            f"请在 {policy.POLICY_REQUESTS}/<提交日期>-policy/request.yaml 中写明 changes: {{{path}: {digest}}}，"
            f"并按 {arrow} 逐级批准；本合并请求的其他内容仍按基准版本的规则审核。",
            f"{path} changes who approves (against {snap.ref}) but {why_en}. A governance change is itself a "
            f"request: add {policy.POLICY_REQUESTS}/<date>-policy/request.yaml with changes: {{{path}: {digest}}} "
            f"approved along {arrow}; the rest of the merge request is judged by the base's rules."))
    return out


def _unit_name_taken(reg: Registry, snap: BaseSnapshot, ctx: Context) -> Iterator[Finding]:
    """A unit of the changed folders that takes another unit's full name (as it is at the base)."""
    names: dict[str, str] = {}
    for uid, unit in _changed_units(reg, snap):
        old = snap.registry.units.get(uid)
        if old is not None and old.record is not None and old.record.model.name == unit.name:
            continue
        names[unit.name] = uid
    for name, holders in sorted(policy.unit_name_holders(ctx.root, snap.commit, set(names)).items()):
        uid = names[name]
        for other_id in holders:
            other = reg.units.get(other_id)
            if other_id == uid or (other is not None and other.record is not None and other.record.model.name != name):
                continue  # itself, or a unit that takes another name in this merge request
            record = reg.units[uid].record
            assert record is not None
            yield finding(
                "GM605", record, ("name",),
                f"单位 {uid} 的名称 “{name}” 是另一单位（{other_id}）的全称：一个名称只属于一个主办单位，"
                "冒用他单位名称可使账号认证主体看似合规。请填写本单位的全称。",
                f"unit {uid} takes the full name '{name}' of another unit ({other_id}): a name belongs to one host "
                "unit. Give this unit's own full name.")
            break


def _changed_units(reg: Registry, snap: BaseSnapshot) -> Iterator[tuple[str, Unit]]:
    for uid, unit in reg.units.items():
        if unit.record is not None and (snap.units is None or uid in snap.units):
            yield uid, unit.record.model


# -- GM207 with the base: new approvals bind their request -----------------------------------------
def gm207_new_approvals_bound(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None:
        return []
    out = []
    for stage, rec, req in added_approvals(reg, snap):
        if rec.model.request_digest is not None or req.request is None:
            continue
        digest = request_digest(req.request.doc.data)
        out.append(finding(
            "GM207", rec, ("decision",),
            f"{rec.path}（“{stage}”环节）是本合并请求新增的审批，但没有写明它批准的申请内容：请加上 "
            f"request_digest: {digest}（govmedia new approval 会自动填写），这样申请在审批后被改动时审批即失效。",
            f"{rec.path} (stage {stage}) is a new decision without request_digest: add request_digest: {digest} "
            "(govmedia new approval fills it in), so that a request edited afterwards voids the decision."))
    return out


# -- GM606: one 文号, one request -------------------------------------------------------------------
def gm606_document_no(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None:
        return []
    added: list[tuple[Record[Approval], str]] = [(rec, req.folder) for _s, rec, req in added_approvals(reg, snap)
                                                  if rec.model.document_no]
    numbers = {rec.model.document_no for rec, _ in added if rec.model.document_no}
    if not numbers:
        return []
    where: dict[str, set[str]] = {}  # 文号 -> request folders that carry it
    for acc in seen(reg, snap).accounts.values():
        for req in acc.requests:
            for rec in req.approvals.values():
                if rec.model.document_no in numbers:
                    where.setdefault(rec.model.document_no, set()).add(req.folder)
    for no, paths in policy.document_numbers_at(ctx.root, snap.commit, numbers).items():
        for path in paths:
            found = policy.approval_folder(path)
            unit = path.split("/")[1] if path.startswith("accounts/") else None
            # a unit folder the merge request changes is judged as it is now (above), not as it was
            if found is not None and (unit is None or (snap.units is not None and unit not in snap.units)):
                where.setdefault(no, set()).add(found[0])
    out = []
    for rec, folder in added:
        no = rec.model.document_no or ""
        others = sorted(where.get(no, set()) - {folder})
        if others:
            out.append(finding(
                "GM606", rec, ("document_no",),
                f"{rec.path} 的文号 {no} 已用于另一申请（{others[0]}）：一个文号只批准一个申请，复制来的审批不算数。"
                "请填写批准本申请的文件的文号。",
                f"{rec.path}: document number {no} already approves another request ({others[0]}): one 文号 "
                "approves one request, a copied decision does not count. Give the number of the document that "
                "approves this request."))
    return out


# -- GM607: announcements are not back-dated --------------------------------------------------------
def gm607_announcement_date(reg: Registry, ctx: Context) -> Iterable[Finding]:
    snap = ctx.snapshot
    if snap is None:
        return []
    fresh = [a for a in reg.announcements if a.record.path not in snap.files]
    if not fresh:
        return []
    day = policy.commit_day(ctx.root, snap.commit)
    out = []
    for ann in fresh:
        if day is not None and ann.published_on < day:
            out.append(finding(
                "GM607", ann.record, ("published_on",),
                f"公告 {ann.record.path} 由本合并请求新增，但发布日期 {ann.published_on} 早于本合并请求（基准版本 {snap.ref} "
                f"的日期 {day}）：公告在那些日子并未在首页公示。请把发布日期（文件名和 published_on）改为实际发布的日期"
                f"（不早于 {day}），并相应设置 display_until。",
                f"announcement {ann.record.path} is added by this merge request but dated {ann.published_on}, before "
                f"the merge request ({snap.ref} is of {day}): it was not on the home page on those days. Date it "
                f"when it is really published (not before {day}: file name and published_on) and set display_until."))
    return out


# -- GM604 with the base: the base's CODEOWNERS decides who reviews this merge request ---------------
def gm604_base_codeowners(reg: Registry, ctx: Context) -> Iterable[Finding]:
    """GitHub and GitLab take CODEOWNERS from the target branch: that file, with the base's governance and
    the base's unit reviewers, must give the approval files of the changed unit folders to their stages'
    reviewers. Read only when the merge request changes CODEOWNERS or what decides who approves (otherwise
    the run without the base has judged the same file against the same rules)."""
    snap = ctx.snapshot
    if snap is None or snap.registry.governance is None:
        return []
    gov = snap.registry.governance.model
    governed = bool(_governed_changes(reg, snap))
    out: list[Finding] = []
    for locations, gitlab in ((LOCATIONS, False), (GITLAB_LOCATIONS, True)):
        found = next(((w, d) for w in locations if (d := policy.file_at(ctx.root, snap.commit, w)) is not None), None)
        if found is None:
            continue
        where, data = found
        if not governed and policy.unchanged(ctx.root, where, data):
            continue
        if len(data) > MAX_BYTES:
            continue  # the forge ignores it: the run without the base reports the file
        view = seen(reg, snap)
        units = {uid: replace(old, accounts=reg.units[uid].accounts)
                 for uid, old in snap.registry.units.items() if uid in reg.units}
        narrowed: dict[str, Any] = {"scope": snap.units} if snap.units is not None else {}
        # a registry of its own: the base's governance and reviewers, the changed folders' approval files,
        # and per-unit results that are not this run's GM604 results
        view = replace(view, governance=snap.registry.governance, units=units, carry={}, carried={}, derived={},
                       **narrowed)
        out.extend(check_text(data.decode("utf-8", "replace"), where, view, gov, gitlab))
    return out


RULES = [gm6xx_base_governed, gm604_base_codeowners, gm605_policy_changes, gm207_new_approvals_bound, gm606_document_no,
         gm607_announcement_date]
BASE_RULES = RULES
