"""GM604: CODEOWNERS must give each stage's approval files to that stage's reviewers (第七条（二）).

Active whenever the repository has a CODEOWNERS file (GitHub reads ``.github/CODEOWNERS``, then
``CODEOWNERS``, then ``docs/CODEOWNERS``), and also with ``--base`` (a merge-request check), where a
missing CODEOWNERS is itself a finding: without it any writer could approve for any stage.

The rule replays GitHub's semantics (``checks/codeowners.py``) on the approval files that exist,
on a future account of every unit, on a future unit, and on the paths each CODEOWNERS line names
with its wildcards filled in. A stage's files must end up with exactly that stage's reviewers (for a
``from_unit`` stage: the unit's own reviewers from unit.yaml). governance.yaml and CODEOWNERS itself
must stay with the district office, who decide who approves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from govmedia.schemas import Governance

from ..codeowners import LOCATIONS, Matcher, Rule, instances, office_stage, parse, unit_reviewers
from ..context import Context
from ..findings import Finding, make
from ..registry import Registry

MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger CODEOWNERS file
_APPROVAL = re.compile(r"^accounts/([^/]+)/([^/]+)/requests/([^/]+)/([^/]+)\.yaml$")
_SAMPLE_REQUEST = "2000-01-01-open"
_NEW_ACCOUNT = "new-account"
_NEW_UNIT = "new-unit"


def _fmt(owners: Iterable[str]) -> str:
    items = sorted(owners)
    return " ".join(items) if items else "（无）"


def _samples(reg: Registry, gov: Governance, rules: list[Rule]) -> Iterator[tuple[str, str, str]]:
    """(path, stage, unit_id) of approval files to test: existing, future, and named by a line."""
    stages = list(gov.stages)
    for acc in reg.accounts.values():
        for req in acc.requests:
            for stage, rec in req.approvals.items():
                yield rec.path, stage, acc.unit_id
    for uid, unit in reg.units.items():
        for aid in [*unit.accounts, _NEW_ACCOUNT]:
            for stage in stages:
                yield f"accounts/{uid}/{aid}/requests/{_SAMPLE_REQUEST}/{stage}.yaml", stage, uid
    for stage in stages:
        yield f"accounts/{_NEW_UNIT}/{_NEW_ACCOUNT}/requests/{_SAMPLE_REQUEST}/{stage}.yaml", stage, _NEW_UNIT
    tails = ["x", "x", "requests", _SAMPLE_REQUEST]
    for rule in rules:
        for inst in instances(rule):
            parts = inst.split("/")
            if parts[0] != "accounts":
                continue
            candidates = [inst]
            if len(parts) < 6:
                missing = tails[len(parts) - 1:] if len(parts) > 1 else tails
                candidates = ["/".join([*parts, *missing, f"{stage}.yaml"]) for stage in stages]
            for cand in candidates:
                m = _APPROVAL.match(cand)
                if m and m.group(4) in gov.stages:
                    yield cand, m.group(4), m.group(1)


def check_text(text: str, where: str, reg: Registry, gov: Governance) -> list[Finding]:
    rules, _invalid = parse(text)
    match = Matcher(rules)
    units = unit_reviewers(reg)
    office = office_stage(gov)
    office_owners = set(gov.stages[office].reviewers)
    findings: dict[tuple[int, str], Finding] = {}

    def report(path: str, stage: str, expected: set[str], who: str, rule: Rule | None) -> None:
        line = rule.line if rule else 1
        if (line, stage) in findings:
            return
        got = set(rule.owners) if rule else set()
        title = gov.stages[stage].title if stage in gov.stages else stage
        findings[(line, stage)] = make(
            "GM604", where, line, 1,
            f"按 CODEOWNERS（最后匹配的一行生效），{path} 的审核人是 {_fmt(got)}，"
            f"但它是“{title}”（{stage}）的{who}，应只由 {_fmt(expected)} 审核（第七条（二））。"
            "请运行 govmedia codeowners 重新生成 .github/CODEOWNERS，不要手工修改。",
            f"by CODEOWNERS (the last matching line wins) {path} is owned by {_fmt(got)}, but it is the "
            f"{who_en(who)} of stage {stage}, which only {_fmt(expected)} may approve. "
            "Run `govmedia codeowners` to regenerate .github/CODEOWNERS; do not edit it by hand.")

    for path, stage, uid in _samples(reg, gov, rules):
        st = gov.stages[stage]
        expected = set(units[uid]) if st.from_unit and uid in units else set(st.reviewers)
        rule = match(path)
        if rule is None or set(rule.owners) != expected:
            report(path, stage, expected, "审批文件", rule)
    for path in ("policies/governance.yaml", ".github/CODEOWNERS", where):
        rule = match(path)
        if rule is None or set(rule.owners) != office_owners:
            report(path, office, office_owners, "治理文件（决定谁来审批）", rule)
    return sorted(findings.values(), key=lambda f: f.sort_key)


def who_en(who: str) -> str:
    return "approval file" if who == "审批文件" else "governance file (it decides who approves)"


def gm604_codeowners(reg: Registry, ctx: Context) -> Iterable[Finding]:
    if reg.governance is None:
        return []
    gov = reg.governance.model
    for where in LOCATIONS:
        full = ctx.root / where
        if full.is_file() and not full.is_symlink():
            break
    else:
        if ctx.base is None:
            return []
        return [make("GM604", LOCATIONS[0], 1, 1,
                     "仓库没有 CODEOWNERS：任何有写权限的人都能替各审核环节批准合并请求（第七条（二））。"
                     "请运行 govmedia codeowners 生成 .github/CODEOWNERS 并提交，同时在分支保护中开启“需要代码所有者审核”。",
                     "the repository has no CODEOWNERS, so anyone with write access could approve for any stage. "
                     "Run `govmedia codeowners`, commit .github/CODEOWNERS and require code-owner reviews.")]
    try:
        raw = full.read_bytes()
        text = raw.decode("utf-8") if len(raw) <= MAX_BYTES else None
    except (OSError, UnicodeDecodeError):
        text = None
    if text is None:
        return [make("GM604", where, 1, 1,
                     f"{where} 无法读取、不是 UTF-8 或超过 3 MB（GitHub 会忽略它）：请运行 govmedia codeowners 重新生成。",
                     f"{where} is unreadable, not UTF-8 or over 3 MB (GitHub ignores it): run `govmedia codeowners`.")]
    return check_text(text, where, reg, gov)


RULES = [gm604_codeowners]
