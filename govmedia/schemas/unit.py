"""``accounts/<unit_id>/unit.yaml``: a host unit (主办单位)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govmedia.schemas.common import Id, Person, Reviewer, ShortLine, Strict, Uscc, public

UnitKind = Literal["administrative_organ", "public_institution", "internal_body"]


class Unit(Strict):
    name: Annotated[ShortLine, Field(json_schema_extra=public(), description="主办单位全称")]
    short_name: Annotated[ShortLine, Field(json_schema_extra=public(), description="简称")]
    # A unit recorded from a ledger with its existing accounts (存量登记) may lack these; GM108/GM109 say so.
    uscc: Annotated[Uscc | None, Field(json_schema_extra=public(), description="统一社会信用代码")] = None
    kind: Annotated[UnitKind | None, Field(json_schema_extra=public())] = None
    parent: Annotated[Id | None, Field(json_schema_extra=public(), description="主管单位 unit_id")]
    division_code: Annotated[str, Field(pattern=r"^\d{6}$", json_schema_extra=public())]
    leader_in_charge: Person | None = None
    reviewers: list[Reviewer] = Field(min_length=1)
    # ssh allowed-signers file (path from the root) of the people who sign this unit's unit_head approvals
    allowed_signers: str | None = Field(default=None, min_length=1, max_length=300)
