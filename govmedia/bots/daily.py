"""``govmedia bot daily``: the full check, every day, as one issue that lists what needs action per unit.

Time alone makes findings (an agreement expires, an announcement's window closes), and such findings
must not block unrelated merge requests; they go to the people who can act on them instead. A
scheduled job runs the whole check on the default branch and opens or updates ONE issue (found by its
label) with the findings grouped by host unit; when nothing is left the issue is closed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from govmedia.bots.report import SIGNATURE, findings_lines
from govmedia.dialect.files import read_regular
from govmedia.dialect.yamlload import load_bytes
from govmedia.findings.finding import Finding, printable
from govmedia.register.context import Context
from govmedia.run.engine import check_findings
from govmedia.schemas import Unit

LABEL = "名录每日检查"
TITLE = "名录每日检查：需要处理的事项"
SHARED = "（全区共用文件：policies/、announcements/ 等）"
MAX_UNIT_BYTES = 1 << 20


def by_unit(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        parts = f.path.split("/")
        groups[parts[1] if parts[0] == "accounts" and len(parts) > 2 else SHARED].append(f)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == SHARED, kv[0])))


def unit_of(root: Path, unit_id: str) -> tuple[str, list[str]]:
    """A unit's full name and reviewers from its unit.yaml alone (a large register is never loaded whole
    here); the id and nobody when the file does not load."""
    try:
        doc, _ = load_bytes(read_regular(str(root / "accounts" / unit_id / "unit.yaml"), MAX_UNIT_BYTES),
                            f"accounts/{unit_id}/unit.yaml")
        unit = Unit.model_validate(doc.data) if doc is not None else None
    except (OSError, ValueError):
        unit = None
    return (unit.name, list(unit.reviewers)) if unit is not None else (unit_id, [])


def body(root: Path, findings: list[Finding], today: date) -> str:
    """The issue's text: a summary, then one section per unit (its name, its reviewers to notify)."""
    errors = sum(f.severity == "error" for f in findings)
    out = [f"{SIGNATURE}：{today.isoformat()} 对整个名录运行了 `govmedia check --today {today.isoformat()}`。", ""]
    if not findings:
        return "\n".join([*out, "全部通过，没有需要处理的事项。"])
    out += [f"共 {errors} 个错误、{len(findings) - errors} 个警告，涉及 {len(by_unit(findings))} 处。"
            "这些问题多因时间到期产生（如委托协议到期、公告期满），不影响与之无关的合并请求；"
            "请各单位按提示办理（多数需要提交一个变更申请或补充文件）。", ""]
    for unit_id, group in by_unit(findings).items():
        name, reviewers = unit_of(root, unit_id) if unit_id != SHARED else (SHARED, [])
        who = " ".join(reviewers)
        head = f"### {printable(name)}（`{printable(unit_id)}`）" if unit_id != SHARED else f"### {SHARED}"
        out += [head + (f" 请 {who} 处理" if who else ""), "", *findings_lines(group), ""]
    return "\n".join(out).rstrip() + "\n"


def run(root: Path, today: date, forge: Any | None) -> tuple[list[Finding], str]:
    """Check ``root`` as of ``today`` and put the result into the one daily issue (``forge`` None: only say it)."""
    findings = check_findings(Context(root=root, today=today, cache=False))
    text = body(root, findings, today)
    if forge is not None:
        forge.put_issue(LABEL, TITLE, text, close=not findings)
    return findings, text
