"""A complete, valid synthetic register of any size (``govmedia demo``), deterministic for (N, today).

The first units are the shipped Wangyi demo (区政府办公室 with 「王益发布」 on four platforms, a few
departments, one app); larger registers add numbered synthetic units. Accounts cover every platform and
every status, with the request folders and announcements that support them. Handles are fictitious.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from govmedia.dialect.identifiers import uscc_check_char
from govmedia.register.digest import request_digest
from govmedia.schemas import MODELS
from govmedia.schemas.json_schema import render

try:
    from yaml import CSafeDumper as _Base
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Base  # type: ignore[assignment]

# What a YAML 1.2 reader (editors' yaml-language-server, check-jsonschema, JavaScript) takes for a number, a
# boolean or null although PyYAML's YAML 1.1 rules do not: 081876465362770951766097, 1e5, 0o17. Written
# quoted, a string stays a string in every reader.
_NOT_A_STRING_IN_1_2 = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~")


class _Dumper(_Base):
    """The register's writer: block YAML that every reader, YAML 1.1 or 1.2, reads back as written."""


def _str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    if _NOT_A_STRING_IN_1_2.fullmatch(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _str)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PLATFORMS = ("wechat_official", "weibo", "douyin", "toutiao", "wechat_channels", "kuaishou", "bilibili",
             "xiaohongshu", "app", "mini_program")
OPEN_CHAIN = ("unit_head", "district_office", "city_office", "province_office")
CHAINS = {
    "open": OPEN_CHAIN,
    "change": ("district_office", "city_office"),
    "exit": ("district_office", "city_office", "province_office", "state_council_office"),
    "close": ("district_office", "city_office", "province_office"),
}
APPROVERS = {
    "unit_head": None,  # the unit's own leader
    "district_office": ("刘晓明", "区政府办公室主任"),
    "city_office": ("陈建国", "市政府办公室副主任"),
    "province_office": ("赵文华", "省政府办公厅政务公开办主任"),
    "state_council_office": ("国务院办公厅", "政府信息与政务公开办公室"),
}
DOCUMENT_PREFIX = {
    "city_office": "铜政办函",
    "province_office": "陕政办函",
    "state_council_office": "国办函",
}


@dataclass
class UnitSpec:
    unit_id: str
    name: str
    short_name: str
    kind: str
    account_name: str
    platforms: tuple[str, ...]
    leader: tuple[str, str]
    parent: str | None = "wangyi-gov-office"
    statuses: dict[str, str] = field(default_factory=dict)  # platform -> status (default active)
    entrusted: bool = False


WANGYI_UNITS = [
    UnitSpec("wangyi-gov-office", "铜川市王益区人民政府办公室", "区政府办", "administrative_organ", "王益发布",
             ("wechat_official", "weibo", "douyin", "toutiao"), ("王建平", "区政府办公室主任"), parent=None,
             entrusted=True),
    UnitSpec("wangyi-education", "铜川市王益区教育局", "区教育局", "administrative_organ", "王益教育",
             ("wechat_official", "weibo", "kuaishou"), ("李红梅", "局长"),
             statuses={"kuaishou": "applying"}),
    UnitSpec("wangyi-culture-tourism", "铜川市王益区文化和旅游局", "区文旅局", "administrative_organ", "王益文旅",
             ("douyin", "xiaohongshu", "bilibili", "wechat_channels"), ("张伟", "局长"),
             statuses={"bilibili": "changing", "wechat_channels": "rejected"}),
    UnitSpec("wangyi-market-regulation", "铜川市王益区市场监督管理局", "区市场监管局", "administrative_organ",
             "王益市场监管", ("wechat_official", "toutiao"), ("孙志强", "局长"),
             statuses={"toutiao": "closing"}),
    UnitSpec("wangyi-health", "铜川市王益区卫生健康局", "区卫健局", "administrative_organ", "健康王益",
             ("wechat_official", "mini_program", "weibo"), ("周丽", "局长"),
             statuses={"weibo": "closed"}),
    UnitSpec("wangyi-data-center", "铜川市王益区政务信息化服务中心", "区信息化中心", "public_institution", "i王益",
             ("app", "wechat_official"), ("吴刚", "主任"), statuses={"wechat_official": "exiting"}),
    UnitSpec("wangyi-investment-center", "铜川市王益区投资促进服务中心", "区投促中心", "public_institution",
             "王益投促", ("wechat_official",), ("郑涛", "主任"), statuses={"wechat_official": "exited"}),
    UnitSpec("huangbao-town", "铜川市王益区黄堡镇人民政府", "黄堡镇", "administrative_organ", "黄堡镇发布",
             ("wechat_official", "douyin"), ("何军", "镇长")),
]
ALL_STATUSES = ("applying", "rejected", "active", "changing", "exiting", "closing", "closed", "exited")
_DIGITS = "〇一二三四五六七八九"


def _h(*parts: str) -> bytes:
    return hashlib.sha256("/".join(parts).encode()).digest()


def _synthetic_unit(i: int) -> UnitSpec:
    name_no = "".join(_DIGITS[int(d)] for d in str(i))
    platforms = tuple(PLATFORMS[(i + k) % 8] for k in range(4))  # 8 social platforms, 4 per unit
    status_cycle = ALL_STATUSES
    statuses = {platforms[3]: status_cycle[i % len(status_cycle)]}
    return UnitSpec(
        f"demo-unit-{i:05d}", f"铜川市王益区示例单位{name_no}号", f"示例单位{name_no}号", "public_institution",
        f"示例{name_no}号发布", platforms, ("示例负责人", "主任"), statuses=statuses, entrusted=i % 3 == 0,
    )


def units_for(n_accounts: int) -> list[UnitSpec]:
    units: list[UnitSpec] = []
    total = 0
    for spec in WANGYI_UNITS:
        if total >= n_accounts:
            return units
        units.append(spec)
        total += len(spec.platforms)
    i = 1
    while total < n_accounts:
        spec = _synthetic_unit(i)
        units.append(spec)
        total += len(spec.platforms)
        i += 1
    return units


def _uscc(unit_id: str, kind: str) -> str:
    digits = str(int.from_bytes(_h("uscc", unit_id)[:8], "big")).zfill(9)[:9]
    first = ("11" if kind == "administrative_organ" else "12") + "610202" + digits
    return first + uscc_check_char(first)


def _company_uscc(seed: str) -> str:
    digits = str(int.from_bytes(_h("co", seed)[:8], "big")).zfill(9)[:9]
    first = "91610202" + digits
    return first + uscc_check_char(first)


# Demo apps and mini programs live on a reserved domain (RFC 2606), never on a real government one.
DEMO_HOST = "wangyi.example"


def handle(unit_id: str, platform: str) -> tuple[str, str]:
    """A fictitious (platform_id, url) that fits the platform's pattern and hosts."""
    h = _h("id", unit_id, platform)
    b64 = base64.urlsafe_b64encode(h).decode().rstrip("=")
    num = str(10**9 + int.from_bytes(h[:4], "big") % (9 * 10**9))
    slug = unit_id.replace("-", "")[:20]
    if platform == "wechat_official":
        pid = "gh_" + h.hex()[:12]
        return pid, f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={wechat_biz(unit_id)}"
    if platform == "wechat_channels":
        pid = "sph" + b64.replace("-", "a").replace("_", "b")[:12]
        return pid, f"https://channels.weixin.qq.com/profile/{pid}"
    if platform == "weibo":
        return num, f"https://weibo.com/u/{num}"
    if platform == "douyin":
        pid = "MS4wLjABAAAA" + b64[:40]
        return pid, f"https://www.douyin.com/user/{pid}"
    if platform == "toutiao":
        pid = "MS4wLjABAAAA" + b64[:40]
        return pid, f"https://www.toutiao.com/c/user/token/{pid}/"
    if platform == "kuaishou":
        pid = "demo_" + h.hex()[:10]
        return pid, f"https://www.kuaishou.com/profile/{pid}"
    if platform == "bilibili":
        return num, f"https://space.bilibili.com/{num}"
    if platform == "xiaohongshu":
        pid = h.hex()[:24]
        return pid, f"https://www.xiaohongshu.com/user/profile/{pid}"
    if platform == "app":
        pid = f"cn.gov.wangyi.{slug}"
        return pid, f"https://{DEMO_HOST}/app/{unit_id}/"
    pid = "wx" + h.hex()[:16]
    return pid, f"https://{DEMO_HOST}/miniprogram/{unit_id}/"


def wechat_biz(unit_id: str) -> str:
    """A fictitious ``__biz``, shaped as WeChat's: base64 of the official account's ten-digit number."""
    number = 3000000000 + int.from_bytes(_h("biz", unit_id)[:4], "big") % 999999999
    return base64.b64encode(str(number).encode()).decode()


# Platforms whose demo accounts carry other public handles (微信号, 微博个性域名, 抖音号, 快手号).
ALIASED = ("wechat_official", "weibo", "douyin", "kuaishou")


def aliases(unit_id: str, platform: str) -> list[str]:
    """Fictitious public handles of an account: a letter-led slug of the unit (on some platforms only)."""
    if platform not in ALIASED:
        return []
    return ["wy" + unit_id.replace("-", "")[:10] + _h("alias", unit_id).hex()[:6]]


def dump(data: dict[str, Any], schema: str, depth: int) -> str:
    """YAML text with the editor's schema line; ``depth`` = folders between the root and the file."""
    header = f"# yaml-language-server: $schema={'../' * depth}schemas/json/{schema}.schema.json\n"
    return header + yaml_text(data)


def yaml_text(data: Any) -> str:
    """Block-style YAML as the register writes it (key order kept, strings every reader reads as strings)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


class _Writer:
    def __init__(self, today: date) -> None:
        self.today = today
        self.files: dict[str, str] = {}
        self.seq = 0

    def add(self, rel: str, text: str) -> None:
        self.files[rel] = text

    def chain(self, base: str, action: str, start: date, stages: tuple[str, ...], unit: UnitSpec,
              extra: dict[str, Any], reject_at: str | None = None) -> date:
        """Write a request and its decisions at ``stages`` (a prefix of the chain); return the last date."""
        folder = f"{base}/requests/{start.isoformat()}-{action}"
        request: dict[str, Any] = {
            "action": action,
            "submitted_on": start.isoformat(),
            "applicant": {"name": unit.leader[0], "title": unit.leader[1]},
            **extra,
        }
        self.add(f"{folder}/request.yaml", dump(request, "request", 5))
        day = start
        for stage in stages:
            day = day + timedelta(days=3)
            who = APPROVERS[stage] or unit.leader
            self.seq += 1
            approval: dict[str, Any] = {
                "decision": "rejected" if stage == reject_at else "approved",
                "decided_on": day.isoformat(),
                "approver": {"name": who[0], "title": who[1]},
            }
            prefix = DOCUMENT_PREFIX.get(stage)
            if prefix:
                approval["document_no"] = f"{prefix}〔{day.year}〕{self.seq % 97 + 1}号"
            if stage == reject_at:
                approval["comment"] = "同一平台已有本单位账号，请整合后再申请（第七条（一））。"
            approval["request_digest"] = request_digest(request)
            self.add(f"{folder}/{stage}.yaml", dump(approval, "approval", 5))
        return day


def _account_doc(unit: UnitSpec, platform: str, status: str, opened: date | None, today: date,
                 name: str, labels: dict[str, str]) -> dict[str, Any]:
    pid, url = handle(unit.unit_id, platform)
    doc: dict[str, Any] = {
        "name": name,
        "platform": platform,
        "platform_id": pid,
        "url": url,
        "status": status,
    }
    if opened is not None:
        doc["opened_on"] = opened.isoformat()
    doc["positioning"] = (f"发布{unit.short_name}政务信息，解读相关政策，回应群众关切，"
                          f"提供{labels[platform]}上的便民服务。")
    doc["verification"] = {"verified": status != "applying" and status != "rejected", "subject": unit.name}
    if unit.entrusted:
        signed = today - timedelta(days=400)
        doc["undertaking"] = {
            "kind": "entrusted",
            "name": "铜川市王益区融媒体中心",
            "uscc": _company_uscc(unit.unit_id),
            "agreement": {
                "signed_on": signed.isoformat(),
                "expires_on": (today + timedelta(days=330)).isoformat(),
                "confidentiality": True,
                "qualification_reviewed": True,
            },
        }
    else:
        doc["undertaking"] = {"kind": "internal", "name": f"{unit.name}办公室"}
    doc["interaction"] = {"comments": True, "messages": True, "private_messages": True}
    doc["operations"] = {
        "update_cycle_days": 1 + len(name) % 7,
        "responsible": {"overall": f"{unit.short_name}办公室主任", "columns": ["政务信息栏目责任人", "便民服务栏目责任人"],
                        "backup": f"{unit.short_name}办公室副主任"},
        "review_before_publish": True,
    }
    if platform in ("app", "mini_program"):
        doc["app"] = {"icp_filing": "陕ICP备00000000号-1A", "mlps_level": 2}
    if aliases(unit.unit_id, platform):  # last, so that the lines above keep their numbers
        doc["aliases"] = aliases(unit.unit_id, platform)
    if platform == "wechat_official":
        doc["wechat_biz"] = wechat_biz(unit.unit_id)
    return doc


def generate(n_accounts: int, today: date) -> dict[str, str]:
    """Relative path -> file text of a register with ``n_accounts`` accounts that checks clean at ``today``."""
    gov = yaml.safe_load((TEMPLATES / "governance.yaml").read_text(encoding="utf-8"))
    labels = {k: v["label"] for k, v in gov["platforms"].items()}
    w = _Writer(today)
    openings: dict[date, list[tuple[UnitSpec, str]]] = {}
    closings: list[tuple[date, UnitSpec, str, str]] = []
    units = units_for(n_accounts)
    count = 0
    for ui, unit in enumerate(units):
        unit_doc = {
            "name": unit.name,
            "short_name": unit.short_name,
            "uscc": _uscc(unit.unit_id, unit.kind),
            "kind": unit.kind,
            "parent": unit.parent,
            "division_code": "610202",
            "leader_in_charge": {"name": unit.leader[0], "title": unit.leader[1]},
            "reviewers": [f"@wangyi-gov/{unit.unit_id}"],
        }
        w.add(f"accounts/{unit.unit_id}/unit.yaml", dump(unit_doc, "unit", 2))
        for pi, platform in enumerate(unit.platforms):
            if count >= n_accounts:
                break
            count += 1
            status = unit.statuses.get(platform, "active")
            account_id = platform.replace("_", "-")
            base = f"accounts/{unit.unit_id}/{account_id}"
            # Spread openings over the past ~3 years; the newest ones fall inside the display window.
            age = 20 + (ui * 37 + pi * 11) % 1000 if ui or pi else 25
            start = today - timedelta(days=age + 400)
            opened: date | None = None
            name = unit.account_name
            if status == "applying":
                start = today - timedelta(days=20)
                w.chain(base, "open", start, OPEN_CHAIN[:2], unit, {})
            elif status == "rejected":
                start = today - timedelta(days=60)
                w.chain(base, "open", start, OPEN_CHAIN[:2], unit, {}, reject_at="district_office")
            else:
                if status == "active" and (ui + pi) % 5 == 0:
                    start = today - timedelta(days=20 + (ui * 7 + pi) % 25)  # recent: still on the home page
                opened = w.chain(base, "open", start, OPEN_CHAIN, unit, {})
                openings.setdefault(opened, []).append((unit, account_id))
                later = opened + timedelta(days=30)
                if status == "changing":
                    w.chain(base, "change", max(later, today - timedelta(days=12)), CHAINS["change"][:1], unit,
                            {"reason": "账号名称统一为本单位简称，与其他平台保持一致（第九条）。",
                             "changes": {"positioning": f"发布{unit.short_name}文化旅游资讯与政策解读。"}})
                elif status == "exiting":
                    w.chain(base, "exit", today - timedelta(days=30), CHAINS["exit"][:2], unit, _exit_extra(today))
                elif status == "closing":
                    w.chain(base, "close", today - timedelta(days=5), (), unit,
                            {"reason": "本单位已整合至区政府办公室账号矩阵，无力继续维护（第八条（三））。"})
                elif status == "exited":
                    done = w.chain(base, "exit", later, CHAINS["exit"], unit, _exit_extra(later))
                    closings.append((done, unit, account_id, "exit"))
                elif status == "closed":
                    done = w.chain(base, "close", later, CHAINS["close"], unit,
                                   {"reason": "本单位账号整合，无力继续维护（第八条（三））。"})
                    closings.append((done, unit, account_id, "close"))
            doc = _account_doc(unit, platform, status, opened, today, name, labels)
            w.add(f"{base}/account.yaml", dump(doc, "account", 3))
    for day, accounts in sorted(openings.items()):
        _announce(w, day, accounts, "opening", labels)
    for day, unit, account_id, kind in closings:
        _announce(w, day, [(unit, account_id)], kind, labels)
    w.add("policies/governance.yaml", (TEMPLATES / "governance.yaml").read_text(encoding="utf-8"))
    return w.files


def _exit_extra(day: date) -> dict[str, Any]:
    return {
        "reason": "机构改革后本单位不再承担行政职能（第八条（二））。",
        "basis_document": {"title": "关于调整区投资促进服务中心机构职能的批复", "document_no": f"王编发〔{day.year}〕3号",
                           "issued_on": (day - timedelta(days=10)).isoformat()},
    }


_KIND_WORD = {"opening": "开通", "change": "变更", "exit": "退出监管", "close": "注销关停"}


def _announce(w: _Writer, day: date, accounts: list[tuple[UnitSpec, str]], kind: str,
              labels: dict[str, str]) -> None:
    unit = accounts[0][0]
    slug_src = "-".join(f"{u.unit_id}-{a}" for u, a in accounts)
    slug = f"{slug_src}-{kind}"
    if len(accounts) > 1 or len(slug) > 64:
        slug = f"{unit.unit_id[:40]}-{kind}-{hashlib.sha256(slug_src.encode()).hexdigest()[:8]}"
    all_names = sorted({u.account_name for u, _ in accounts})
    if len(all_names) > 3:
        title = f"关于「{'、'.join(all_names[:3])}」等 {len(all_names)} 个政务新媒体账号{_KIND_WORD[kind]}的公告"
    else:
        title = f"关于「{'、'.join(all_names)}」政务新媒体账号{_KIND_WORD[kind]}的公告"
    front = {
        "title": title,
        "kind": kind,
        "accounts": [f"{u.unit_id}/{a}" for u, a in accounts],
        "published_on": day.isoformat(),
        "display_until": (day + timedelta(days=44)).isoformat(),
    }
    owners = {u.unit_id for u, _ in accounts}
    who = f"{unit.name}的" if len(owners) == 1 else ""
    lines = [f"经审核批准，{who}以下政务新媒体账号{_KIND_WORD[kind]}，现予公告。", ""]
    for u, a in accounts:
        platform = a.replace("-", "_")
        _, url = handle(u.unit_id, platform)
        owner = "" if len(owners) == 1 else f"{u.name} "
        lines.append(f"- {owner}{labels[platform]}「{u.account_name}」：<{url}>")
    lines += ["", "欢迎广大群众关注。如发现冒用政务新媒体名义的账号，请向区政府办公室反映。", ""]
    body = "\n".join(lines)
    text = "---\n" + yaml_text(front) + "---\n\n" + body
    w.add(f"announcements/{day.isoformat()}-{slug}.md", text)


def write(files: dict[str, str], out: Path) -> None:
    for rel, text in sorted(files.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for src in sorted(TEMPLATES.rglob("*")):
        rel = src.relative_to(TEMPLATES).as_posix()
        if src.is_file() and rel != "governance.yaml":  # governance is in ``files``
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out / rel)
    (out / "schemas" / "json").mkdir(parents=True, exist_ok=True)
    for kind in MODELS:
        (out / "schemas" / "json" / f"{kind}.schema.json").write_text(render(kind), encoding="utf-8")


def iter_statuses(files: dict[str, str]) -> Iterator[str]:
    for rel, text in files.items():
        if rel.endswith("/account.yaml"):
            for line in text.splitlines():
                if line.startswith("status: "):
                    yield line.split(": ", 1)[1]
