"""The account lifecycle, written down once: statuses, what evidence each needs, which transitions
are allowed. Rules (GM202, GM602), the site (diagram, labels) and the reports all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from govmedia.register.registry import AccountRec, RequestRec

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "applying": ("申请中", "applying"),
    "rejected": ("未获批准", "rejected"),
    "active": ("正常运行", "active"),
    "changing": ("变更中", "changing"),
    "exiting": ("退出监管中", "exiting"),
    "closing": ("注销关停中", "closing"),
    "closed": ("已注销关停", "closed"),
    "exited": ("已退出监管", "exited"),
}
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "open": ("开设", "opening"),
    "change": ("变更", "change"),
    "exit": ("退出监管", "exit from supervision"),
    "close": ("注销关停", "closure"),
    "register": ("存量登记", "registration of an existing account"),
}
# Status an account is in while a request of this action is pending (docs/architecture.md, "Statuses and requests").
PENDING_STATUS = {"open": "applying", "change": "changing", "exit": "exiting", "close": "closing",
                  "register": "applying"}
# An account that predates the register is recorded (存量登记) in the state it is in: running, closed or left
# supervision. Its approved register request (``recorded_status``) is the evidence GM202 holds it to.
REGISTERED_STATUSES = frozenset({"active", "closed", "exited"})
# Status an account reaches when the request of this action is approved by every stage.
APPROVED_STATUS = {"open": "active", "change": "active", "exit": "exited", "close": "closed"}

# Allowed transitions between the status at the base revision and the status now (GM602).
# A status may always stay as it is. None = the account did not exist at the base.
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"applying"}),
    "applying": frozenset({"active", "rejected"}),
    "rejected": frozenset({"applying"}),
    "active": frozenset({"changing", "exiting", "closing"}),
    "changing": frozenset({"active"}),
    "exiting": frozenset({"exited", "active"}),
    "closing": frozenset({"closed", "active"}),
    "closed": frozenset(),
    "exited": frozenset(),
}


def registered(acc: AccountRec) -> bool:
    """An account that came into the register by a registration (存量登记), not through the opening chain."""
    return bool(acc.requests) and acc.requests[0].action == "register"


def transition_allowed(before: str | None, after: str, registration: bool = False) -> bool:
    """``registration``: the account came in by a registration (存量登记), so a new one may appear in any of
    REGISTERED_STATUSES (GM202 holds it to the status its approved registration records)."""
    if before is None and registration and after in REGISTERED_STATUSES:
        return True
    return before == after or after in TRANSITIONS.get(before, frozenset())


@dataclass(frozen=True)
class RequestState:
    state: Literal["pending", "approved", "rejected", "broken"]
    next_stage: str | None  # the first stage without a decision, while pending
    decided_on: date | None  # date of the last decision in chain order


def request_state(req: RequestRec, chain: list[str]) -> RequestState:
    """Where a request stands along its chain: every stage approved in order, a rejection, or pending."""
    if req.request is None or req.broken:
        return RequestState("broken", None, None)
    last: date | None = None
    for stage in chain:
        approval = req.approvals.get(stage)
        if approval is None:
            return RequestState("pending", stage, last)
        last = approval.model.decided_on
        if approval.model.decision == "rejected":
            return RequestState("rejected", None, last)
    return RequestState("approved", None, last)
