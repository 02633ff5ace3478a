"""The code host's REST API, the little the bot needs: merge requests, comments, issues, team membership,
and (GitLab) approvals. JSON over ``urllib`` with a timeout and a size cap; the token comes from the
environment and is sent only to the API address given. Tests point ``api_url`` at a local stub."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from govmedia.findings.message import Msg

MAX_RESPONSE = 10 * 1024 * 1024


class ApiError(Exception):
    def __init__(self, message: Msg, status: int = 0) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status


@dataclass
class Api:
    base: str  # https://api.github.com, https://gitlab.example.gov.cn/api/v4
    token: str
    kind: str  # github | gitlab

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             query: dict[str, str] | None = None) -> Any:
        url = self.base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("User-Agent", "govmedia-bot")
        if self.kind == "github":
            req.add_header("Accept", "application/vnd.github+json")
            req.add_header("X-GitHub-Api-Version", "2022-11-28")
            if self.token:
                req.add_header("Authorization", f"Bearer {self.token}")
        elif self.token:
            req.add_header("PRIVATE-TOKEN", self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            raise ApiError(Msg(f"接口 {method} {path} 返回 {exc.code}。", f"API {method} {path} returned {exc.code}."),
                           exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ApiError(Msg(f"无法连接接口 {self.base}：{exc}", f"cannot reach the API at {self.base}: {exc}")) from exc
        if len(raw) > MAX_RESPONSE:
            raise ApiError(Msg(f"接口 {path} 的回应过大。", f"the API's answer to {path} is too large."))
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(Msg(f"接口 {method} {path} 的回答不是 JSON。", f"API {method} {path} did not answer JSON.")) from exc


def quote(value: str | int) -> str:
    return urllib.parse.quote(str(value), safe="")


def membership(api: Api, path: str) -> dict[str, Any] | bool | None:
    """A membership record; False when the platform says there is none (404); None when the token may not
    tell (401, 403), which the caller reports instead of guessing."""
    try:
        got = api.call("GET", path)
    except ApiError as exc:
        if exc.status == 404:
            return False
        if exc.status in (401, 403):
            return None
        raise
    return got if isinstance(got, dict) else False


@dataclass
class GitHub:
    """One repository on GitHub (``owner/name``)."""

    api: Api
    repo: str

    def open_or_update_pr(self, head: str, base: str, title: str, body: str) -> int:
        owner = self.repo.split("/")[0]
        found = self.api.call("GET", f"/repos/{self.repo}/pulls",
                              query={"head": f"{owner}:{head}", "state": "open", "per_page": "100"})
        for pr in found or []:
            if isinstance(pr, dict) and pr.get("head", {}).get("ref") == head:
                self.api.call("PATCH", f"/repos/{self.repo}/pulls/{pr['number']}", {"title": title, "body": body})
                return int(pr["number"])
        made = self.api.call("POST", f"/repos/{self.repo}/pulls",
                             {"head": head, "base": base, "title": title, "body": body})
        return int(made["number"])

    def comment(self, number: int, body: str) -> None:
        self.api.call("POST", f"/repos/{self.repo}/issues/{number}/comments", {"body": body})

    def in_team(self, org: str, team: str, login: str) -> bool | None:
        """Whether ``login`` is an active member of ``org/team``; None when the token may not tell."""
        got = membership(self.api, f"/orgs/{quote(org)}/teams/{quote(team)}/memberships/{quote(login)}")
        return got if got is None or isinstance(got, bool) else got.get("state") == "active"

    def find_issue(self, label: str) -> dict[str, Any] | None:
        found = self.api.call("GET", f"/repos/{self.repo}/issues",
                              query={"labels": label, "state": "open", "per_page": "100"})
        issues = [i for i in found or [] if isinstance(i, dict) and "pull_request" not in i]
        return issues[0] if issues else None

    def put_issue(self, label: str, title: str, body: str, close: bool) -> int | None:
        """Open or update the one issue labelled ``label``; ``close`` closes it (nothing left to do)."""
        issue = self.find_issue(label)
        if issue is None:
            if close:
                return None
            made = self.api.call("POST", f"/repos/{self.repo}/issues", {"title": title, "body": body, "labels": [label]})
            return int(made["number"])
        patch: dict[str, Any] = {"title": title, "body": body}
        if close:
            patch["state"] = "closed"
        self.api.call("PATCH", f"/repos/{self.repo}/issues/{issue['number']}", patch)
        return int(issue["number"])


@dataclass
class GitLab:
    """One project on GitLab (its id or ``group/name`` path)."""

    api: Api
    project: str

    @property
    def _p(self) -> str:
        return f"/projects/{quote(self.project)}"

    def open_or_update_pr(self, head: str, base: str, title: str, body: str) -> int:
        found = self.api.call("GET", f"{self._p}/merge_requests", query={"source_branch": head, "state": "opened"})
        for mr in found or []:
            if isinstance(mr, dict) and mr.get("source_branch") == head:
                self.api.call("PUT", f"{self._p}/merge_requests/{mr['iid']}", {"title": title, "description": body})
                return int(mr["iid"])
        made = self.api.call("POST", f"{self._p}/merge_requests", {"source_branch": head, "target_branch": base,
                                                                    "title": title, "description": body})
        return int(made["iid"])

    def comment(self, number: int, body: str, on: str = "issues") -> None:
        self.api.call("POST", f"{self._p}/{on}/{number}/notes", {"body": body})

    def open_mrs(self) -> list[dict[str, Any]]:
        found = self.api.call("GET", f"{self._p}/merge_requests", query={"state": "opened", "per_page": "100"})
        return [m for m in found or [] if isinstance(m, dict)]

    def open_issues(self) -> list[dict[str, Any]]:
        found = self.api.call("GET", f"{self._p}/issues", query={"state": "opened", "per_page": "100"})
        return [i for i in found or [] if isinstance(i, dict)]

    def approvals(self, iid: int) -> list[dict[str, Any]]:
        got = self.api.call("GET", f"{self._p}/merge_requests/{iid}/approvals")
        return [a for a in (got or {}).get("approved_by") or [] if isinstance(a, dict)]

    def notes(self, iid: int) -> list[dict[str, Any]]:
        got = self.api.call("GET", f"{self._p}/merge_requests/{iid}/notes",
                            query={"sort": "asc", "order_by": "created_at", "per_page": "100"})
        return [n for n in got or [] if isinstance(n, dict)]

    def in_group(self, group: str, user_id: int) -> bool | None:
        got = membership(self.api, f"/groups/{quote(group)}/members/all/{user_id}")
        return got if got is None or isinstance(got, bool) else int(got.get("access_level") or 0) >= 30

    def put_issue(self, label: str, title: str, body: str, close: bool) -> int | None:
        found = self.api.call("GET", f"{self._p}/issues", query={"labels": label, "state": "opened"})
        issue = next((i for i in found or [] if isinstance(i, dict)), None)
        if issue is None:
            if close:
                return None
            made = self.api.call("POST", f"{self._p}/issues", {"title": title, "description": body, "labels": label})
            return int(made["iid"])
        change: dict[str, Any] = {"title": title, "description": body}
        if close:
            change["state_event"] = "close"
        self.api.call("PUT", f"{self._p}/issues/{issue['iid']}", change)
        return int(issue["iid"])
