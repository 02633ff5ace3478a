"""Supervision reports (第十五条（六）, 第十八条, 第十九条): monthly inspection, quarterly circular, annual
assessment. Pure functions over the loaded register and the current findings: ``build`` gathers the
facts as plain data (the JSON format), ``markdown`` renders them for people (Chinese by default).
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from govmedia.findings.finding import Finding, Lang
from govmedia.register.lifecycle import ACTION_LABELS, STATUS_LABELS, registered, request_state
from govmedia.register.registry import Registry
from govmedia.rules.dossier import ACCOUNT_FIELDS, UNIT_FIELDS, missing_account_fields, missing_unit_fields
from govmedia.schemas.account import LIVE_STATUSES, OPEN_STATUSES, STATUSES

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


@dataclass(frozen=True)
class Period:
    text: str  # as given: 2026-11, 2026-Q4, 2026
    start: date
    end: date  # inclusive

    def label(self, lang: Lang) -> str:
        y = self.start.year
        if len(self.text) == 4:
            return f"{y}年度" if lang == "zh" else f"year {y}"
        if "Q" in self.text:
            q = (self.start.month - 1) // 3 + 1
            return f"{y}年第{q}季度" if lang == "zh" else f"Q{q} {y}"
        return f"{y}年{self.start.month}月" if lang == "zh" else self.start.strftime("%B %Y")


def parse_period(text: str) -> Period:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; ValueError otherwise."""
    m = _PERIOD_RE.match(text)
    if not m:
        raise ValueError(f"period must be YYYY-MM, YYYY-Qn or YYYY: {text!r}")
    year = int(m.group(1))
    if year < 1:
        raise ValueError(f"no such year: {text!r}")
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"no such month: {text!r}")
        return Period(text, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    if m.group(3):
        q = int(m.group(3))
        first = 3 * q - 2
        last = calendar.monthrange(year, first + 2)[1]
        return Period(text, date(year, first, 1), date(year, first + 2, last))
    return Period(text, date(year, 1, 1), date(year, 12, 31))


def period_of(today: date) -> Period:
    """The month that contains ``today`` (the default period)."""
    return parse_period(f"{today.year:04d}-{today.month:02d}")


def _pending(reg: Registry, today: date) -> list[dict[str, Any]]:
    if reg.governance is None:
        return []
    gov = reg.governance.model
    out: list[dict[str, Any]] = []
    for acc in reg.accounts.values():
        for req in acc.requests:
            state = request_state(req, gov.chain(req.action))
            if state.state != "pending" or state.next_stage is None:
                continue
            since = state.decided_on or req.submitted_on
            stage = gov.stages.get(state.next_stage)
            out.append({
                "account": acc.ref,
                "name": acc.record.model.name if acc.record else None,
                "action": req.action,
                "folder": req.folder,
                "submitted_on": req.submitted_on.isoformat(),
                "waiting_at": state.next_stage,
                "waiting_at_title": stage.title if stage else state.next_stage,
                "waiting_since": since.isoformat(),
                "days_at_stage": (today - since).days,
                "days_total": (today - req.submitted_on).days,
            })
    out.sort(key=lambda r: (-r["days_total"], r["folder"]))
    return out


def _agreements(reg: Registry, today: date) -> list[dict[str, Any]]:
    warn = reg.governance.model.agreement_warning_days if reg.governance else 30
    out = []
    for acc, rec in reg.valid_accounts():
        m = rec.model
        if m.undertaking is None:
            continue
        a = m.undertaking.agreement
        if m.status not in LIVE_STATUSES or m.undertaking.kind != "entrusted" or a is None:
            continue
        left = (a.expires_on - today).days
        if left <= warn:
            out.append({"account": acc.ref, "name": m.name, "undertaking": m.undertaking.name,
                        "expires_on": a.expires_on.isoformat(), "days_left": left})
    out.sort(key=lambda r: (r["days_left"], r["account"]))
    return out


def _announcements(reg: Registry, period: Period) -> list[dict[str, Any]]:
    out = []
    for ann in reg.announcements:
        m = ann.record.model
        if period.start <= m.display_until <= period.end:
            out.append({"path": ann.record.path, "title": m.title, "kind": m.kind,
                        "accounts": list(m.accounts), "published_on": m.published_on.isoformat(),
                        "display_until": m.display_until.isoformat()})
    out.sort(key=lambda r: (r["display_until"], r["path"]))
    return out


def _accounts(reg: Registry) -> dict[str, Any]:
    by_status: Counter[str] = Counter()
    by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for acc, rec in reg.valid_accounts():
        s = rec.model.status
        by_status[s] += 1
        by_platform[rec.model.platform][s] += 1
        by_unit[acc.unit_id][s] += 1
    labels = {k: v.label for k, v in reg.governance.model.platforms.items()} if reg.governance else {}
    return {
        "total": sum(by_status.values()),
        "by_status": {s: by_status[s] for s in STATUSES if by_status[s]},
        "by_platform": [{"platform": p, "label": labels.get(p, p), "total": sum(c.values()),
                         "by_status": dict(c)}
                        for p, c in sorted(by_platform.items())],
        "by_unit": [{"unit": u, "name": reg.unit_name(u) or u, "total": sum(c.values()), "by_status": dict(c)}
                    for u, c in sorted(by_unit.items())],
    }


def _activity(reg: Registry, period: Period) -> dict[str, int]:
    submitted: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    for acc in reg.accounts.values():
        for req in acc.requests:
            if period.start <= req.submitted_on <= period.end:
                submitted[req.action] += 1
            for approval in req.approvals.values():
                if period.start <= approval.model.decided_on <= period.end:
                    decided[approval.model.decision] += 1
    return {"requests_submitted": sum(submitted.values()),
            **{f"submitted_{k}": v for k, v in submitted.items()},
            "decisions_approved": decided["approved"], "decisions_rejected": decided["rejected"]}


def _to_complete(reg: Registry) -> list[dict[str, Any]]:
    """Per unit, the existing accounts (存量登记) and the unit itself with dossier fields still missing:
    what GM108 warns of, from the rule's own lists of fields."""
    gov = reg.governance.model if reg.governance else None
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for acc, rec in reg.valid_accounts():
        if not registered(acc) or rec.model.status not in OPEN_STATUSES:
            continue
        missing = missing_account_fields(rec.model, gov)
        if missing:
            by_unit.setdefault(acc.unit_id, []).append({"account": acc.ref, "name": rec.model.name, "missing": missing})
    out = []
    for unit_id in sorted(set(by_unit) | {u for u, rec in reg.units.items() if rec.record is not None}):
        unit = reg.units.get(unit_id)
        model = unit.record.model if unit is not None and unit.record is not None else None
        items = by_unit.get(unit_id, [])
        unit_missing = missing_unit_fields(model) if model is not None and (items or _only_existing(reg, unit_id)) else []
        if items or unit_missing:
            out.append({"unit_id": unit_id, "unit": model.name if model else unit_id, "unit_missing": unit_missing,
                        "accounts": items})
    return out


def _only_existing(reg: Registry, unit_id: str) -> bool:
    accs = [a for a in reg.accounts.values() if a.unit_id == unit_id]
    return bool(accs) and all(registered(a) for a in accs)


def build(reg: Registry, findings: list[Finding], today: date, period: Period,
          lang: Lang = "zh") -> dict[str, Any]:
    """Everything the report says, as plain data (also the JSON format)."""
    errors = sum(f.severity == "error" for f in findings)
    return {
        "jurisdiction": reg.governance.model.jurisdiction.name if reg.governance else None,
        "period": {"text": period.text, "label": period.label(lang), "start": period.start.isoformat(),
                   "end": period.end.isoformat()},
        "today": today.isoformat(),
        "accounts": _accounts(reg),
        "activity": _activity(reg, period),
        "pending_requests": _pending(reg, today),
        "agreements_expiring": _agreements(reg, today),
        "agreement_warning_days": reg.governance.model.agreement_warning_days if reg.governance else 30,
        "announcements_ending": _announcements(reg, period),
        "to_complete": _to_complete(reg),
        "findings": {
            "errors": errors,
            "warnings": len(findings) - errors,
            "by_code": dict(sorted(Counter(f.code for f in findings).items())),
            "items": [f.as_dict(lang) for f in findings],
        },
    }


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> str:
    """A Markdown table cell: one line, pipes and HTML-special characters escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for special in "\\|*_`[]":
        text = text.replace(special, "\\" + special)
    return text


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


_T = {
    "title": ("{j}政务新媒体监管报告（{p}）", "Government new media supervision report: {j}, {p}"),
    "intro": ("统计日：{t}。依据细则第十五条（六）、第十八条、第十九条：每月检查、每季度通报、年度考核。",
              "As of {t}. Monthly inspection, quarterly circular and annual assessment (Art. 15(6), 18, 19)"
              "."),
    "s1": ("一、账号概况", "1. Accounts"),
    "total": ("名录共登记账号 {n} 个。", "{n} accounts are registered."),
    "status": ("状态", "status"), "count": ("数量", "count"), "platform": ("平台", "platform"),
    "unit": ("主办单位", "host unit"), "sum": ("合计", "total"),
    "activity": ("本期新提交申请 {s} 件，作出批准决定 {a} 个、驳回决定 {r} 个。",
                 "This period: {s} requests submitted, {a} approvals and {r} rejections recorded."),
    "s2": ("二、待审批的申请", "2. Pending requests"),
    "none": ("无。", "None."),
    "pending_head": (["账号", "名称", "事项", "提交日期", "待审环节", "在该环节等待（天）", "累计等待（天）",
                      "申请目录"],
                     ["account", "name", "action", "submitted", "waiting at", "days at stage",
                      "days in total", "folder"]),
    "s3": ("三、{d} 天内到期或已到期的委托协议", "3. Agreements expiring within {d} days or expired"),
    "agreement_head": (["账号", "名称", "承办单位", "到期日", "剩余天数"],
                       ["account", "name", "undertaking unit", "expires on", "days left"]),
    "s4": ("四、本期结束展示的公告", "4. Announcements whose display ends in the period"),
    "ann_head": (["公告", "类别", "发布日期", "展示至", "文件"],
                 ["title", "kind", "published", "displayed until", "file"]),
    "s5": ("五、检查发现的问题", "5. Current findings"),
    "findings": ("当前共有错误 {e} 个、警告 {w} 个。", "{e} errors and {w} warnings."),
    "finding_head": (["文件", "行", "规则", "级别", "说明"], ["file", "line", "rule", "severity", "message"]),
    "s6": ("六、存量账号待补全的档案（按单位，GM108）", "6. Existing accounts' dossiers to complete, per unit (GM108)"),
    "complete_head": (["主办单位", "账号", "名称", "待补全"], ["host unit", "account", "name", "to complete"]),
    "unit_itself": ("（单位本身）", "(the unit itself)"),
}
_KIND = {"opening": ("开通", "opening"), "change": ("变更", "change"), "exit": ("退出监管", "exit"),
         "close": ("注销关停", "closure")}
_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning")}


def _t(key: str, lang: Lang) -> Any:
    zh, en = _T[key]
    return zh if lang == "zh" else en


def markdown(data: dict[str, Any], lang: Lang = "zh") -> str:
    i = 0 if lang == "zh" else 1
    lines = [f"# {_t('title', lang).format(j=data['jurisdiction'] or '', p=data['period']['label'])}", "",
             _t("intro", lang).format(t=data["today"]), ""]
    acc = data["accounts"]
    lines += [f"## {_t('s1', lang)}", "", _t("total", lang).format(n=acc["total"]), ""]
    lines += _table([_t("status", lang), _t("count", lang)],
                    [[STATUS_LABELS[s][i], n] for s, n in acc["by_status"].items()])
    statuses = list(acc["by_status"])
    status_heads = [STATUS_LABELS[s][i] for s in statuses]
    lines += _table([_t("platform", lang), *status_heads, _t("sum", lang)],
                    [[p["label"], *[p["by_status"].get(s, 0) for s in statuses], p["total"]]
                     for p in acc["by_platform"]])
    lines += _table([_t("unit", lang), *status_heads, _t("sum", lang)],
                    [[u["name"], *[u["by_status"].get(s, 0) for s in statuses], u["total"]]
                     for u in acc["by_unit"]])
    act = data["activity"]
    lines += [_t("activity", lang).format(s=act["requests_submitted"], a=act["decisions_approved"],
                                          r=act["decisions_rejected"]), ""]
    lines += [f"## {_t('s2', lang)}", ""]
    if data["pending_requests"]:
        lines += _table(_t("pending_head", lang), [
            [r["account"], r["name"] or "", ACTION_LABELS[r["action"]][i], r["submitted_on"],
             r["waiting_at_title"] if lang == "zh" else r["waiting_at"], r["days_at_stage"], r["days_total"],
             r["folder"]] for r in data["pending_requests"]])
    else:
        lines += [_t("none", lang), ""]
    lines += [f"## {_t('s3', lang).format(d=data['agreement_warning_days'])}", ""]
    if data["agreements_expiring"]:
        lines += _table(_t("agreement_head", lang), [
            [r["account"], r["name"], r["undertaking"], r["expires_on"], r["days_left"]]
            for r in data["agreements_expiring"]])
    else:
        lines += [_t("none", lang), ""]
    lines += [f"## {_t('s4', lang)}", ""]
    if data["announcements_ending"]:
        lines += _table(_t("ann_head", lang), [
            [r["title"], _KIND[r["kind"]][i], r["published_on"], r["display_until"], r["path"]]
            for r in data["announcements_ending"]])
    else:
        lines += [_t("none", lang), ""]
    f = data["findings"]
    lines += [f"## {_t('s5', lang)}", "", _t("findings", lang).format(e=f["errors"], w=f["warnings"]), ""]
    if f["items"]:
        lines += _table(_t("finding_head", lang), [
            [x["path"], x["line"], x["code"], _SEVERITY[x["severity"]][i], x["message"]] for x in f["items"]])
    lines += _complete_section(data["to_complete"], lang)
    return "\n".join(lines).rstrip("\n") + "\n"


def _complete_section(units: list[dict[str, Any]], lang: Lang) -> list[str]:
    i = 0 if lang == "zh" else 1
    lines = [f"## {_t('s6', lang)}", ""]
    if not units:
        return [*lines, _t("none", lang), ""]
    sep = "、" if lang == "zh" else ", "
    rows: list[list[object]] = []
    for u in units:
        if u["unit_missing"]:
            rows.append([u["unit"], u["unit_id"], _t("unit_itself", lang),
                         sep.join(UNIT_FIELDS[f][i] for f in u["unit_missing"])])
        rows += [[u["unit"], a["account"], a["name"], sep.join(ACCOUNT_FIELDS[f][i] for f in a["missing"])]
                 for a in u["accounts"]]
    return [*lines, *_table(_t("complete_head", lang), rows)]

