"""Findings that a merge request did not cause never fail it (``govmedia check --base REF``).

An agreement that expires, an announcement window that closes: time alone turns a clean register red, and
in a merge request gate that would block every unrelated change. With ``--base``, an error on a file the
merge request does not change (not modified, added, deleted or untracked), which the base itself shows too
when checked at the same ``--today``, is *pre-existing*: it is reported, as a warning marked so, and does
not fail the gate. The daily full check (without ``--base``) still reports it as an error. ``--strict``
keeps every error an error.

The base is checked in full only when some error falls on an unchanged file (the rare case): its tree is
unpacked from git objects (``git archive``) into a temporary directory and checked with the same engine.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

from govmedia.findings.finding import Finding
from govmedia.history.gitcmd import git, resolve
from govmedia.register.context import Context
from govmedia.run.engine import check_findings

MARK_ZH = "【基准版本已有，非本合并请求引入，不阻止合并】"
MARK_EN = "[already on the base, not caused by this merge request; does not block it] "


def changed_paths(root: Path, commit: str) -> set[str]:
    """Every path the working tree changes against ``commit``: modified, added, deleted, untracked."""
    diff = git(root, "diff", "--name-only", "-z", "--no-renames", "--relative", commit).stdout
    others = git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    return {p.decode("utf-8", "surrogateescape") for p in (diff + b"\0" + others).split(b"\0") if p}


def _base_findings(root: Path, commit: str, ctx: Context) -> list[Finding]:
    archive = git(root, "archive", "--format=tar", commit).stdout
    with tempfile.TemporaryDirectory(prefix="govmedia-base-full-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        return check_findings(replace(ctx, root=Path(tmp), base=None, verify_signatures=False, cache=False))


def demote(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """``findings`` with the pre-existing errors on unchanged files turned into marked warnings."""
    if ctx.base is None:
        return findings
    root = ctx.root.resolve()
    commit = resolve(root, ctx.base)
    changed = changed_paths(root, commit)
    suspects = [f for f in findings if f.severity == "error" and f.path not in changed and not f.code.startswith("GM6")]
    if not suspects:
        return findings
    before = {(f.path, f.line, f.code, f.zh) for f in _base_findings(root, commit, ctx) if f.severity == "error"}
    out = []
    for f in findings:
        if f.severity == "error" and f.path not in changed and (f.path, f.line, f.code, f.zh) in before:
            f = replace(f, severity="warning", zh=MARK_ZH + f.zh, en=MARK_EN + f.en)
        out.append(f)
    return out
