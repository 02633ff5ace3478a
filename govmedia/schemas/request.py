"""``requests/<YYYY-MM-DD>-<action>/request.yaml``: an application, and ``<stage>.yaml``: one decision."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from govmedia.schemas.common import IsoDate, Line, Login, Person, ShortLine, Strict, Text, problem

Action = Literal["open", "change", "exit", "close", "policy", "register"]
# What a registration (存量登记) may record: an account that predates the register, running or ended.
RecordedStatus = Literal["active", "closed", "exited"]
DIGEST_PATTERN = r"^sha256:[0-9a-f]{64}$"  # govmedia/register/digest.py
_DIGEST = re.compile(DIGEST_PATTERN)
_POLICY_FILE = re.compile(r"^(policies/governance\.yaml|accounts/[a-z0-9]+(-[a-z0-9]+)*/unit\.yaml)$")
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
    # register only: the state the account is recorded in, and the day it was closed or left supervision
    recorded_status: RecordedStatus | None = None
    ended_on: IsoDate | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> Request:
        self._register_fields()
        if self.action != "open" and not self.reason:
            raise problem("action", f"{self.action} 申请必须填写 reason（申请理由）（第八条）",
                          f"reason is required for a {self.action} request (article 8)")
        if self.action == "policy":
            bad = sorted(k for k, v in (self.changes or {}).items()
                         if not _POLICY_FILE.match(str(k)) or not isinstance(v, str) or not _DIGEST.match(v))
            if not self.changes or bad:
                raise problem("changes", "治理变更申请（policy）的 changes 须逐一写明要修改的文件（policies/governance.yaml 或 "
                              "accounts/<单位>/unit.yaml）及其新内容的摘要（sha256:…，govmedia check 会给出）",
                              "a policy request's changes map each file it changes (policies/governance.yaml or "
                              "accounts/<unit>/unit.yaml) to the digest of its new content (sha256:…)")
        elif self.action == "change":
            if not self.changes:
                raise problem("action", "变更申请必须在 changes 中写明要变更的字段和新值（第八条（一））",
                              "changes (the fields to change and their new values) is required for a change request")
            unknown = sorted(set(self.changes) - set(CHANGEABLE_FIELDS))
            if unknown:
                raise problem("changes", f"changes 中的字段不能变更：{'、'.join(unknown)}；可变更的字段：{'、'.join(CHANGEABLE_FIELDS)}",
                              f"changes names fields that cannot be changed: {', '.join(unknown)}")
        elif self.changes is not None:
            raise problem("changes", "只有变更申请（change）可以有 changes：请删除", "changes is only allowed in a change request")
        if self.action == "exit" and self.basis_document is None:
            raise problem("action", "退出监管申请必须附 basis_document（机构编制批复文件）（第八条（二））",
                          "basis_document (the staffing approval) is required for an exit request (article 8(2))")
        return self

    def _register_fields(self) -> None:
        if self.action == "register":
            if self.recorded_status is None:
                raise problem("action", "存量登记申请（register）必须填写 recorded_status（登记时账号的状态：active、closed 或 exited）",
                              "recorded_status (active, closed or exited) is required for a register request")
            if self.ended_on is not None and self.recorded_status == "active":
                raise problem("ended_on", "只有已注销关停（closed）或已退出监管（exited）的账号才有 ended_on：请删除",
                              "ended_on is only for an account recorded as closed or exited")
        elif self.recorded_status is not None or self.ended_on is not None:
            raise problem("recorded_status" if self.recorded_status is not None else "ended_on",
                          "只有存量登记申请（register）可以有 recorded_status 和 ended_on：请删除",
                          "recorded_status and ended_on are only allowed in a register request")


class ReviewRef(Strict):
    """The web review a decision was recorded from (``govmedia bot``): which platform, the review's id
    (GitHub; GitLab approvals have none) and the login of the person the platform says gave it."""

    platform: Literal["github", "gitlab"]
    id: int | None = Field(default=None, ge=1)
    login: Login


class Approval(Strict):
    decision: Literal["approved", "rejected"]
    decided_on: IsoDate
    approver: Person
    document_no: ShortLine | None = None
    comment: Text | None = None
    review: ReviewRef | None = None
    # The digest of the request.yaml this decision approves (govmedia/register/digest.py): a request edited
    # after the decision no longer matches it.
    request_digest: Annotated[str, Field(pattern=DIGEST_PATTERN)] | None = None


