"""What follows a request's last decision, written in the same commit as that decision (as a staff
member would after ``govmedia new approval`` says "this was the last stage"): the account's new status,
``opened_on`` and the opening announcement for an opening, the approved values for a change.

Documents are rendered by the scaffolding's ``render`` and ``announcement_*`` (the files look like every
other file); what they say is judged by the check that runs right after.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from govmedia.register.lifecycle import APPROVED_STATUS
from govmedia.register.registry import AccountRec, RequestRec
from govmedia.schemas import Account, Approval
from govmedia.staff import scaffold as sc
from govmedia.staff.fields import Env


def ordered(doc: dict[str, Any], model: type[Any]) -> dict[str, Any]:
    """Keys in the model's field order, so written files look like every other file."""
    order = list(model.model_fields)
    return {k: doc[k] for k in sorted(doc, key=lambda k: order.index(k) if k in order else len(order))}


def approval_file(folder: str, stage: str, doc: dict[str, Any]) -> dict[str, str]:
    rel = f"{folder}/{stage}.yaml"
    return {rel: sc.render(rel, ordered(doc, Approval), "approval")}


def settled(env: Env, acc: AccountRec, req: RequestRec, decision: str, day: date) -> dict[str, str]:
    """The files to change with the final decision ``decision`` (made on ``day``) of ``req``."""
    if acc.record is None or req.request is None:
        return {}
    data: dict[str, Any] = copy.deepcopy(dict(acc.record.doc.data))
    files: dict[str, str] = {}
    if decision == "rejected":
        data["status"] = "rejected" if req.action == "open" else "active"
    else:
        recorded = getattr(req.request.model, "recorded_status", None)  # a 存量登记 ends in the state it records
        data["status"] = recorded or APPROVED_STATUS.get(req.action, data.get("status"))
        if req.action == "open":
            data["opened_on"] = day.isoformat()
            files.update(announcement(env, acc.ref, day))
        elif req.action == "change":
            # a change of host unit also moves the folder: that step stays the office's (the check says so)
            data.update({k: v for k, v in (req.request.model.changes or {}).items() if k != "unit"})
    files[acc.path] = sc.render(acc.path, ordered(data, Account), "account")
    return files


def announcement(env: Env, ref: str, day: date) -> dict[str, str]:
    """The opening announcement ``govmedia new announcement --kind opening --account REF --date DAY`` drafts:
    its default title, the shortest display window governance.yaml allows, the same body."""
    acc = env.registry.accounts[ref]
    name = acc.record.model.name if acc.record else ref
    front = {
        "title": f"关于「{name}」政务新媒体账号开通的公告",
        "kind": "opening",
        "accounts": [ref],
        "published_on": day.isoformat(),
        "display_until": (day + timedelta(days=env.governance.announcement_min_days)).isoformat(),
    }
    slug = f"{ref.replace('/', '-')}-opening"[:64].rstrip("-")
    body = sc.announcement_body(env, [ref], "opening")
    return {f"announcements/{day.isoformat()}-{slug}.md": sc.announcement_text(front, body)}
