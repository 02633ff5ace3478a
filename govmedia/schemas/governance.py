"""``policies/governance.yaml``: the jurisdiction, its stages, chains, platforms and thresholds."""

from __future__ import annotations

from typing import Annotated, Any

import re2
from pydantic import AfterValidator, Field, model_validator

from govmedia.schemas.common import (
    HttpsUrl,
    Key,
    Line,
    Login,
    Person,
    Reviewer,
    ShortLine,
    Strict,
    linear_regex,
    problem,
)


def id_regex(pattern: str) -> Any:
    """A platform's ``id_pattern``, compiled by RE2 (common.linear_regex): a pattern in a merge request such
    as ``(a+)+$`` cannot make the check hang. RE2 refuses backreferences and lookaround: ``re2.error``."""
    return linear_regex(pattern)


def _valid_regex(value: str) -> str:
    try:
        id_regex(value)
    except (re2.error, UnicodeError) as exc:
        why = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise problem("", f"不是有效的正则表达式，或使用了不支持的写法（如反向引用、前瞻断言）：{why}",
                      f"not a supported regular expression (no backreferences or lookaround): {why}") from exc
    return value


Regex = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_valid_regex)]
Host = Annotated[str, Field(pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")]


class Jurisdiction(Strict):
    name: ShortLine
    division_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    portal_url: HttpsUrl


class Stage(Strict):
    title: ShortLine
    reviewers: list[Reviewer] = Field(default_factory=list)
    from_unit: bool = False  # reviewers are each unit's own (unit.yaml `reviewers`): the unit_head stage
    requires_document: bool = False
    allowed_signers: str | None = None  # path, relative to the root, of an ssh allowed-signers file


class Chains(Strict):
    open: list[Key] = Field(min_length=1)
    change: list[Key] = Field(min_length=1)
    exit: list[Key] = Field(min_length=1)
    close: list[Key] = Field(min_length=1)
    # 存量登记: recording an account that predates the register (opened, closed or exited before it)
    # (the attribute is ``register_``: ``register`` is a method of every pydantic model; use Governance.chain)
    register_: list[Key] = Field(default_factory=lambda: ["district_office"], min_length=1, alias="register")
    # A change to governance.yaml or to a unit's reviewers, signers or identity is itself a request
    # (policies/requests/<date>-policy/) with this chain; without it, the change chain's.
    policy: list[Key] | None = Field(default=None, min_length=1)


class Platform(Strict):
    label: ShortLine
    id_pattern: Regex
    url_hosts: list[Host] = Field(min_length=1)
    app_like: bool = False  # apps and mini programs need ICP filing and MLPS level (第五条, 第十七条)
    # false: the platform has no stable profile address (a WeChat official account): url may be left out
    url_required: bool = True
    # other names the platform goes by in ledgers and notices (微信订阅号, 新浪微博 …), for govmedia import
    ledger_names: list[ShortLine] = Field(default_factory=list)


class Ledger(Strict):
    """The words of real ledgers, for ``govmedia import``: a district adds its own here, without code."""

    # column key (docs/ledger.md lists them) -> other headers meaning that column
    headers: dict[Key, list[ShortLine]] = Field(default_factory=dict)
    # headers of columns that are read past on purpose (remarks, monitoring figures)
    ignored: list[ShortLine] = Field(default_factory=list)


class Content(Strict):
    banned_terms: list[Line] = Field(default_factory=list)
    allowed_link_domains: list[Host] = Field(default_factory=list)


class SiteInfo(Strict):
    """How the public site presents itself: who runs it and the numbers a Chinese government site shows."""

    url: HttpsUrl | None = None  # the public address: absolute sitemap, canonical and feed links
    organiser: ShortLine | None = None  # 主办单位 of the site, in the footer
    phone: ShortLine | None = None  # the office's contact phone
    email: Annotated[str, Field(pattern="^[^@\\s<>\"'`]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", max_length=120)] | None = None
    icp: ShortLine | None = None  # ICP 备案号, e.g. 陕ICP备12345678号
    police: ShortLine | None = None  # 公网安备号, e.g. 陕公网安备 61020202000001号
    logo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+\.png$", max_length=200)] | None = None  # PNG, from the root
    description: Line | None = None  # the pages' meta description


class Governance(Strict):
    jurisdiction: Jurisdiction
    demo: bool = False
    stages: dict[Key, Stage] = Field(min_length=1)
    chains: Chains
    announcement_min_days: int = Field(default=30, ge=1, le=3650)
    max_update_cycle_days: int = Field(default=14, ge=1, le=365)
    agreement_warning_days: int = Field(default=30, ge=0, le=3650)
    platforms: dict[Key, Platform] = Field(min_length=1)
    content: Content = Field(default_factory=Content)
    ledger: Ledger = Field(default_factory=Ledger)
    site: SiteInfo = Field(default_factory=SiteInfo)
    unit_head_stage: Key = "unit_head"
    # login on the code host -> the name and title written into the approval files that `govmedia bot`
    # records from a web review (a login without an entry cannot approve by clicking).
    people: dict[Login, Person] = Field(default_factory=dict)
    # Separation of duties: one person decides at most one stage of a request, except for the stages
    # listed together here (e.g. [[unit_head, district_office]] when the unit is the district office).
    shared_approver_stages: list[list[Key]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _chains_name_stages(self) -> Governance:
        for action in ("open", "change", "exit", "close", "policy", "register"):
            chain: list[str] = getattr(self.chains, "register_" if action == "register" else action) or []
            for stage in chain:
                if stage not in self.stages:
                    raise problem("chains", f"审核链 chains.{action} 中的环节 “{stage}” 未在 stages 中定义：请先在 stages 中添加它或改正拼写",
                                  f"chains.{action} names unknown stage '{stage}': define it under stages or fix the spelling")
            if len(set(chain)) != len(chain):
                raise problem("chains", f"审核链 chains.{action} 中有重复的环节：每个环节只能出现一次",
                              f"chains.{action} lists a stage twice: each stage appears once")
        return self

    def chain(self, action: str) -> list[str]:
        if action == "policy":
            return self.chains.policy or self.chains.change
        chain: list[str] = getattr(self.chains, "register_" if action == "register" else action)
        return chain

    def may_share_approver(self, a: str, b: str) -> bool:
        """Whether one person may decide both stage ``a`` and stage ``b`` of one request."""
        return any(a in group and b in group for group in self.shared_approver_stages)
