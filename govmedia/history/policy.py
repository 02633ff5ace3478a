"""What the base decides for a merge request, and the records a merge request adds.

* :func:`base_governance`: with ``--base``, governance.yaml as it is at the base judges the merge request
  (as GitHub reads CODEOWNERS from the base branch). A merge request cannot loosen the rules it is
  judged by.
* Policy requests: a change to governance.yaml or to an existing unit's reviewers, signers or identity
  is itself a request, ``policies/requests/<YYYY-MM-DD>-policy/request.yaml`` with one approval file per
  stage of ``chains.policy`` (of the base), kept append-only like every other request. Its ``changes``
  name each file it changes with the digest of the file's new content.
* :func:`document_numbers_at`: where a 文号 already appears at the base (``git grep`` over the base commit:
  no unit folder is loaded for it).
* :func:`commit_day`: the date of the base commit, in China: an announcement added by the merge request
  cannot be older than that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from govmedia.dialect import yamlload
from govmedia.findings.finding import Finding
from govmedia.history.gitbase import git, read_blobs, read_file_at, same_content, worktree_file
from govmedia.register.loader import Loader
from govmedia.register.registry import Record, Registry
from govmedia.register.snapshot import BaseSnapshot
from govmedia.schemas import Approval, Governance, Request

POLICY_REQUESTS = "policies/requests"
_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-policy$")
_APPROVAL_PATH = re.compile(r"^(accounts/[^/]+/[^/]+/requests/[^/]+|policies/requests/[^/]+)/([^/]+)\.yaml$")
CHINA = timezone(timedelta(hours=8))


def base_governance(reg: Registry, snap: BaseSnapshot) -> Governance | None:
    """The governance that judges the merge request: the base's, or (none valid there) the working tree's."""
    if snap.registry.governance is not None:
        return snap.registry.governance.model
    return reg.governance.model if reg.governance is not None else None


@dataclass
class PolicyRequest:
    folder: str
    request: Record[Request] | None
    approvals: dict[str, Record[Approval]] = field(default_factory=dict)


def load_policy_requests(root: Path, stages: dict[str, object]) -> tuple[list[PolicyRequest], list[Finding]]:
    """The policy request folders of the working tree, and the findings of files that did not load."""
    loader = Loader(root)
    out: list[PolicyRequest] = []
    for entry in loader._entries(POLICY_REQUESTS):
        if not entry.is_dir(follow_symlinks=False) or not _FOLDER.match(entry.name):
            continue
        folder = f"{POLICY_REQUESTS}/{entry.name}"
        rec = PolicyRequest(folder, None)
        for item in loader._entries(folder):
            rel = f"{folder}/{item.name}"
            if not item.is_file(follow_symlinks=False) or not item.name.endswith(".yaml"):
                continue
            if item.name == "request.yaml":
                rec.request = loader.load_yaml(rel, Request, "request")
            elif item.name[:-5] in stages:
                approval = loader.load_yaml(rel, Approval, "approval")
                if approval is not None:
                    rec.approvals[item.name[:-5]] = approval
        out.append(rec)
    return out, loader.reg.findings


def approval_folder(path: str) -> tuple[str, str] | None:
    """(request folder, stage) of an approval file's path, or None."""
    m = _APPROVAL_PATH.match(path)
    if m is None or m.group(2) == "request":
        return None
    return m.group(1), m.group(2)


def document_numbers_at(root: Path, commit: str, numbers: set[str]) -> dict[str, list[str]]:
    """文号 -> the approval files at ``commit`` whose ``document_no`` is exactly it."""
    if not numbers:
        return {}
    args = ["grep", "-z", "-l", "-F", "-I"]
    for no in sorted(numbers):
        args += ["-e", no]
    proc = git(root, *args, commit, "--", "accounts", POLICY_REQUESTS, check=False)
    if proc.returncode not in (0, 1):
        return {}
    prefix = f"{commit}:"
    hits = [p.decode("utf-8", "surrogateescape").removeprefix(prefix) for p in proc.stdout.split(b"\0") if p]
    hits = [h for h in hits if approval_folder(h) is not None]
    out: dict[str, list[str]] = {}
    if not hits:
        return out
    oids = {}
    for line in git(root, "ls-tree", "-z", commit, "--", *hits).stdout.split(b"\0"):
        if b"\t" in line:
            meta, _, name = line.partition(b"\t")
            oids[name.decode("utf-8", "surrogateescape")] = meta.split(b" ")[2].decode("ascii")
    blobs = read_blobs(root, list(oids.values()))
    for path, oid in oids.items():
        doc, _ = yamlload.load_bytes(blobs[oid], path)
        data = doc.data if doc is not None else None
        found = data.get("document_no") if isinstance(data, dict) else None
        if isinstance(found, str) and found in numbers:
            out.setdefault(found, []).append(path)
    return out


def commit_day(root: Path, commit: str) -> date | None:
    """The committer date of ``commit`` as a day in China (UTC+8)."""
    proc = git(root, "show", "-s", "--format=%cI", commit, check=False)
    try:
        when = datetime.fromisoformat(proc.stdout.decode("ascii").strip())
    except ValueError:
        return None
    return when.astimezone(CHINA).date()


def commit_time(root: Path, commit: str) -> datetime | None:
    """The committer time of ``commit``."""
    proc = git(root, "show", "-s", "--format=%cI", commit, check=False)
    try:
        return datetime.fromisoformat(proc.stdout.decode("ascii").strip())
    except ValueError:
        return None


def unit_name_holders(root: Path, commit: str, names: set[str]) -> dict[str, list[str]]:
    """Full unit name -> the unit folders whose unit.yaml at ``commit`` gives exactly that name (``git grep``
    over the base commit, then each hit parsed: no unit folder is loaded for it)."""
    if not names:
        return {}
    args = ["grep", "-z", "-l", "-F", "-I"]
    for name in sorted(names):
        args += ["-e", name]
    proc = git(root, *args, commit, "--", "accounts/*/unit.yaml", check=False)
    out: dict[str, list[str]] = {}
    for hit in proc.stdout.split(b"\0"):
        path = hit.decode("utf-8", "surrogateescape").removeprefix(f"{commit}:")
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "accounts" or parts[2] != "unit.yaml":
            continue
        data = read_file_at(root, commit, path)
        doc = yamlload.load_bytes(data, path)[0] if data is not None else None
        held = doc.data.get("name") if doc is not None and isinstance(doc.data, dict) else None
        if isinstance(held, str) and held in names:
            out.setdefault(held, []).append(parts[1])
    return out


def file_at(root: Path, commit: str, rel: str) -> bytes | None:
    """A regular file at ``commit`` (see :func:`govmedia.history.gitbase.read_file_at`)."""
    return read_file_at(root, commit, rel)


def unchanged(root: Path, rel: str, before: bytes) -> bool:
    """Whether the working tree's ``rel`` holds ``before`` (line endings aside)."""
    now = worktree_file(root, rel)
    return now is not None and same_content(now, before)
