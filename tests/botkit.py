"""Test kit for govmedia bot: the shipped register in a local bare remote, a clone for the bot, the
recorded event payloads (tests/fixtures/bots/, each with its source URL), and a local HTTP stub of the
GitHub and GitLab APIs (http.server on 127.0.0.1) that records every call."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests/fixtures/bots"
TODAY = "2026-12-07"
# The base commit is of the day before the recorded issue (an announcement may not predate its merge request).
GIT_DATES = {"GIT_AUTHOR_DATE": "2026-12-04T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-12-04T10:00:00+08:00"}
SHIPPED = ("accounts", "announcements", "policies", "schemas", ".github")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout


@dataclass
class Remote:
    """A bare remote holding the shipped register on main, and the bot's clone of it."""

    bare: Path
    clone: Path

    def files(self, ref: str) -> set[str]:
        return set(git(self.bare, "ls-tree", "-r", "--name-only", ref).split("\n")) - {""}

    def show(self, ref: str, rel: str) -> str:
        return git(self.bare, "show", f"{ref}:{rel}")

    def head(self, ref: str) -> str:
        return git(self.bare, "rev-parse", ref).strip()

    def branches(self) -> set[str]:
        out = git(self.bare, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
        return set(out.split()) - {""}

    def checkout(self, ref: str, dest: Path) -> Path:
        """A fresh clone of ``ref`` (to run ``govmedia check`` on, as CI would)."""
        git(dest.parent, "clone", "-q", "--branch", ref, str(self.bare), dest.name)
        git(dest, "fetch", "-q", "origin", "main:refs/remotes/origin/main")
        return dest


def make_remote(tmp: Path, edit: Callable[[Path], None] | None = None) -> Remote:
    seed = tmp / "seed"
    seed.mkdir()
    for name in SHIPPED:
        src = REPO / name
        shutil.copytree(src, seed / name, ignore=shutil.ignore_patterns("__pycache__"))
    if edit is not None:
        edit(seed)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "register")
    bare = tmp / "remote.git"
    git(tmp, "clone", "-q", "--bare", str(seed), str(bare))
    clone = tmp / "bot"
    git(tmp, "clone", "-q", str(bare), str(clone))
    return Remote(bare, clone)


def event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def review_event(login: str, state: str = "approved", body: str = "同意。", at: str = "2026-12-05T03:00:00Z",
                 review_id: int = 2456789001, branch: str = "govmedia-bot/issue-41",
                 head_repo: str | None = None) -> dict[str, Any]:
    data = copy.deepcopy(event("pull_request_review-submitted.json"))
    review = data["review"]
    review.update(id=review_id, state=state, body=body, submitted_at=at)
    review["user"]["login"] = login
    data["sender"]["login"] = login
    data["pull_request"]["head"]["ref"] = branch
    if head_repo is not None:
        data["pull_request"]["head"]["repo"] = {**data["pull_request"]["head"]["repo"], "full_name": head_repo}
    return data


def write_event(tmp: Path, data: dict[str, Any], name: str = "event.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@dataclass
class Stub:
    """Answers by (method, path regex) -> (status, json); records (method, path, body) of every call."""

    routes: list[tuple[str, str, Callable[[re.Match[str], Any], tuple[int, Any]]]] = field(default_factory=list)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    url: str = ""

    def on(self, method: str, pattern: str, answer: Callable[[re.Match[str], Any], tuple[int, Any]]) -> None:
        self.routes.append((method, pattern, answer))

    def posted(self, suffix: str) -> list[Any]:
        return [body for method, path, body in self.calls if method == "POST" and path.endswith(suffix)]


@contextmanager
def serve(stub: Stub) -> Iterator[Stub]:
    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            path = self.path.split("?")[0]
            stub.calls.append((self.command, self.path, body))
            for method, pattern, answer in stub.routes:
                m = re.fullmatch(pattern, path)
                if method == self.command and m:
                    status, data = answer(m, body)
                    break
            else:
                status, data = 404, {"message": "Not Found"}
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PATCH = do_PUT = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


# Who is in which team of the demo organisation (the stub answers GitHub's team membership API).
TEAMS = {
    "wangyi-education": {"li-hongmei"},
    "district-office": {"liu-xiaoming"},
    "city-office": {"chen-jianguo"},
    "province-office": {"zhao-wenhua"},
}


def github_stub(teams: dict[str, set[str]] | None = None) -> Stub:
    members = TEAMS if teams is None else teams
    stub = Stub()
    stub.on("GET", r"/orgs/wangyi-gov/teams/([^/]+)/memberships/([^/]+)",
            lambda m, _: (200, {"state": "active", "role": "member"}) if m.group(2) in members.get(m.group(1), ())
            else (404, {"message": "Not Found"}))
    stub.on("GET", r"/repos/wangyi-gov/govmedia-register/pulls", lambda m, _: (200, []))
    stub.on("POST", r"/repos/wangyi-gov/govmedia-register/pulls", lambda m, _: (201, {"number": 42}))
    stub.on("PATCH", r"/repos/wangyi-gov/govmedia-register/pulls/(\d+)", lambda m, _: (200, {"number": int(m.group(1))}))
    stub.on("POST", r"/repos/wangyi-gov/govmedia-register/issues/(\d+)/comments", lambda m, b: (201, {"id": 1, **b}))
    return stub


def form_body(form_file: str, answers: dict[str, str]) -> str:
    """The Markdown GitHub renders from the issue form ``form_file`` answered with ``answers`` (by id):
    ``### label`` then the answer, ``_No response_`` when empty, ``- [X] option`` for ticked boxes."""
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE" / form_file).read_text(encoding="utf-8"))
    parts = []
    for item in form["body"]:
        if item["type"] == "markdown":
            continue
        answer = answers.get(item["id"], "")
        if item["type"] == "checkboxes":
            answer = "\n".join(f"- [{'X' if answer == '是' else ' '}] {o['label']}" for o in item["attributes"]["options"])
        parts.append(f"### {item['attributes']['label']}\n\n{answer or '_No response_'}")
    return "\n\n".join(parts)


def issue_event(form_file: str, label: str, answers: dict[str, str], number: int = 51) -> dict[str, Any]:
    """The recorded 开设 event re-filled: another form, its label, these answers."""
    data = copy.deepcopy(event("issues-opened-open.json"))
    data["issue"].update(number=number, body=form_body(form_file, answers), title=f"[{label}]")
    data["issue"]["labels"][0]["name"] = label
    return data
