"""``govmedia bot review``: a web review becomes a stage's approval file.

Who may decide what is read from the merge request's **base** (its target branch): the chains and
stages of governance.yaml, the unit reviewers of unit.yaml, the login -> name/title map ``people``. The
merge request's own files only say which requests it carries and which decisions they already have.
A review by the owner of a request's next pending stage writes that stage's file (approve or, for
"Request changes", reject) with the review's id and the reviewer's login; anything else writes nothing
and says why. The bot never approves: it records what the platform says a person did, as a normal
commit that the check and CODEOWNERS judge like any other.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govmedia.bots import gitwork, payload, report, settle
from govmedia.bots.forge import ApiError
from govmedia.bots.payload import Outcome
from govmedia.findings.message import Msg
from govmedia.register import digest
from govmedia.register.lifecycle import request_state
from govmedia.register.loader import load
from govmedia.register.registry import AccountRec, Registry, RequestRec
from govmedia.schemas import Approval
from govmedia.schemas.common import Person
from govmedia.schemas.governance import Governance
from govmedia.staff.fields import Env

# "文号：铜政办函〔2026〕12号" on a line of its own; no markup characters (the number is published).
_DOC_NO = re.compile(r"^\s*(?:批复)?文号\s*[:：]\s*([^\s<>&\"'`][^\n<>&\"'`]{0,63}?)\s*$", re.M)
Member = Callable[[str], "bool | None"]  # a reviewer handle ("@org/team" or "@login") -> is the reviewer in it


@dataclass(frozen=True)
class Review:
    platform: str  # github | gitlab
    id: int | None
    login: str
    decision: str  # approved | rejected | "" (a comment: nothing to record)
    body: str
    day: date  # in China
    number: int
    head_ref: str
    base_ref: str
    same_repo: bool
    open: bool = True


def github_event(data: dict[str, Any]) -> Review:
    """A ``pull_request_review`` webhook payload (docs.github.com, "Webhook events and payloads")."""
    review, pr = data.get("review"), data.get("pull_request")
    if payload.text(data, "action") != "submitted":  # edited or dismissed: nothing to record
        return Review("github", None, "", "", "", date.min, payload.number(pr, "number"), "", "", True, False)
    state = payload.text(review, "state").lower()
    head_repo = payload.text(pr, "head", "repo", "full_name", required=False)  # null when the fork is gone
    return Review(
        platform="github",
        id=payload.number(review, "id"),
        login=payload.text(review, "user", "login"),
        decision={"approved": "approved", "changes_requested": "rejected"}.get(state, ""),
        body=payload.text(review, "body", required=False),
        day=payload.china_date(payload.text(review, "submitted_at")),
        number=payload.number(pr, "number"),
        head_ref=payload.text(pr, "head", "ref"),
        base_ref=payload.text(pr, "base", "ref"),
        same_repo=bool(head_repo) and head_repo == payload.text(pr, "base", "repo", "full_name"),
        open=payload.text(pr, "state", required=False) in ("", "open", "opened"),
    )


def refusal(review: Review) -> Msg | None:
    """Why this review cannot be recorded whoever gave it (None: it may be)."""
    if not review.open or not review.decision:
        return Msg("", "")  # a comment, an edit, a closed merge request: nothing to do, nothing to say
    if not review.same_repo:
        return Msg("这个合并请求来自复刻（fork）仓库：机器人只处理本仓库内的分支，不写入任何文件。"
                   "请在本仓库中新建分支重新提交，或由办理人员代为提交。",
                   "this merge request comes from a fork: the bot works on branches of this repository only and "
                   "writes nothing. Push the branch to this repository, or ask the office to.")
    return None


def _owners(gov: Governance, base: Registry, stage: str, unit_id: str) -> list[str]:
    spec = gov.stages[stage]
    unit = base.units.get(unit_id)
    if spec.from_unit and unit is not None and unit.record is not None:
        return list(unit.record.model.reviewers)
    return list(spec.reviewers)  # also a new unit's head stage: never the merge request's own reviewers


def owns(login: str, owners: list[str], member: Member) -> bool | None:
    """The reviewer is one of ``owners`` (as ``@login`` or in a listed team); None: membership unknown."""
    unknown = False
    for handle in owners:
        if "/" not in handle:
            if handle[1:].lower() == login.lower():
                return True
            continue
        answer = member(handle)
        if answer:
            return True
        unknown = unknown or answer is None
    return None if unknown else False


def _in_merge_request(head: Registry, changed: list[str]) -> list[tuple[AccountRec, RequestRec]]:
    out = []
    for acc in head.accounts.values():
        for req in acc.requests:
            if acc.path in changed or any(p.startswith(req.folder + "/") for p in changed):
                out.append((acc, req))
    return sorted(out, key=lambda pair: pair[1].folder)


def _person(gov: Governance, login: str) -> Person | None:
    for key, person in gov.people.items():
        if key.lower() == login.lower():
            return person
    return None


def request_digest(req: RequestRec) -> str | None:
    """The digest of the request an approval binds to (the approval chain's own function)."""
    return digest.request_digest(req.request.doc.data) if req.request is not None else None


def _next_step(gov: Governance, base: Registry, acc: AccountRec, chain: list[str], stage: str, decision: str) -> str:
    """Who acts next, in a sentence: the next stage's reviewers, or the office that merges."""
    later = chain[chain.index(stage) + 1 :]
    if decision == "rejected" or not later:
        return "下一步：区政府办公室核对账号状态和公告后合并本合并请求。" if decision == "approved" else \
            "下一步：申请已驳回，区政府办公室核对后合并本合并请求以留存记录（或关闭它）。"
    owners = "、".join(_owners(gov, base, later[0], acc.unit_id)) or "（未设置审核人）"
    return f"下一步：请「{gov.stages[later[0]].title}」（{owners}）审核。"


def _approval_doc(review: Review, person: Person, document_no: str | None, req: RequestRec) -> dict[str, Any]:
    comment = _DOC_NO.sub("", review.body).strip()[:4000] or None
    doc: dict[str, Any] = {"decision": review.decision, "decided_on": review.day.isoformat(),
                           "approver": {"name": person.name, "title": person.title}}
    if document_no:
        doc["document_no"] = document_no
    if comment:
        doc["comment"] = comment
    digest = request_digest(req)
    if digest is not None and "request_digest" in Approval.model_fields:
        doc["request_digest"] = digest
    doc["review"] = {"platform": review.platform, "id": review.id, "login": review.login}
    if review.id is None:
        del doc["review"]["id"]
    return doc


def _recorded(req: RequestRec, review: Review) -> bool:
    for approval in req.approvals.values():
        ref = approval.model.review
        if ref is not None and ref.platform == review.platform and ref.login.lower() == review.login.lower() and (
            review.id is None or ref.id == review.id
        ):
            return True
    return False


def _decided_by(req: RequestRec, login: str) -> str | None:
    """The stage of ``req`` that ``login`` already decided through a web review, if any."""
    for stage, approval in req.approvals.items():
        ref = approval.model.review
        if ref is not None and ref.login.lower() == login.lower():
            return stage
    return None


def _not_owner(gov: Governance, base: Registry, pending: list[tuple[AccountRec, RequestRec, str]],
               review: Review, member: Member) -> Msg:
    """Why a review of someone who owns no next stage changes nothing: a later stage (out of order), or none."""
    for acc, req, stage in pending:
        chain = gov.chain(req.action)
        for later in chain[chain.index(stage) + 1 :]:
            if owns(review.login, _owners(gov, base, later, acc.unit_id), member):
                title, now = gov.stages[later].title, gov.stages[stage].title
                return Msg(f"@{review.login} 负责「{title}」环节，但 {req.folder} 现在轮到「{now}」审批"
                           f"（缺少 {stage}.yaml）：审批须按顺序进行，请在「{now}」批准后重新提交您的审核。本次未写入任何文件。",
                           f"@{review.login} owns {later}, but {req.folder} waits for {stage} first: approvals follow "
                           "the chain's order; submit your review again after that. Nothing was written.")
    titles = "、".join(f"「{gov.stages[s].title}」" for _, _, s in pending)
    if any(owns(review.login, _owners(gov, base, s, a.unit_id), member) is None for a, _, s in pending):
        return Msg(f"无法确认 @{review.login} 是否属于待审环节（{titles}）的审核团队（读取团队成员的令牌未配置或无权限）："
                   "本次审核不写入审批文件。请管理员按 docs/reviewers.md 配置 GOVMEDIA_MEMBERS_TOKEN。",
                   f"cannot tell whether @{review.login} is in the team owning the pending stage (no token may read "
                   "team membership): nothing was written; see docs/reviewers.md.")
    return Msg(f"@{review.login} 不是本合并请求中待审环节（{titles}）的审核人：本次审核不写入审批文件。"
               "审核人名单见 policies/governance.yaml 与各单位的 unit.yaml。",
               f"@{review.login} owns none of the pending stages of this merge request: nothing was written.")


def decide(base: Registry, head: Registry, changed: list[str], review: Review, member: Member) -> Outcome:
    """The files one review writes on the merge request's branch, and what to say about it."""
    refused = refusal(review)
    if refused is not None:
        return Outcome(refused)
    if base.governance is None:
        return Outcome(Msg("目标分支的 policies/governance.yaml 有错误：无法判断审核人，未写入任何文件。",
                           "the target branch's governance.yaml has errors: nothing was written."))
    gov = base.governance.model
    pending: list[tuple[AccountRec, RequestRec, str]] = []
    for acc, req in _in_merge_request(head, changed):
        if req.request is None:
            continue
        if _recorded(req, review):  # a redelivered event, or a schedule seeing the same approval again
            return Outcome(Msg("", f"this review by @{review.login} is already recorded in {req.folder}."))
        state = request_state(req, gov.chain(req.action))
        if state.state == "pending" and state.next_stage is not None:
            pending.append((acc, req, state.next_stage))
    if not pending:
        return Outcome(Msg("本合并请求中没有等待审批的申请：本次审核不写入审批文件。",
                           "no request in this merge request waits for a decision: nothing was written."))
    mine = [(a, r, s) for a, r, s in pending if owns(review.login, _owners(gov, base, s, a.unit_id), member)]
    if not mine:
        return Outcome(_not_owner(gov, base, pending, review, member))
    decided = {r.folder: _decided_by(r, review.login) for _, r, _ in mine}
    if all(decided.values()):  # separation of duties: one person decides one stage of a request
        stages = "、".join(f"「{gov.stages[s].title}」" for s in dict.fromkeys(v for v in decided.values() if v))
        return Outcome(Msg(f"@{review.login} 已经以{stages}环节审批过本合并请求中的申请，同一人只能审批其中一个环节"
                           "（职责分离）：本次审核不写入审批文件。下一环节请由其他审核人审批。",
                           f"@{review.login} has already decided a stage of this request: one person decides one "
                           "stage (separation of duties). Nothing was written."))
    mine = [(a, r, s) for a, r, s in mine if not decided[r.folder]]
    person = _person(gov, review.login)
    if person is None:
        return Outcome(Msg(f"@{review.login} 是审核人，但 policies/governance.yaml 的 people 中没有登记其姓名和职务，"
                           "无法写入审批文件：请区政府办公室补登记后，重新提交审核。",
                           f"@{review.login} is a reviewer but has no name and title under people in "
                           "governance.yaml: nothing was written; ask the office to add them, then review again."))
    return _write(gov, base, head, mine, review, person)


def _write(gov: Governance, base: Registry, head: Registry, mine: list[tuple[AccountRec, RequestRec, str]],
           review: Review, person: Person) -> Outcome:
    found = _DOC_NO.search(review.body)
    document_no = found.group(1) if found else None
    files: dict[str, str | None] = {}
    said: list[str] = []
    env = Env(head, gov, review.day, "zh")
    for acc, req, stage in mine:
        spec = gov.stages[stage]
        if spec.requires_document and not document_no:
            return Outcome(Msg(f"「{spec.title}」环节须填写批复文号，但审核意见中没有：请重新提交审核，并在审核意见中"
                               "单独写一行 “文号：铜政办函〔2026〕12号”（换成实际文号）。本次未写入任何文件。",
                               f"the {stage} stage needs the document number (文号) and the review has none: review "
                               "again with a line “文号：…”. Nothing was written."))
        doc = _approval_doc(review, person, document_no if spec.requires_document else None, req)
        try:
            Approval.model_validate(doc)
        except ValidationError as exc:
            where = "、".join(".".join(str(p) for p in e["loc"]) for e in exc.errors(include_url=False))
            return Outcome(Msg(f"审核意见无法写成审批文件（{where} 不符合格式）：本次未写入任何文件。",
                               f"the review cannot be written as an approval ({where}): nothing was written."))
        files.update(settle.approval_file(req.folder, stage, doc))
        chain = gov.chain(req.action)
        if review.decision == "rejected" or stage == chain[-1]:
            files.update(settle.settled(env, acc, req, review.decision, review.day))
        word = "批准" if review.decision == "approved" else "不同意（驳回）"
        said.append(f"已把 @{review.login}（{person.name}，{person.title}）的审核记为「{spec.title}」环节的{word}：{req.folder}")
        said.append(_next_step(gov, base, acc, chain, stage, review.decision))
    message = "\n".join(said)
    trailer = f"\n\nReview-platform: {review.platform}\nReview-id: {review.id or ''}\nReviewer-login: {review.login}"
    commit = f"审批：{'；'.join(s.split('：')[0] for s in said[::2])}"[:200] + trailer
    return Outcome(Msg(message, f"recorded the review of @{review.login}"), files, commit)


def run(repo: Path, review: Review, member: Member, today: date, forge: Any | None) -> Outcome:
    """Do it: read the base and the branch, write and push the decision, check, and say so on the merge
    request (``forge`` None: no comment, for tests and dry runs)."""
    refused = refusal(review)
    if refused is not None:
        said = Msg(f"{report.SIGNATURE}：{refused.zh}", refused.en) if refused.zh else refused
        if forge is not None and refused.zh:
            # a fork's event carries a read-only token: then the refusal stays in the job's log and summary
            with contextlib.suppress(ApiError):
                forge.comment(review.number, said.zh)
        return Outcome(said)
    if not (gitwork.valid_branch(review.head_ref) and gitwork.valid_branch(review.base_ref)):
        return Outcome(Msg("分支名不合规范：未写入任何文件。", "unexpected branch name: nothing was written."))
    gitwork.fetch(repo, review.base_ref, review.head_ref)
    base_ref, head_ref = f"origin/{review.base_ref}", f"origin/{review.head_ref}"
    head_sha = gitwork.git(repo, "rev-parse", head_ref).strip()
    with gitwork.worktree(repo, base_ref) as base_tree, gitwork.worktree(repo, head_sha) as head_tree:
        base = load(base_tree)
        result = decide(base, load(head_tree), gitwork.changed_paths(head_tree, base_ref), review, member)
        findings = []
        if result.changed:
            gitwork.commit(head_tree, result.files, result.commit)
            gitwork.push(head_tree, review.head_ref, head_sha)
            findings = report.check(head_tree, today, base_ref)
    if result.changed:
        result.comment = report.review_comment(result.comment.zh, findings, sorted(result.files))
    elif result.comment.zh:
        result.comment = Msg(f"{report.SIGNATURE}：{result.comment.zh}", result.comment.en)
    if forge is not None and result.comment.zh:
        forge.comment(review.number, result.comment.zh)
    return result
