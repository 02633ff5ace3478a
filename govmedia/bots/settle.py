"""What follows a request's last decision, written in the same commit as that decision (as a staff
member would after ``govmedia new approval`` says "this was the last stage"): the account's new status,
``opened_on`` and the opening announcement for an opening, the approved values for a change."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from govmedia.bots.answers import fill
from govmedia.register.lifecycle import APPROVED_STATUS
from govmedia.register.registry import AccountRec, RequestRec
from govmedia.schemas import Account
from govmedia.staff import forms
from govmedia.staff import scaffold as sc


def _account_text(acc: AccountRec, data: dict[str, Any]) -> str:
    return sc.render(acc.path, data, "account")


def settled(env: sc.Env, acc: AccountRec, req: RequestRec, decision: str, day: date) -> dict[str, str]:
    """The files to change with the final decision ``decision`` (made on ``day``) of ``req``."""
    if acc.record is None or req.request is None:
        return {}
    data: dict[str, Any] = copy.deepcopy(dict(acc.record.doc.data))
    if decision == "rejected":
        data["status"] = "rejected" if req.action == "open" else "active"
        return {acc.path: _account_text(acc, data)}
    recorded = getattr(req.request.model, "recorded_status", None)  # a 存量登记 ends in the state it records
    data["status"] = recorded or APPROVED_STATUS.get(req.action, data.get("status"))
    files: dict[str, str] = {}
    if req.action == "open":
        data["opened_on"] = day.isoformat()
        files.update(_announcement(env, acc.ref, "opening", day))
    elif req.action == "change":
        changes = req.request.model.changes or {}
        data = sc.apply_changes(data, changes)
    ordered = {k: data[k] for k in _order(data)}
    files[acc.path] = _account_text(acc, ordered)
    return files


def _order(data: dict[str, Any]) -> list[str]:
    fields = list(Account.model_fields)
    return sorted(data, key=lambda k: fields.index(k) if k in fields else len(fields))


def _announcement(env: sc.Env, ref: str, kind: str, day: date) -> dict[str, str]:
    """The announcement of ``govmedia new announcement --kind KIND --account REF --date DAY``."""
    form = forms.announcement_form(env)
    problems = fill(form, {"kind": kind, "account": ref, "date": day.isoformat()}, {})
    if problems:
        return {}
    return sc.announcement_files(env, form.values)
