"""Approvals bind what they approve (第七条（二）, 第八条).

* GM207: an approval's ``request_digest`` is the digest of the request.yaml it approves
  (govmedia/register/digest.py). A request edited after the decision no longer matches: the decision does
  not cover it. (With ``--base`` an approval added by the merge request must carry the digest: the history
  rules say so.)
* GM208: separation of duties: one person decides at most one stage of a request, except for the stages
  that governance.yaml's ``shared_approver_stages`` lists together.
* GM209: an account cannot have been opened before the final approval of its open request.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.digest import request_digest
from govmedia.register.lifecycle import request_state
from govmedia.register.registry import Registry
from govmedia.rules.lib.common import finding


def person_key(name: str) -> str:
    """A person's name as compared for separation of duties: NFKC, case and spaces folded."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def gm207_request_digest(reg: Registry, ctx: Context) -> Iterator[Finding]:
    for acc in reg.accounts.values():
        for req in acc.requests:
            if req.request is None:
                continue
            digest: str | None = None
            for stage, approval in req.approvals.items():
                given = approval.model.request_digest
                if given is None:
                    continue
                digest = digest or request_digest(req.request.doc.data)
                if given != digest:
                    yield finding(
                        "GM207", approval, ("request_digest",),
                        f"{approval.path}（“{stage}”环节）批准的是另一份申请内容：request_digest 与现在的 {req.path} "
                        f"不符（现在的摘要是 {digest}）。申请在审批后被修改，原审批不再有效：请恢复申请的原内容，"
                        "或另行提交新的申请并重新逐级审批。",
                        f"{approval.path} (stage {stage}) approved other content: its request_digest differs from "
                        f"{req.path} as it is now ({digest}). The request was edited after the decision, which "
                        "therefore no longer holds: restore the request, or file a new one and have it approved again.")


def gm208_separation(reg: Registry, ctx: Context) -> Iterator[Finding]:
    if reg.governance is None:
        return
    gov = reg.governance.model
    for acc in reg.accounts.values():
        for req in acc.requests:
            seen: dict[str, str] = {}  # person -> first stage (in chain order, then the others)
            chain = gov.chain(req.action)
            order = [s for s in chain if s in req.approvals] + sorted(s for s in req.approvals if s not in chain)
            for stage in order:
                approval = req.approvals[stage]
                who = person_key(approval.model.approver.name)
                first = seen.get(who)
                if first is None:
                    seen[who] = stage
                    continue
                if gov.may_share_approver(first, stage):
                    continue
                name = approval.model.approver.name
                yield finding(
                    "GM208", approval, ("approver", "name"),
                    f"{approval.path}：{name} 已经以“{first}”环节审批过同一申请 {req.folder}，又审批“{stage}”环节。"
                    "每个环节须由不同的人把关（职责分离）：请由本环节的审核人审批；确需同一人兼任的环节，"
                    "由区政府办公室在 governance.yaml 的 shared_approver_stages 中登记。",
                    f"{approval.path}: {name} already decided stage {first} of the same request {req.folder} and now "
                    f"decides {stage}. Each stage is a separate check (separation of duties): have this stage's "
                    "reviewer decide; stages one person may hold together are listed in governance.yaml's "
                    "shared_approver_stages.")


def gm209_opened_after_approval(reg: Registry, ctx: Context) -> Iterator[Finding]:
    if reg.governance is None:
        return
    chain = reg.governance.model.chain("open")
    for acc, rec in reg.valid_accounts():
        opened = rec.model.opened_on
        if opened is None:
            continue
        final = None
        for req in acc.requests:
            if req.action == "open":
                state = request_state(req, chain)
                if state.state == "approved":
                    final = state.decided_on
        if final is not None and opened < final:
            yield finding(
                "GM209", rec, ("opened_on",),
                f"账号 {acc.ref} 的开通日期 {opened} 早于开设申请的最终批准日期 {final}：账号须在全部环节批准后才能开通。"
                f"请填写实际开通日期（不早于 {final}）。",
                f"account {acc.ref}: opened_on {opened} is before the final approval of its open request ({final}): "
                f"an account opens only once every stage approved it. Give the real date (not before {final}).")


RULES = [gm207_request_digest, gm208_separation, gm209_opened_after_approval]
