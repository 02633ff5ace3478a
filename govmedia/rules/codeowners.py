"""GM604: CODEOWNERS must give each stage's approval files to that stage's reviewers (第七条（二）).

Active whenever the repository has a CODEOWNERS file (GitHub reads ``.github/CODEOWNERS``, then
``CODEOWNERS``, then ``docs/CODEOWNERS``; GitLab reads ``CODEOWNERS``, ``docs/CODEOWNERS``, then
``.gitlab/CODEOWNERS``: the file each would read is checked), and also with ``--base`` (a merge-request
check), where a missing CODEOWNERS is itself a finding: without it any writer could approve for any stage.

The rule replays GitHub's semantics (``govmedia/history/codeowners.py``) on the approval files that exist,
on a future account of every unit, on a future unit, and on the paths each CODEOWNERS line names
with its wildcards filled in. A stage's files must end up with exactly that stage's reviewers (for a
``from_unit`` stage: the unit's own reviewers from unit.yaml). governance.yaml and CODEOWNERS itself
must stay with the district office, who decide who approves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from govmedia.findings.finding import Finding, make
from govmedia.history.codeowners import (
    GITLAB_LOCATIONS,
    GITLAB_TARGET,
    LOCATIONS,
    PATTERN_MAX_CHARS,
    PATTERN_MAX_NAMES,
    TARGET,
    Matcher,
    Rule,
    office_stage,
    parse,
    unit_reviewers,
)
from govmedia.history.owners import GitLabMatcher, Witnesses, parse_gitlab
from govmedia.register.context import Context
from govmedia.register.loader import CODEOWNERS_MAX_BYTES
from govmedia.register.registry import Registry, UnitFilter
from govmedia.schemas import Governance

MAX_BYTES = CODEOWNERS_MAX_BYTES
# Lines with a partial wildcard (city_o*.yaml, *a*) or naming a unit folder that does not exist: beyond this
# many the file is refused rather than checked for minutes (a generated file has none).
PARTIAL_MAX = 200
_APPROVAL = re.compile(r"^accounts/([^/]+)/([^/]+)/requests/([^/]+)/([^/]+)\.yaml$")
_SAMPLE_REQUEST = "2000-01-01-open"
_NEW_ACCOUNT = "new-account"
_NEW_UNIT = "new-unit"


def _fmt(owners: Iterable[str]) -> str:
    items = sorted(owners)
    return " ".join(items) if items else "（无）"


Sample = tuple[str, str, str]  # path, stage, unit id
# One sample whose last matching CODEOWNERS line has the wrong owners: line (0: no line matches), stage,
# path, expected owners, owners of the line. Plain data: an incremental run keeps it per unit.
Failure = tuple[int, str, str, list[str], list[str]]
CARRY = "GM604"
_APPROVAL_WHO = ("审批文件", "approval file")
_GOVERNANCE_WHO = ("治理文件（决定谁来审批）", "governance file (it decides who approves)")


def _unit_samples(reg: Registry, gov: Governance, uid: str) -> Iterator[Sample]:
    """A unit's approval files, and one for every stage of a future request of each (and a new) account."""
    unit = reg.units.get(uid)
    accounts = list(unit.accounts.values()) if unit is not None else []
    for acc in accounts:
        for req in acc.requests:
            for stage, rec in req.approvals.items():
                yield rec.path, stage, uid
    if unit is not None or uid == _NEW_UNIT:
        for aid in [*(a.account_id for a in accounts), _NEW_ACCOUNT]:
            for stage in gov.stages:
                yield f"accounts/{uid}/{aid}/requests/{_SAMPLE_REQUEST}/{stage}.yaml", stage, uid


def _line_samples(gov: Governance, rules: list[Rule], wanted: UnitFilter, reg: Registry) -> Iterator[Sample]:
    """The approval files each CODEOWNERS line can name (:class:`Witnesses`), for every line: the lines that
    spell out a unit folder that is not ``wanted`` are passed over (their samples belong to that unit)."""
    witnesses = Witnesses(list(gov.stages), sorted(reg.units))
    for rule in rules:
        head = rule.head
        if len(head) >= 2 and head[0] == "accounts" and not wanted(head[1]):
            continue
        names = rule.shape[0]
        if len(head) == 2 and head[0] == "accounts" and rule.whole is not None and \
                all(n in ("*", "**") for n in names[2:]):
            # a unit folder's line (every line of a generated file but a few): the unit's own samples cover
            # a unit that exists; for one that does not, the future files of that folder, one per stage
            if head[1] not in reg.units:
                for stage in witnesses.stages:
                    path = f"{'/'.join(head)}/x/requests/{_SAMPLE_REQUEST}/{stage}.yaml"
                    parts = path.split("/")
                    if rule.matches(path, parts, set(parts)):
                        yield path, stage, head[1]
            continue
        yield from witnesses(rule)


Match = Callable[[str], list[Rule]]


def _wrong(found: list[Rule], expected: frozenset[str]) -> Rule | bool | None:
    """The line that gives the path to the wrong owners (an exclusion, other owners), True when no line or
    only an optional section names it, None when it is right."""
    if not found:
        return True
    for rule in found:
        if rule.exclude or rule.owner_set != expected:
            return rule
    return True if all(rule.optional for rule in found) else None


def _failure(path: str, stage: str, expected: frozenset[str], found: list[Rule]) -> Failure | None:
    wrong = _wrong(found, expected)
    if wrong is None:
        return None
    rule = wrong if isinstance(wrong, Rule) else (found[-1] if found else None)
    return (rule.line if rule else 0, stage, path, sorted(expected),
            [] if rule is None or rule.exclude else list(rule.owners))


def _failures(samples: Iterable[Sample], match: Match, gov: Governance,
              units: dict[str, list[str]]) -> list[Failure]:
    out: list[Failure] = []
    wanted: dict[tuple[str, str], frozenset[str]] = {}
    for path, stage, uid in samples:
        expected = wanted.get((stage, uid))
        if expected is None:
            st = gov.stages[stage]
            expected = wanted[(stage, uid)] = frozenset(units[uid] if st.from_unit and uid in units else st.reviewers)
        failure = _failure(path, stage, expected, match(path))
        if failure is not None:
            out.append(failure)
    return out


def _matcher(text: str, gitlab: bool) -> tuple[list[Rule], Match]:
    """The lines and the matcher of the file as GitLab (sections, exclusions, roles) or GitHub reads it."""
    if gitlab:
        sections, _ = parse_gitlab(text)
        return [r for s in sections for r in s.rules], GitLabMatcher(sections)
    rules, _invalid = parse(text)
    github = Matcher(rules)

    def one(path: str) -> list[Rule]:
        rule = github(path)
        return [rule] if rule is not None else []

    return rules, one


def _refused(where: str, rules: list[Rule], reg: Registry) -> Finding | None:
    """A file with too many lines that only a slow walk could check (see :data:`PARTIAL_MAX`)."""
    partial = sum(1 for rule in rules if rule.whole is None)
    ghosts = sum(1 for rule in rules if len(rule.head) >= 2 and rule.head[0] == "accounts"
                 and reg.lacks_unit(rule.head[1]))
    if partial + ghosts <= PARTIAL_MAX:
        return None
    return make("GM604", where, 1, 1,
                f"{where} 有 {partial} 行使用了部分通配符（如 city_o*.yaml、*a*）、{ghosts} 行指向不存在的单位目录，"
                f"合计超过 {PARTIAL_MAX} 行，无法在有限时间内逐行核对它们把哪些审批文件交给谁："
                "由 govmedia codeowners 生成的文件没有这样的行。请重新生成它，不要手工修改。",
                f"{where} has {partial} lines with partial wildcards (such as city_o*.yaml or *a*) and {ghosts} "
                f"lines for unit folders that do not exist, more than {PARTIAL_MAX} together: who they make review "
                "which approval files cannot be checked in bounded time, and a generated file has none. Run "
                "`govmedia codeowners` to regenerate it; do not edit it by hand.")


def check_text(text: str, where: str, reg: Registry, gov: Governance, gitlab: bool = False) -> list[Finding]:
    """GM604 over every unit, the file read as GitHub (or, ``gitlab``, as GitLab) reads it: per unit, then one
    finding per line and stage.

    Each unit's failures depend only on CODEOWNERS, governance.yaml and that unit's folder: they are the
    registry's per-unit results (:meth:`Registry.unit_results`), one set per CODEOWNERS file.
    """
    rules, match = _matcher(text, gitlab)
    refused = _refused(where, rules, reg)
    if refused is not None:
        return [refused]
    units = unit_reviewers(reg)
    office = office_stage(gov)
    office_owners = set(gov.stages[office].reviewers)

    def failures(wanted: UnitFilter) -> dict[str, list[Failure]]:
        by_unit = {uid: list(_unit_samples(reg, gov, uid)) for uid in reg.units if wanted(uid)}
        if wanted(_NEW_UNIT):
            by_unit.setdefault(_NEW_UNIT, list(_unit_samples(reg, gov, _NEW_UNIT)))
        for sample in _line_samples(gov, rules, wanted, reg):
            if wanted(sample[2]):
                by_unit.setdefault(sample[2], []).append(sample)
        return {uid: _failures(samples, match, gov, units) for uid, samples in by_unit.items()}

    # one per CODEOWNERS file and reading (GitHub's and GitLab's)
    per_unit = reg.unit_results(f"{CARRY} {where}{' gitlab' if gitlab else ''}", failures)
    ordered = [(failure, _APPROVAL_WHO) for uid in sorted(per_unit) for failure in per_unit[uid]]
    for path in ("policies/governance.yaml", ".github/CODEOWNERS", where):
        failure = _failure(path, office, frozenset(office_owners), match(path))
        if failure is not None:
            ordered.append((failure, _GOVERNANCE_WHO))
    if where in (TARGET, GITLAB_TARGET):
        fix_zh, fix_en = (f"请运行 govmedia codeowners 重新生成 {where}，不要手工修改。",
                          f"Run `govmedia codeowners` to regenerate {where}; do not edit it by hand.")
    else:  # a file the command does not write: GitHub reads it only while .github/CODEOWNERS is absent
        fix_zh, fix_en = (f"请删除 {where}，再运行 govmedia codeowners 生成 {TARGET}，不要手工修改。",
                          f"Delete {where} and run `govmedia codeowners` to generate {TARGET}; do not edit it by hand.")
    findings: dict[tuple[int, str], Finding] = {}
    for rule in rules:
        if rule.too_complex:
            findings[(rule.line, "")] = make(
                "GM604", where, rule.line, 1,
                f"这一行的模式超过 {PATTERN_MAX_NAMES} 层或 {PATTERN_MAX_CHARS} 个字符，无法核对它把哪些文件交给谁审核："
                f"名录的路径不需要这样的模式。{fix_zh}",
                f"this line's pattern has more than {PATTERN_MAX_NAMES} names or {PATTERN_MAX_CHARS} characters, "
                f"so who it makes review which files cannot be checked; no register path needs one. {fix_en}")
    for (line, stage, path, expected, got), (who, who_en) in ordered:
        if (line, stage) in findings:
            continue
        title = gov.stages[stage].title if stage in gov.stages else stage
        findings[(line, stage)] = make(
            "GM604", where, line or 1, 1,
            f"按 CODEOWNERS（最后匹配的一行生效），{path} 的审核人是 {_fmt(got)}，"
            f"但它是“{title}”（{stage}）的{who}，应只由 {_fmt(expected)} 审核（第七条（二））。{fix_zh}",
            f"by CODEOWNERS (the last matching line wins) {path} is owned by {_fmt(got)}, but it is the "
            f"{who_en} of stage {stage}, which only {_fmt(expected)} may approve. {fix_en}")
    return sorted(findings.values(), key=lambda f: f.sort_key)


def _first(reg: Registry, locations: tuple[str, ...]) -> str | None:
    """The CODEOWNERS file GitHub (or GitLab) reads: the first of its ``locations`` that the loader found."""
    return next((where for where in locations if where in reg.codeowners), None)


def _check_file(where: str, reg: Registry, gov: Governance, gitlab: bool) -> list[Finding]:
    text = reg.codeowners.get(where)
    if text is None:
        return [make("GM604", where, 1, 1,
                     f"{where} 无法读取、不是 UTF-8 或超过 3 MB（GitHub 和 GitLab 会忽略它）：请运行 govmedia codeowners 重新生成。",
                     f"{where} is unreadable, not UTF-8 or over 3 MB (GitHub and GitLab ignore it): "
                     "run `govmedia codeowners`.")]
    return check_text(text, where, reg, gov, gitlab)


def gm604_codeowners(reg: Registry, ctx: Context) -> Iterable[Finding]:
    """The CODEOWNERS file GitHub reads, as GitHub reads it, and, if there is one, the file GitLab reads, as
    GitLab reads it (a root CODEOWNERS is both: GitLab picks it first)."""
    if reg.governance is None:
        return []
    gov = reg.governance.model
    github, gitlab = _first(reg, LOCATIONS), _first(reg, GITLAB_LOCATIONS)
    found = _check_file(github, reg, gov, False) if github is not None else []
    found += _check_file(gitlab, reg, gov, True) if gitlab is not None else []
    return sorted(set(found), key=lambda f: f.sort_key)


def gm604_codeowners_missing(reg: Registry, ctx: Context) -> Iterable[Finding]:
    """In a merge request (``--base``), a repository without CODEOWNERS lets anyone approve for any stage."""
    if reg.governance is None or ctx.base is None:
        return []
    if _first(reg, LOCATIONS) is None and _first(reg, GITLAB_LOCATIONS) is None:
        return [make("GM604", LOCATIONS[0], 1, 1,
                     "仓库没有 CODEOWNERS：任何有写权限的人都能替各审核环节批准合并请求（第七条（二））。"
                     "请运行 govmedia codeowners 生成 .github/CODEOWNERS（GitLab 加 --gitlab）并提交，同时在分支保护中开启“需要代码所有者审核”。",
                     "the repository has no CODEOWNERS, so anyone with write access could approve for any stage. "
                     "Run `govmedia codeowners` (with --gitlab on GitLab), commit the file and require code-owner "
                     "reviews.")]
    return []


RULES = [gm604_codeowners, gm604_codeowners_missing]
BASE_RULES = [gm604_codeowners_missing]
