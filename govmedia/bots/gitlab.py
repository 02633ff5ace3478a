"""``govmedia bot gitlab-sync``: GitLab has no workflow on a review, so a scheduled pipeline asks the API.

Each run reads the open merge requests' approvals (GitLab's free tier has them: ``approved_by`` of
``GET /projects/:id/merge_requests/:iid/approvals``) and records each as a review would be on GitHub,
and turns each open issue filed from an issue template into its merge request. Runs are idempotent:
a recorded approval is recognised by the reviewer's login in the approval file, an issue's branch
that already holds its answers is left alone, and a comment already posted is not posted again.
GitLab's approvals carry no text: a stage that needs a 文号 takes it from the approver's latest comment
on the merge request holding a line ``文号：…``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.bots import issue, issueform, payload, review
from govmedia.bots.forge import GitLab
from govmedia.bots.payload import Outcome, PayloadError


@dataclass
class Notes:
    """Comments on one kind of GitLab object (``issues`` or ``merge_requests``), each posted once."""

    gl: GitLab
    on: str
    mark: str = "!"  # GitLab writes a merge request's number !42

    def comment(self, number: int, body: str) -> None:
        path = f"{self.gl._p}/{self.on}/{number}/notes"
        said = self.gl.api.call("GET", path, query={"per_page": "100", "sort": "desc"}) or []
        if any(isinstance(n, dict) and n.get("body") == body for n in said):
            return
        self.gl.comment(number, body, self.on)

    def open_or_update_pr(self, head: str, base: str, title: str, body: str) -> int:
        return self.gl.open_or_update_pr(head, base, title, body)


def _note_body(notes: list[dict[str, Any]], username: str) -> str:
    """The approver's latest comment that names a 文号 (else their latest comment, else nothing)."""
    mine = [n for n in notes if isinstance(n.get("author"), dict) and n["author"].get("username") == username
            and not n.get("system") and isinstance(n.get("body"), str)]
    with_no = [n for n in mine if "文号" in n["body"]]
    chosen = (with_no or mine)[-1:] if (with_no or mine) else []
    return str(chosen[0]["body"]) if chosen else ""


def approval_reviews(gl: GitLab, mr: dict[str, Any], today: date) -> list[tuple[review.Review, int]]:
    """One :class:`~.review.Review` per approval of ``mr`` (with the approver's user id, for groups)."""
    iid = payload.number(mr, "iid")
    same = mr.get("source_project_id") == mr.get("target_project_id") and mr.get("source_project_id") is not None
    approvals = gl.approvals(iid)
    notes = gl.notes(iid) if approvals else []
    out = []
    for approval in approvals:
        username = payload.text(approval, "user", "username")
        user_id = payload.number(approval, "user", "id")
        stamp = approval.get("approved_at")
        day = payload.china_date(stamp) if isinstance(stamp, str) else today
        out.append((review.Review("gitlab", None, username, "approved", _note_body(notes, username), day, iid,
                                  payload.text(mr, "source_branch"), payload.text(mr, "target_branch"), same),
                    user_id))
    return out


def _member(gl: GitLab, user_id: int) -> review.Member:
    return lambda handle: gl.in_group(handle[1:], user_id) if "/" in handle or handle.startswith("@") else False


def issue_event(gl: GitLab, data: dict[str, Any]) -> issue.IssueEvent:
    """A GitLab issue (``GET /projects/:id/issues``) as the event the issue verb reads."""
    author = payload.number(data, "author", "id")
    member = gl.api.call("GET", f"{gl._p}/members/all/{author}") if author else None
    return issue.IssueEvent(
        number=payload.number(data, "iid"),
        action="opened",
        labels=tuple(payload.labels(data, "labels")),
        title=payload.text(data, "title", required=False),
        body=payload.text(data, "description", required=False),
        created=payload.china_date(payload.text(data, "created_at")),
        trusted=isinstance(member, dict) and int(member.get("access_level") or 0) >= 20,
    )


def sync(repo: Path, gl: GitLab, default_branch: str, today: date) -> list[Outcome]:
    """One scheduled pass over the project's open issues and merge requests."""
    outcomes: list[Outcome] = []
    for data in gl.open_issues():
        if not set(payload.labels(data, "labels")) & set(issueform.LABEL_ACTIONS):
            continue
        try:
            event = issue_event(gl, data)
        except PayloadError as exc:
            outcomes.append(Outcome(exc.message))
            continue
        outcomes.append(issue.run(repo, event, default_branch, today, Notes(gl, "issues")))
    for mr in gl.open_mrs():
        for rev, user_id in approval_reviews(gl, mr, today):
            outcomes.append(review.run(repo, rev, _member(gl, user_id), today, Notes(gl, "merge_requests")))
    return outcomes
