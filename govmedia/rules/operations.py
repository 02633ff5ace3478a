"""Running an account (第六条, 第十三条, 第十五条, 第五条/第十七条): the undertaking agreement,
interaction switched on, the update cycle, responsible persons, app filings, and the 统一社会信用代码
of the host and undertaking units (GB 32100-2015).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from govmedia.dialect.identifiers import uscc_check_char, uscc_well_formed
from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.registry import Record, Registry
from govmedia.rules.lib.common import finding
from govmedia.schemas.account import LIVE_STATUSES, OPEN_STATUSES

# Values that fill a name field without naming anyone.
PLACEHOLDERS = frozenset({"无", "暂无", "待定", "未定", "待补充", "待明确", "空缺", "略", "tbd", "todo", "na",
                          "none", "null", "xxx", "某某"})
# ICP filing numbers: province abbreviation, ICP备, digits, 号, optional -n (site) or -nA (app).
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
ICP_RE = re.compile(rf"^[{PROVINCES}]ICP[备证]\d{{4,12}}号(-\d{{1,3}}[A-Z]?)?$")


def gm401_agreement(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM401: an entrusted undertaking of a live account needs a valid agreement (第六条)."""
    for acc, rec in reg.valid_accounts():
        m = rec.model
        u = m.undertaking
        if u is None or m.status not in LIVE_STATUSES or u.kind != "entrusted":
            continue
        who_zh = f"账号 {acc.ref}「{m.name}」委托「{u.name}」承办"
        who_en = f"account {acc.ref} is run by the undertaking unit '{u.name}'"
        a = u.agreement
        if a is None:
            yield finding(
                "GM401", rec, ("undertaking", "kind"),
                f"{who_zh}，但没有登记委托协议：请审核承办单位资质，签订委托服务协议和保密协议，并在 undert"
                "aking.agreement "
                "中填写 signed_on、expires_on、confidentiality: true、qualification_reviewed: true。",
                f"{who_en} without an agreement: review its qualification, sign the service and "
                "confidentiality agreement, and record undertaking.agreement.")
            continue
        if not a.confidentiality:
            yield finding(
                "GM401", rec, ("undertaking", "agreement", "confidentiality"),
                f"{who_zh}，但协议未包含保密条款（confidentiality: false）：请与承办单位签订保密协议后改为 "
                "true。",
                f"{who_en} but the agreement has no confidentiality clause: sign one, then set it to true.")
        if not a.qualification_reviewed:
            yield finding(
                "GM401", rec, ("undertaking", "agreement", "qualification_reviewed"),
                f"{who_zh}，但尚未审核承办单位资质（qualification_reviewed: false）：主办单位须审核其资质后"
                "再委托。",
                f"{who_en} but its qualification has not been reviewed: review it before entrusting the acc"
                "ount.")
        if a.signed_on > ctx.today:
            yield finding(
                "GM401", rec, ("undertaking", "agreement", "signed_on"),
                f"{who_zh}，但协议签订日期 {a.signed_on} 晚于今天（{ctx.today}）：协议尚未生效，请填写实际"
                "签订日期。",
                f"{who_en} but the agreement is signed on {a.signed_on}, after today ({ctx.today}): it is n"
                "ot in "
                "force yet.")
        if a.expires_on < ctx.today:
            yield finding(
                "GM401", rec, ("undertaking", "agreement", "expires_on"),
                f"{who_zh}，但委托协议已于 {a.expires_on} 到期：请续签协议并更新 expires_on，或收回由本单位"
                "自行运维"
                "（undertaking.kind: internal）。",
                f"{who_en} but the agreement expired on {a.expires_on}: renew it and update expires_on, or "
                "run "
                "the account in-house (undertaking.kind: internal).")


def gm402_interaction(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM402: an open account keeps comments, messages and private messages switched on (第十三条（一）)."""
    names = {"comments": ("评论", "comments"), "messages": ("留言", "messages"),
             "private_messages": ("私信", "private messages")}
    for acc, rec in reg.valid_accounts():
        m = rec.model
        if m.status not in OPEN_STATUSES or m.interaction is None:  # a missing block is GM108/GM109
            continue
        off = [k for k in names if not getattr(m.interaction, k)]
        if not off:
            continue
        yield finding(
            "GM402", rec, ("interaction", off[0]),
            f"账号 {acc.ref}「{m.name}」关闭了{'、'.join(names[k][0] for k in off)}功能：政务新媒体应开启评"
            "论、留言和私信，"
            "及时回应群众关切。请在平台上开启，并把 interaction 中对应的值改为 true。",
            f"account {acc.ref} has {', '.join(names[k][1] for k in off)} switched off: government accounts"
            " keep "
            "comments, messages and private messages on; switch them on and set them to true.")


def gm403_update_cycle(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM403: update_cycle_days of a live account at most max_update_cycle_days (governance.yaml)."""
    if reg.governance is None:
        return
    limit = reg.governance.model.max_update_cycle_days
    for acc, rec in reg.valid_accounts():
        m = rec.model
        if m.operations is None:
            continue
        days = m.operations.update_cycle_days
        if m.status not in LIVE_STATUSES or days <= limit:
            continue
        yield finding(
            "GM403", rec, ("operations", "update_cycle_days"),
            f"账号 {acc.ref}「{m.name}」的更新周期为 {days} 天，超过规定的 {limit} 天（两周无更新即为不合格"
            "）："
            f"请把 update_cycle_days 定为 {limit} 天以内并按期更新；确实无力维护的，请申请注销关停。",
            f"account {acc.ref}: update cycle of {days} days exceeds {limit}: update at least every {limit}"
            " days "
            "or apply to close the account.")


@lru_cache(maxsize=4096)  # the same posts ("主任", "办公室副主任") on thousands of accounts
def _plain(value: str) -> str:
    """A name for comparison: NFKC, casefold, without spaces and punctuation (cheaper than fold)."""
    return "".join(c for c in unicodedata.normalize("NFKC", value).casefold()
                   if unicodedata.category(c)[0] in "LN")


def _blank(value: str | None) -> bool:
    if value is None:
        return True
    plain = _plain(value)
    return not plain or plain in PLACEHOLDERS


def gm404_responsible(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM404: a live account names an overall responsible person, column responsibles and a backup (A/B)."""
    for acc, rec in reg.valid_accounts():
        m = rec.model
        if m.status not in LIVE_STATUSES or m.operations is None:
            continue
        r = m.operations.responsible
        who = f"账号 {acc.ref}「{m.name}」"
        if _blank(r.overall):
            yield finding(
                "GM404", rec, ("operations", "responsible", "overall"),
                f"{who}未明确总负责人（“{r.overall}”）：请填写负责账号整体运维的岗位或人员。",
                f"account {acc.ref} names no overall responsible person ('{r.overall}'): name the post.")
        if not r.columns or all(_blank(c) for c in r.columns):
            yield finding(
                "GM404", rec, ("operations", "responsible", "columns") if r.columns else ("operations", "re"
                "sponsible"),
                f"{who}未明确栏目责任人：请在 operations.responsible.columns 中列出各栏目的责任岗位。",
                f"account {acc.ref} names no column responsible: list them in operations.responsible.column"
                "s.")
        if _blank(r.backup):
            loc: tuple[str, ...] = ("operations", "responsible", "backup")
            yield finding(
                "GM404", rec, loc if r.backup is not None else ("operations", "responsible"),
                f"{who}未设 AB 岗（缺少 backup）：请在 operations.responsible.backup 中填写 B 岗人员或岗位。",
                f"account {acc.ref} has no backup (A/B role): name one in operations.responsible.backup.")
        elif not _blank(r.overall) and _plain(r.backup or "") == _plain(r.overall):
            yield finding(
                "GM404", rec, ("operations", "responsible", "backup"),
                f"{who}的 B 岗与总负责人相同（“{r.backup}”）：AB 岗应由不同人员担任，请另设 B 岗。",
                f"account {acc.ref}: the backup is the overall responsible person ('{r.backup}'): the A/B r"
                "oles "
                "need two different people.")


def gm405_app_filing(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM405: accounts on platforms with ``app_like: true`` carry an ICP filing and an MLPS level."""
    if reg.governance is None:
        return
    platforms = reg.governance.model.platforms
    for acc, rec in reg.valid_accounts():
        m = rec.model
        spec = platforms.get(m.platform)
        if spec is None or not spec.app_like or m.status not in LIVE_STATUSES:
            continue
        app = m.app
        who = f"{spec.label} {acc.ref}「{m.name}」"
        if app is None or not app.icp_filing:
            yield finding(
                "GM405", rec, ("app",) if app else ("platform",),
                f"{who}缺少 ICP 备案号：请完成互联网信息服务备案，并在 app.icp_filing 中填写备案号（如 陕IC"
                "P备17016975号-1A）。",
                f"{m.platform} {acc.ref} has no ICP filing: file it and record app.icp_filing.")
        elif not ICP_RE.match(app.icp_filing):
            yield finding(
                "GM405", rec, ("app", "icp_filing"),
                f"{who}的 ICP 备案号 “{app.icp_filing}” 格式不对：应为“省份简称ICP备数字号”，可带“-序号”（"
                "如 陕ICP备17016975号-1A）。",
                f"{m.platform} {acc.ref}: ICP filing '{app.icp_filing}' is malformed (e.g. 陕ICP备17016975"
                "号-1A).")
        if app is None or app.mlps_level is None:
            yield finding(
                "GM405", rec, ("app",) if app else ("platform",),
                f"{who}缺少网络安全等级保护级别：请完成等级保护定级备案，并在 app.mlps_level 中填写级别（1–"
                "5）。",
                f"{m.platform} {acc.ref} has no MLPS level: complete the classified protection filing and r"
                "ecord "
                "app.mlps_level.")


def _uscc(record: Record[Any], loc: tuple[str, ...], code: str, whose_zh: str,
          whose_en: str) -> Iterator[Finding]:
    if not uscc_well_formed(code):
        yield finding(
            "GM406", record, loc,
            f"{whose_zh}的统一社会信用代码 “{code}” 格式错误：应为 18 位，由数字和大写字母（不含 I、O、Z、S"
            "、V）组成"
            "（GB 32100-2015）。请按法人证书上的代码填写。",
            f"{whose_en}: USCC '{code}' is malformed: 18 digits and capital letters without I, O, Z, S, V "
            "(GB 32100-2015). Copy it from the certificate.")
    elif uscc_check_char(code[:17]) != code[17]:
        yield finding(
            "GM406", record, loc,
            f"{whose_zh}的统一社会信用代码 “{code}” 校验位不符（按 GB 32100-2015 应为"
            f" {uscc_check_char(code[:17])}）："
            "请对照证书核实是否抄错；少数早期试点代码确实不符校验规则，核实无误可保留。",
            f"{whose_en}: USCC '{code}' fails the check character (GB 32100-2015 gives "
            f"{uscc_check_char(code[:17])}): check it against the certificate; a few early pilot codes real"
            "ly "
            "fail, keep it once verified.",
            severity="warning")


def gm406_uscc(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM406: unit.uscc and undertaking.uscc: malformed is an error, a check-digit mismatch a warning."""
    for unit in reg.units.values():
        if unit.record is not None and unit.record.model.uscc is not None:
            u = unit.record.model
            assert u.uscc is not None
            yield from _uscc(unit.record, ("uscc",), u.uscc, f"单位 {unit.unit_id}（{u.name}）",
                             f"unit {unit.unit_id}")
    for acc, rec in reg.valid_accounts():
        und = rec.model.undertaking
        if und is not None and und.uscc is not None:
            yield from _uscc(rec, ("undertaking", "uscc"), und.uscc,
                             f"账号 {acc.ref} 的承办单位「{und.name}」",
                             f"account {acc.ref}: undertaking unit '{und.name}'")


RULES = [gm401_agreement, gm402_interaction, gm403_update_cycle, gm404_responsible, gm405_app_filing,
         gm406_uscc]
