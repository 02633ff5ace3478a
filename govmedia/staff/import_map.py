"""A finding of the candidate register, said at the ledger's sheet, row and column.

The importer writes each row's files itself, so the line a finding names is one of the lines it wrote:
the YAML key on that line names the field, and the field names the ledger column it came from.
"""

from __future__ import annotations

import re

from govmedia.findings.finding import Finding
from govmedia.staff.import_docs import Reading
from govmedia.staff.ledger_table import Problem

# account.yaml / unit.yaml / request.yaml field (dotted, longest prefix wins) -> ledger column key
ACCOUNT_COLUMN = {
    "name": "name", "platform": "platform", "platform_id": "platform_id", "aliases": "aliases",
    "wechat_biz": "wechat_biz", "url": "url", "status": "status", "opened_on": "opened_on",
    "positioning": "positioning", "verification.subject": "subject", "verification.verified": "verified",
    "undertaking.kind": "undertaking_kind", "undertaking.name": "undertaking_name",
    "undertaking.uscc": "undertaking_uscc", "undertaking.agreement.signed_on": "agreement_signed",
    "undertaking.agreement.expires_on": "agreement_expires",
    "undertaking.agreement.confidentiality": "agreement_confidentiality",
    "undertaking.agreement.qualification_reviewed": "agreement_qualification",
    "interaction": "interaction", "operations.update_cycle_days": "update_cycle",
    "operations.responsible.overall": "overall", "operations.responsible.columns": "columns",
    "operations.responsible.backup": "backup", "operations.review_before_publish": "review",
    "national_system_id": "national_system_id", "app.icp_filing": "icp", "app.mlps_level": "mlps", "app": "icp",
}
UNIT_COLUMN = {
    "name": "unit_name", "short_name": "unit_short_name", "uscc": "unit_uscc", "kind": "unit_kind",
    "division_code": "division_code", "leader_in_charge.name": "leader_name",
    "leader_in_charge.title": "leader_title", "reviewers": "unit_reviewers", "parent": "parent",
}
REQUEST_COLUMN = {"recorded_status": "status", "ended_on": "ended_on", "action": "status",
                  "document_no": "open_document_no"}
_KEY = re.compile(r"^(?P<indent> *)(?:- )?(?P<key>[A-Za-z_][A-Za-z0-9_]*):")


def key_lines(files: dict[str, str], path: str) -> dict[int, str]:
    """Line number -> dotted key, for a block-style YAML file the importer wrote (empty if it did not)."""
    out: dict[int, str] = {}
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(files.get(path, "").splitlines(), 1):
        m = _KEY.match(line)
        if m is None:
            if stack and line.strip():
                out[number] = ".".join(k for _, k in stack)
            continue
        indent = len(m["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m["key"]))
        out[number] = ".".join(k for _, k in stack)
    return out


def column_of(path: str, key: str) -> str | None:
    table = (UNIT_COLUMN if path.endswith("/unit.yaml") else ACCOUNT_COLUMN if path.endswith("/account.yaml")
             else REQUEST_COLUMN)
    for field in sorted(table, key=len, reverse=True):
        if key == field or key.startswith(field + "."):
            return table[field]
    return None


def finding_problem(f: Finding, reading: Reading, lines: dict[int, str]) -> Problem:
    key = lines.get(f.line, "")
    # GM108/GM109 list every field still missing: the row, not one column
    column = column_of(f.path, key) if key and f.code not in ("GM108", "GM109") else None
    row = reading.row
    return Problem(row.number, reading.column(column) if column else None,
                   f"{f.code} {f.zh}", f"{f.code} {f.en}", row.sheet, f.severity == "error")
