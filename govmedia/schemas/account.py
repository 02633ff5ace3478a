"""``accounts/<unit_id>/<account_id>/account.yaml``: one official account or application."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govmedia.schemas.common import HttpsUrl, IsoDate, Key, Line, ShortLine, Strict, Text, Uscc, public

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
    # An existing account recorded from a ledger (存量登记) may lack what its ledger does not say; the rules
    # (GM108 a warning for such an account, GM109 an error for a new one) say what is still to be completed.
    platform_id: Annotated[
        Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")] | None,
        Field(json_schema_extra=public()),
    ] = None
    url: Annotated[HttpsUrl | None, Field(json_schema_extra=public())] = None
    status: Annotated[Status, Field(json_schema_extra=public())]
    opened_on: Annotated[IsoDate | None, Field(json_schema_extra=public())] = None
    positioning: Annotated[Text | None, Field(json_schema_extra=public(), description="功能定位")] = None
    verification: Verification | None = None
    undertaking: Undertaking | None = None
    interaction: Interaction | None = None
    operations: Operations | None = None
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
