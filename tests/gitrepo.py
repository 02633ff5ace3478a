"""A real git repository around a demo register, for the history rules (GM6xx) and signatures."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from govmedia.dialect import yamlload
from govmedia.findings.finding import Finding
from govmedia.history import gitbase
from govmedia.history.codeowners import TARGET, generate, unit_reviewers
from govmedia.register.context import Context
from govmedia.register.digest import request_digest
from govmedia.register.loader import load
from govmedia.run.engine import check, check_findings

from .conftest import BASE_TODAY

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_DATE": "2026-06-01T08:00:00+08:00",
    "GIT_COMMITTER_DATE": "2026-06-01T08:00:00+08:00",
}


def approval(decided_on: date, name: str = "审核人", title: str = "主任", document_no: str | None = None,
             digest: str | None = None) -> str:
    doc: dict[str, Any] = {"decision": "approved", "decided_on": decided_on.isoformat(),
                           "approver": {"name": name, "title": title}}
    if document_no:
        doc["document_no"] = document_no
    if digest:
        doc["request_digest"] = digest
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def digest_of(path: Path) -> str:
    """The request_digest of the request.yaml at ``path``, as `govmedia new approval` writes it."""
    doc, problems = yamlload.load_bytes(path.read_bytes(), path.name)
    assert doc is not None and not problems, problems
    return request_digest(doc.data)


@dataclass
class Repo:
    root: Path

    def git(self, *args: str, check: bool = True) -> str:
        env = {**os.environ, **GIT_ENV, "HOME": str(self.root.parent)}
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True,
                              check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, rel: str, text: str) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, **fields: Any) -> None:
        data = yaml.safe_load(self.read(rel))
        data.update(fields)
        self.write(rel, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    def approve(self, folder: str, stage: str, decided_on: date, name: str, title: str,
                document_no: str | None = None) -> str:
        """Write ``<folder>/<stage>.yaml``: an approval bound to the request as it is now."""
        rel = f"{folder}/{stage}.yaml"
        self.write(rel, approval(decided_on, name, title, document_no, digest_of(self.root / folder / "request.yaml")))
        return rel

    def commit(self, message: str, *extra: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, *extra)
        return self.git("rev-parse", "HEAD").strip()

    def commit_signed(self, message: str, key: Path) -> str:
        """Commit signed with the ssh private key ``key`` (git's gpg.format=ssh)."""
        self.git("add", "-A")
        self.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def findings(self, base: str | None = "main", today: date = BASE_TODAY, signatures: bool = False,
                 codes: str = "GM6") -> list[Finding]:
        """The findings of ``govmedia check --base``, after checking that three ways agree on every finding:
        the command's own (the run without the base, then the base rules over the unit folders that changed),
        the whole register in one process against that partial base, and against the whole base."""
        def run(ctx: Context) -> list[Finding]:
            return check(ctx)[1]

        found = check_findings(Context(root=self.root, today=today, base=base, verify_signatures=signatures))
        if base is not None:
            narrowed = run(Context(root=self.root, today=today, base=base, verify_signatures=signatures))
            real = gitbase.changed_units
            gitbase.changed_units = lambda root, commit: None  # the whole base, as before changed_units
            try:
                whole = run(Context(root=self.root, today=today, base=base, verify_signatures=signatures))
            finally:
                gitbase.changed_units = real
            assert found == narrowed == whole, (found, narrowed, whole)
        return [f for f in found if f.code.startswith(codes)]

    def codes(self, **kw: Any) -> list[str]:
        return sorted(f.code for f in self.findings(**kw))


def make_repo(root: Path) -> Repo:
    """``root`` (a demo register) committed on main, with its CODEOWNERS, then branch ``mr`` checked out."""
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    for key, value in (("user.name", "测试"), ("user.email", "test@example.org"), ("commit.gpgsign", "false"),
                       ("tag.gpgsign", "false"), ("core.autocrlf", "false")):
        repo.git("config", key, value)
    registry = load(root)
    assert registry.governance is not None
    repo.write(TARGET, generate(registry.governance.model, unit_reviewers(registry)))
    repo.commit("base register")
    repo.git("checkout", "-q", "-b", "mr")
    return repo
