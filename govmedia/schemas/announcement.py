"""``announcements/<YYYY-MM-DD>-<slug>.md``: YAML front matter of an announcement."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from govmedia.schemas.common import IsoDate, Line, Strict, problem, public

AccountRef = Annotated[
    str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$", max_length=129)
]


class Announcement(Strict):
    title: Annotated[Line, Field(json_schema_extra=public())]
    kind: Annotated[Literal["opening", "change", "exit", "close"], Field(json_schema_extra=public())]
    accounts: Annotated[list[AccountRef], Field(min_length=1, json_schema_extra=public())]
    published_on: Annotated[IsoDate, Field(json_schema_extra=public())]
    display_until: Annotated[IsoDate, Field(json_schema_extra=public())]

    @model_validator(mode="after")
    def _window(self) -> Announcement:
        if self.display_until < self.published_on:
            raise problem("display_until", "展示截止日期 display_until 早于发布日期 published_on：请改正",
                          "display_until is before published_on: correct it")
        return self
