"""Signed approvals: ``govmedia check --base REF --verify-signatures``.

A stage in governance.yaml may name ``allowed_signers``: an ssh allowed-signers file (``principal
[options] key`` per line, as ``ssh-keygen -Y verify`` reads it). Every approval file added since REF
must come from commits (every commit since REF that touched it) with a good SSH signature (git's
``gpg.format=ssh``) by a principal in that stage's list; a unit_head approval by a principal of the
unit's own list (``allowed_signers`` in unit.yaml) when the unit names one. A key's ``valid-after`` and
``valid-before`` are judged at the base commit's time, never at the commit date the signer wrote. Governance and the signer lists are read
AT REF: a merge request cannot name a new list or add its own key and approve with it in one go.
An approval that is not yet committed cannot be verified and is reported too.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from govmedia.findings.finding import Finding, make
from govmedia.history.gitbase import BaseError, git, read_blobs, read_file_at, same_content, worktree_file
from govmedia.history.policy import commit_time
from govmedia.register.snapshot import BaseSnapshot

_SEP, _END = "\x1f", "\x1e"


def _signed_log(root: Path, signers: Path, *revs: str) -> list[tuple[str, str, str, str]]:
    """(commit, %G?, principal, key fingerprint) of the commits ``git log REVS`` lists, verified
    against the allowed-signers file ``signers``."""
    proc = git(root, "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}",
               "-c", "log.showSignature=false", "log", f"--format=%H{_SEP}%G?{_SEP}%GS{_SEP}%GK{_END}", *revs)
    out = []
    for rec in proc.stdout.decode("utf-8", "replace").split(_END):
        fields = rec.strip("\n").split(_SEP)
        if len(fields) == 4:
            out.append((fields[0], fields[1], fields[2], fields[3]))
    return out


def _committed(root: Path, path: str) -> bool:
    """Is the working-tree file exactly what HEAD holds?"""
    proc = git(root, "ls-tree", "-z", "HEAD", "--", path, check=False)
    entry = proc.stdout.split(b"\0")[0] if proc.returncode == 0 else b""
    if b"\t" not in entry:
        return False
    oid = entry.split(b"\t")[0].split(b" ")[2].decode("ascii")
    now = worktree_file(root, path)
    return now is not None and same_content(now, read_blobs(root, [oid])[oid])


def _finding(path: str, zh: str, en: str) -> Finding:
    return make("GM604", path, 1, 1, zh, en)


_VALIDITY = re.compile(r'(^|,)valid-(after|before)="?([0-9]{8}(?:[0-9]{4}(?:[0-9]{2})?)?)(Z?)"?(?=,|$)', re.IGNORECASE)


def _when(stamp: str) -> datetime | None:
    """An allowed-signers time (YYYYMMDD[HHMM[SS]]), read as UTC."""
    fmt = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}.get(len(stamp))
    try:
        return datetime.strptime(stamp, fmt).replace(tzinfo=UTC) if fmt else None
    except ValueError:
        return None


def valid_at(data: bytes, when: datetime) -> bytes:
    """The allowed-signers lines whose key is valid at ``when``, without their validity options.

    git verifies a signature at the time of the commit, a date the signer chooses: a retired key with a
    back-dated commit would pass. The keys are judged here at the base commit's time instead, and git is
    handed only the keys valid then, without a time to check."""
    out = []
    for raw in data.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        principals, rest = parts
        head, _, tail = rest.partition(" ")
        if _VALIDITY.search(head) is None:
            out.append(line)
            continue
        ok = True
        for m in _VALIDITY.finditer(head):
            stamp = _when(m.group(3))
            if stamp is None or (m.group(2).lower() == "after" and when < stamp) or \
                    (m.group(2).lower() == "before" and when >= stamp):
                ok = False
        options = _VALIDITY.sub("", head).strip(",")
        if ok:
            out.append(" ".join(p for p in (principals, options, tail) if p))
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def _signer_lists(root: Path, snap: BaseSnapshot, added: dict[str, list[str]], when: datetime) -> dict[str, bytes]:
    """stage (or ``stage@unit`` for a unit's own signers) -> the allowed-signers text valid at ``when``, read
    at the base: governance.yaml's list per stage, and each unit.yaml's ``allowed_signers`` for the stage
    that speaks for the unit head."""
    assert snap.registry.governance is not None
    stages = snap.registry.governance.model.stages
    lists: dict[str, bytes] = {}
    for stage, spec in stages.items():
        data = read_file_at(root, snap.commit, spec.allowed_signers) if spec.allowed_signers else None
        if data is not None:
            lists[stage] = valid_at(data, when)
    for stage, paths in added.items():
        if stage not in stages or not stages[stage].from_unit:
            continue
        for path in paths:
            uid = _unit_of(path)
            unit = snap.registry.units.get(uid) if uid else None
            listed = unit.record.model.allowed_signers if unit is not None and unit.record is not None else None
            data = read_file_at(root, snap.commit, listed) if listed else None
            if data is not None:
                lists[f"{stage}@{uid}"] = valid_at(data, when)
    return lists


def _unit_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[1] if len(parts) == 6 and parts[0] == "accounts" else None


def verify(root: Path, snap: BaseSnapshot, added: dict[str, list[str]]) -> list[Finding]:
    """GM604 findings for approval files (stage -> paths) added since the base without a good signature.

    A stage's signers are its list in governance.yaml at the base; for a stage that speaks for the unit
    head, the unit's own list (``allowed_signers`` in its unit.yaml at the base) when it has one. Keys are
    judged at the base commit's time."""
    if not added:
        return []
    gov = snap.registry.governance
    if gov is None:
        return [_finding("policies/governance.yaml",
                         f"基准版本 {snap.ref} 的 governance.yaml 无效，无法确定各环节的签名人名单，审批签名无法核验。",
                         f"governance.yaml at {snap.ref} is invalid: the signer lists are unknown.")]
    stages = gov.model.stages
    when = commit_time(root, snap.commit) or datetime.now(UTC)
    lists = _signer_lists(root, snap, added, when)
    out: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="govmedia-signers-") as tmp:
        files: dict[str, Path] = {}
        for key, data in lists.items():
            files[key] = Path(tmp) / f"{len(files)}.allowed_signers"
            files[key].write_bytes(data)
        everyone = Path(tmp) / "all.allowed_signers"
        everyone.write_bytes(b"\n".join(lists.values()))
        for stage, paths in sorted(added.items()):
            st = stages.get(stage)
            for path in sorted(paths):
                key = f"{stage}@{_unit_of(path)}"
                key = key if key in files else stage
                if st is None or key not in files:
                    why_zh = (f"基准版本 {snap.ref} 的 governance.yaml 中没有环节 {stage}" if st is None else
                              f"基准版本 {snap.ref} 中环节 {stage} 没有可读的签名人名单（allowed_signers：{st.allowed_signers}）")
                    out.append(_finding(path, f"审批文件 {path} 的签名无法核验：{why_zh}。请先由区政府办公室在 governance.yaml "
                                              "中为该环节登记签名人名单并合并，再提交审批。",
                                        f"cannot verify the signature of {path}: stage {stage} has no signer list "
                                        f"at {snap.ref}. Register allowed_signers for the stage first."))
                    continue
                out.extend(_verify_one(root, snap, stage, path, files[key], everyone))
    return out


def _verify_one(root: Path, snap: BaseSnapshot, stage: str, path: str, signers: Path, everyone: Path) -> list[Finding]:
    if not _committed(root, path):
        return [_finding(path, f"审批文件 {path} 尚未提交（或提交后又被修改），无法核验签名：请用本环节登记的 SSH 密钥签名提交"
                               "（git commit -S）。",
                         f"{path} is not committed (or changed after the commit): commit it signed (git commit -S).")]
    try:
        log = _signed_log(root, signers, f"{snap.commit}..HEAD", "--", path)
    except BaseError as exc:
        return [_finding(path, f"审批文件 {path} 的签名无法核验：{exc.zh}", f"cannot verify {path}: {exc.en}")]
    if not log:
        return [_finding(path, f"找不到自基准版本 {snap.ref} 以来提交审批文件 {path} 的提交：请确认 CI 获取了完整历史"
                               "（fetch-depth: 0）。",
                         f"no commit since {snap.ref} adds {path}: fetch the full history (fetch-depth: 0).")]
    for commit, status, principal, key in log:
        if status == "G" and principal:
            continue
        short = commit[:12]
        if status == "N":
            zh = f"提交 {short} 没有签名"
            en = f"commit {short} is not signed"
        elif status in ("B", "R"):
            zh = f"提交 {short} 的签名无效或密钥已吊销"
            en = f"commit {short} has a bad signature or a revoked key"
        else:
            other = _signed_log(root, everyone, "-1", commit) if everyone.stat().st_size else []
            who = next((p for c, s, p, _ in other if c == commit and s == "G" and p), None)
            if who:
                zh = f"提交 {short} 由 {who} 签名，但 {who} 不在环节 {stage} 的签名人名单中（属于其他环节）"
                en = f"commit {short} is signed by {who}, who is not in the signer list of stage {stage}"
            else:
                zh = f"提交 {short} 的签名密钥（{key or '未知'}）不在环节 {stage} 于基准版本 {snap.ref} 的签名人名单中"
                en = f"commit {short} is signed with a key ({key or 'unknown'}) that is not in the signer list of " \
                     f"stage {stage} at {snap.ref}"
        return [_finding(path,
                         f"审批文件 {path}：{zh}。审批必须由该环节登记的签名人用 SSH 密钥签名提交（git commit -S）；"
                         "在同一合并请求中新增的密钥不算。请由本环节审核人重新签名提交。",
                         f"{path}: {en}. Approvals must be committed with an SSH signature of a principal of the "
                         "stage's signer list at the base; keys added in the same merge request do not count.")]
    return []
