"""``accounts/<unit_id>/<account_id>/account.yaml``: one official account or application."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from govmedia.schemas.common import HttpsUrl, IsoDate, Key, Line, ShortLine, Strict, Text, Uscc, problem, public

Status = Literal["applying", "rejected", "active", "changing", "exiting", "closing", "closed", "exited"]
STATUSES: tuple[str, ...] = ("applying", "rejected", "active", "changing", "exiting", "closing", "closed", "exited")
# Statuses in which the account exists and speaks for the unit.
LIVE_STATUSES = frozenset({"applying", "active", "changing", "exiting", "closing"})
OPEN_STATUSES = frozenset({"active", "changing", "exiting", "closing"})
# Accounts shown in the public register.
PUBLISHED_STATUSES = frozenset({"active", "changing", "exiting", "closing", "closed", "exited"})


class Verification(Strict):
    verified: bool
    subject: Line


class Agreement(Strict):
    signed_on: IsoDate
    expires_on: IsoDate
    confidentiality: bool
    qualification_reviewed: bool


class Undertaking(Strict):
    kind: Literal["internal", "entrusted"]
    name: ShortLine
    uscc: Uscc | None = None
    agreement: Agreement | None = None


class Interaction(Strict):
    comments: bool
    messages: bool
    private_messages: bool


class Responsible(Strict):
    overall: ShortLine
    columns: list[ShortLine] = Field(default_factory=list)
    backup: ShortLine | None = None


class Operations(Strict):
    update_cycle_days: int = Field(ge=1, le=3650)
    responsible: Responsible
    review_before_publish: bool


class App(Strict):
    icp_filing: ShortLine | None = None
    mlps_level: int | None = Field(default=None, ge=1, le=5)


# A public handle as citizens meet it: a 微信号, 抖音号, 快手号, B站 UID, a Weibo custom domain (ASCII, no spaces).
Handle = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
# The ``__biz`` of a WeChat official account: base64 of its number, carried by every article link.
WechatBiz = Annotated[str, Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9+/_-]+={0,2}$")]


class Account(Strict):
    name: Annotated[ShortLine, Field(json_schema_extra=public(), description="账号名称")]
    platform: Annotated[Key, Field(json_schema_extra=public())]
    platform_id: Annotated[
        str,
        Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$", json_schema_extra=public()),
    ]
    url: Annotated[HttpsUrl, Field(json_schema_extra=public())]
    status: Annotated[Status, Field(json_schema_extra=public())]
    opened_on: Annotated[IsoDate | None, Field(json_schema_extra=public())] = None
    positioning: Annotated[Text, Field(json_schema_extra=public(), description="功能定位")]
    verification: Verification
    undertaking: Undertaking
    interaction: Interaction
    operations: Operations
    aliases: Annotated[
        list[Handle],
        Field(max_length=16, default_factory=list, json_schema_extra=public(),
              description="其他公开账号标识：微信号、抖音号、快手号、B站 UID、微博个性域名等"),
    ]
    wechat_biz: Annotated[
        WechatBiz | None,
        Field(json_schema_extra=public(), description="微信公众号的 __biz（每篇文章链接都带有）"),
    ] = None
    national_system_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")] | None = None
    app: App | None = None

    @model_validator(mode="after")
    def _opened_when_open(self) -> Account:
        if self.status in OPEN_STATUSES and self.opened_on is None:
            raise problem("status", f"状态为 {self.status} 时必须填写开通日期 opened_on（最终批准的日期）",
                          f"opened_on (the date of the final approval) is required when status is {self.status}")
        return self
