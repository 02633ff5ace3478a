"""``requests/<YYYY-MM-DD>-<action>/request.yaml``: an application, and ``<stage>.yaml``: one decision."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from .common import IsoDate, Line, Person, ShortLine, Strict, Text

Action = Literal["open", "change", "exit", "close"]
# Fields of account.yaml that a change request may set.
CHANGEABLE_FIELDS = (
    "name",
    "platform_id",
    "url",
    "positioning",
    "verification",
    "undertaking",
    "interaction",
    "operations",
    "national_system_id",
    "app",
    "unit",
)


class BasisDocument(Strict):
    title: Line
    document_no: ShortLine
    issued_on: IsoDate


class Request(Strict):
    action: Action
    submitted_on: IsoDate
    applicant: Person
    reason: Text | None = None
    changes: dict[str, Any] | None = None
    basis_document: BasisDocument | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> Request:
        if self.action != "open" and not self.reason:
            raise ValueError(f"reason is required for a {self.action} request")
        if self.action == "change":
            if not self.changes:
                raise ValueError("changes is required for a change request")
            unknown = sorted(set(self.changes) - set(CHANGEABLE_FIELDS))
            if unknown:
                raise ValueError(f"changes names fields that cannot be changed: {', '.join(unknown)}")
        elif self.changes is not None:
            raise ValueError("changes is only allowed in a change request")
        if self.action == "exit" and self.basis_document is None:
            raise ValueError("basis_document (机构编制批复文件) is required for an exit request")
        return self


class Approval(Strict):
    decision: Literal["approved", "rejected"]
    decided_on: IsoDate
    approver: Person
    document_no: ShortLine | None = None
    comment: Text | None = None


