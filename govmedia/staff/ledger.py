"""The register as a ledger (台账) and back: one row per account, Chinese headers.

The columns follow the ledgers that the national government new-media reporting system
(全国政务新媒体信息报送系统) collects, followed by the columns the register needs to rebuild its files
(unit and account ids, the unit's leader, the approval document numbers). docs/ledger.md documents
the mapping. Reading a ledger never raises: every problem is a :class:`Problem` with the row and the
column, in words a newcomer can act on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from govmedia.register.lifecycle import STATUS_LABELS, request_state
from govmedia.register.registry import AccountRec, Registry, RequestRec
from govmedia.schemas.account import Account
from govmedia.schemas.governance import Governance
from govmedia.staff.ledger_cells import FORMULA_START
from govmedia.staff.ledger_columns import (
    COLUMNS,
    HEADERS,
    INTERACTION_WORDS,
    SUMMARY_SHEET,
    UNDERTAKING_LABELS,
    UNIT_KIND_LABELS,
)

__all__ = ["COLUMNS", "HEADERS", "as_records", "csv_safe", "ledger_rows", "to_csv", "to_json", "to_xlsx"]




def _yes(value: bool) -> str:
    return "是" if value else "否"


def _last_document(req: RequestRec, chain: list[str]) -> str:
    out = ""
    for stage in chain:
        rec = req.approvals.get(stage)
        if rec and rec.model.document_no:
            out = rec.model.document_no
    return out


def _requests(acc: AccountRec, gov: Governance | None) -> tuple[str, str, str]:
    """(open document no, end date, end document no) from the account's requests."""
    open_no = ended = end_no = ""
    if gov is None:
        return open_no, ended, end_no
    for req in acc.requests:
        chain = gov.chain(req.action)
        state = request_state(req, chain)
        if req.action == "open" and state.state == "approved":
            open_no = _last_document(req, chain)
        if req.action == "open" and state.state == "rejected" and state.decided_on:
            ended = state.decided_on.isoformat()
        if req.action in ("close", "exit") and state.state == "approved" and state.decided_on:
            ended, end_no = state.decided_on.isoformat(), _last_document(req, chain)
        if req.action == "register" and req.request and req.request.model.ended_on:
            ended = req.request.model.ended_on.isoformat()
    return open_no, ended, end_no


def _account_cells(a: Account) -> dict[str, str]:
    """The columns of an account's own fields; a field an existing account lacks is an empty cell."""
    und, ver, ops = a.undertaking, a.verification, a.operations
    agreement = und.agreement if und else None
    out = {
        "name": a.name,
        "platform_id": a.platform_id or "",
        "aliases": "、".join(a.aliases),
        "wechat_biz": a.wechat_biz or "",
        "url": a.url or "",
        "undertaking_name": und.name if und else "",
        "subject": ver.subject if ver else "",
        "opened_on": a.opened_on.isoformat() if a.opened_on else "",
        "status": STATUS_LABELS[a.status][0],
        "positioning": a.positioning or "",
        "interaction": ("、".join(w for k, w in INTERACTION_WORDS if getattr(a.interaction, k)) or "无")
        if a.interaction else "",
        "icp": a.app.icp_filing or "" if a.app else "",
        "mlps": str(a.app.mlps_level) if a.app and a.app.mlps_level else "",
        "verified": _yes(ver.verified) if ver else "",
        "undertaking_kind": UNDERTAKING_LABELS[und.kind] if und else "",
        "undertaking_uscc": und.uscc or "" if und else "",
        "agreement_signed": agreement.signed_on.isoformat() if agreement else "",
        "agreement_expires": agreement.expires_on.isoformat() if agreement else "",
        "agreement_confidentiality": _yes(agreement.confidentiality) if agreement else "",
        "agreement_qualification": _yes(agreement.qualification_reviewed) if agreement else "",
        "national_system_id": a.national_system_id or "",
    }
    if ops is not None:
        out |= {"update_cycle": str(ops.update_cycle_days), "overall": ops.responsible.overall,
                "columns": "、".join(ops.responsible.columns), "backup": ops.responsible.backup or "",
                "review": _yes(ops.review_before_publish)}
    return out


def _unit_cells(registry: Registry, unit_id: str) -> dict[str, str]:
    unit_rec = registry.units.get(unit_id)
    u = unit_rec.record.model if unit_rec and unit_rec.record else None
    if u is None:
        return {}
    return {
        "unit_name": u.name,
        "unit_uscc": u.uscc or "",
        "unit_kind": UNIT_KIND_LABELS[u.kind] if u.kind else "",
        "parent": (registry.unit_name(u.parent) or u.parent) if u.parent else "",
        "unit_short_name": u.short_name,
        "division_code": u.division_code,
        "leader_name": u.leader_in_charge.name if u.leader_in_charge else "",
        "leader_title": u.leader_in_charge.title if u.leader_in_charge else "",
        "unit_reviewers": "、".join(u.reviewers),
    }


def ledger_rows(registry: Registry) -> list[dict[str, str]]:
    """One row per account (valid account files only), ordered by unit and account id."""
    gov = registry.governance.model if registry.governance else None
    rows: list[dict[str, str]] = []
    for ref in sorted(registry.accounts):
        acc = registry.accounts[ref]
        if acc.record is None:
            continue
        a = acc.record.model
        label = gov.platforms[a.platform].label if gov and a.platform in gov.platforms else a.platform
        open_no, ended, end_no = _requests(acc, gov)
        row = {c.key: "" for c in COLUMNS}
        row |= _account_cells(a) | _unit_cells(registry, acc.unit_id)
        row |= {"seq": str(len(rows) + 1), "platform": label, "open_document_no": open_no, "ended_on": ended,
                "end_document_no": end_no, "unit_id": acc.unit_id, "account_id": acc.account_id}
        rows.append(row)
    return rows


# ---------------------------------------------------------------- writers


def as_records(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows keyed by the Chinese headers, in column order."""
    return [{c.header: row.get(c.key, "") for c in COLUMNS} for row in rows]


def to_json(rows: list[dict[str, str]]) -> str:
    return json.dumps(as_records(rows), ensure_ascii=False, indent=2) + "\n"


def csv_safe(value: str) -> str:
    """A cell that a spreadsheet must not read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([csv_safe(row.get(c.key, "")) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'") or "单位"
    base = base[:28]
    title, n = base, 2
    while title in used or title == SUMMARY_SHEET:
        title = f"{base[:26]}-{n}"
        n += 1
    used.add(title)
    return title


def to_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """The summary sheet 台账 (every account, with the unit column) and one sheet per unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    by_unit: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_unit.setdefault(row.get("unit_short_name") or row.get("unit_name") or row.get("unit_id", ""), []).append(row)
    sheets = [(summary, rows)]
    used: set[str] = set()
    for name, unit_rows in by_unit.items():
        sheets.append((wb.create_sheet(_sheet_title(name, used)), unit_rows))
    bold = Font(bold=True)
    for ws, sheet_rows in sheets:
        for c, col in enumerate(COLUMNS, 1):
            cell = ws.cell(row=1, column=c, value=col.header)
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, row in enumerate(sheet_rows, 1):
            for c, col in enumerate(COLUMNS, 1):
                value = str(i) if c == 1 else row.get(col.key, "")
                if not value:
                    continue  # an empty cell is simply not written
                cell = ws.cell(row=i + 1, column=c, value=value)
                cell.data_type = "s"  # text, never a formula: values starting with = + - @ stay text
                cell.number_format = "@"
        ws.freeze_panes = "A2"
        for idx, col in enumerate(COLUMNS, 1):
            ws.column_dimensions[get_column_letter(idx)].width = col.width
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(sheet_rows) + 1}"
    wb.save(path)
