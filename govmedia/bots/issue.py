"""``govmedia bot issue``: an issue form becomes a merge request.

From an ``issues`` event (opened or edited, carrying a form's label) the answers are read as data,
turned into register files by the scaffolding of ``govmedia new`` on the default branch, committed on
the branch ``govmedia-bot/issue-<n>``, checked, and offered as a merge request that closes the issue;
the issue gets the check's result in Chinese. Editing the issue writes the branch again, as a new
commit, until a reviewer has decided on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.bots import answers, gitwork, issueform, payload, report
from govmedia.bots.payload import Outcome
from govmedia.findings.message import Msg
from govmedia.register.loader import load
from govmedia.staff.fields import Env

BRANCH = "govmedia-bot/issue-{}"
# Who may have a form turned into a branch: members of the organisation or collaborators (GitHub's
# author_association); anyone else's issue is answered, never committed.
TRUSTED = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


@dataclass(frozen=True)
class IssueEvent:
    number: int
    action: str
    labels: tuple[str, ...]
    title: str
    body: str
    created: date  # in China: the request's date, the same on every edit
    trusted: bool
    is_pull_request: bool = False
    open: bool = True


def github_event(data: dict[str, Any]) -> IssueEvent:
    """An ``issues`` webhook payload (docs.github.com, "Webhook events and payloads", issues)."""
    issue = data.get("issue")
    return IssueEvent(
        number=payload.number(issue, "number"),
        action=payload.text(data, "action"),
        labels=tuple(payload.labels(issue, "labels")),
        title=payload.text(issue, "title", required=False),
        body=payload.text(issue, "body", required=False),
        created=payload.china_date(payload.text(issue, "created_at")),
        trusted=payload.text(issue, "author_association", required=False) in TRUSTED,
        is_pull_request=isinstance(issue, dict) and "pull_request" in issue,
        open=payload.text(issue, "state", required=False) in ("", "open", "opened"),
    )


def skip_reason(event: IssueEvent, form: issueform.IssueForm | None) -> Msg | None:
    """Why this event asks for nothing (None: it asks for a branch)."""
    if event.is_pull_request or event.action not in ("opened", "edited", "reopened", "labeled") or not event.open:
        return Msg("这个事件不需要处理。", "nothing to do for this event.")
    if form is None:
        return Msg("议题没有（或有不止一个）办事表单的标签：不生成文件。",
                   "the issue carries no form label (or more than one): no files are written.")
    if not event.trusted:
        return Msg("只有本组织成员或协作者提交的表单才会自动生成名录文件：请联系区政府办公室办理。",
                   "only forms filed by members or collaborators are turned into files: ask the district office.")
    return None


def plan(root: Path, event: IssueEvent, form: issueform.IssueForm) -> answers.Scaffolded:
    """The files the form's answers ask for, built on the register at ``root`` (the default branch)."""
    registry = load(root)
    if registry.governance is None:
        return answers.Scaffolded(problems=[Msg("policies/governance.yaml 有错误，无法办理：请联系区政府办公室。",
                                                "policies/governance.yaml has errors: ask the district office.")])
    env = Env(registry, registry.governance.model, event.created, "zh")
    replies = issueform.parse_body(form, event.body)
    names = {f.id: f.label for f in form.fields}
    return answers.scaffold(env, form.action, replies, names)


def mr_text(event: IssueEvent, form: issueform.IssueForm, made: answers.Scaffolded) -> tuple[str, str]:
    title = f"{form.label}：{made.account}（议题 #{event.number}）"
    files = "\n".join(f"- `{rel}`" for rel in sorted(made.files))
    body = (f"Closes #{event.number}\n\n由 govmedia 机器人根据议题 #{event.number} 的表单生成（{form.label}申请）：\n\n"
            f"{files}\n\n审核人请在本页点 “Files changed（文件）→ Review changes（审核）→ Approve（批准）”；"
            "需要文号的环节，在审核意见中写 `文号：…`。不同意请选 “Request changes（要求修改）” 并写明理由。"
            "机器人会把您的审核记为本环节的审批文件。")
    return title, body


def outcome(root: Path, event: IssueEvent, form: issueform.IssueForm, previous: list[str],
            decided: bool) -> tuple[Outcome, answers.Scaffolded]:
    """What to commit on the issue's branch (``previous``: the files the branch holds now)."""
    made = plan(root, event, form)
    if made.problems:
        return Outcome(report.problems_comment(made.problems)), made
    if decided:
        return Outcome(Msg("这个申请已经有审核人审批，不能再按议题修改；如需修改请新开一个议题。",
                           "a reviewer has already decided on this request: open a new issue to change it.")), made
    files: dict[str, str | None] = {rel: None for rel in previous if rel not in made.files}
    files.update(made.files)
    message = f"{form.label}：{made.account}（议题 #{event.number}）\n\nGenerated by govmedia bot from issue #{event.number}."
    return Outcome(Msg("", ""), files, message), made


def branch_state(repo: Path, base: str, branch: str) -> tuple[str | None, list[str], bool]:
    """The branch's head commit (None: no branch), the files it changes, and whether a decision is among them."""
    if not gitwork.remote_has(repo, branch):
        return None, [], False
    gitwork.fetch(repo, branch)
    head = gitwork.git(repo, "rev-parse", f"refs/remotes/origin/{branch}").strip()
    paths = [p for p in gitwork.git(repo, "diff", "--name-only", "-z", "--no-renames",
                                    f"origin/{base}...origin/{branch}").split("\0") if p]
    decided = any("/requests/" in p and not p.endswith("/request.yaml") for p in paths)
    return head, paths, decided


def run(repo: Path, event: IssueEvent, base: str, today: date, forge: Any | None) -> Outcome:
    """Do it: the branch written and pushed, the merge request opened or updated, the issue answered.
    ``forge`` None: only the branch (a dry run for tests and for a look before switching the bot on)."""
    gitwork.fetch(repo, base)
    with gitwork.worktree(repo, f"origin/{base}") as tree:
        forms = issueform.load_forms(tree)
        form = issueform.form_for(forms, list(event.labels))
        skip = skip_reason(event, form)
        if skip is not None or form is None:
            return Outcome(skip or Msg("", ""))
        branch = BRANCH.format(event.number)
        head, previous, decided = branch_state(repo, base, branch)
        result, made = outcome(tree, event, form, previous, decided)
    if not result.changed:
        if forge is not None and result.comment.zh:
            forge.comment(event.number, result.comment.zh)
        return result
    with gitwork.worktree(repo, f"origin/{branch}" if head else f"origin/{base}") as tree:
        if gitwork.commit(tree, result.files, result.commit) is None:
            return Outcome(Msg("", ""))  # the branch holds these answers already (a schedule's second look)
        gitwork.push(tree, branch, head)
        findings = report.check(tree, today, f"origin/{base}")
    number = None
    if forge is not None:
        title, body = mr_text(event, form, made)
        number = forge.open_or_update_pr(branch, base, title, body)
    mark = str(getattr(forge, "mark", "#"))
    result.comment = report.issue_comment(findings, sorted(made.files), number, made.account, mark)
    if forge is not None:
        forge.comment(event.number, result.comment.zh)
    return result
