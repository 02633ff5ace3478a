"""Who an account is (第九条, 第七条（一）): unique handles, one account per unit per platform, one name
per unit, the verified subject, no look-alike of another unit's name, handles that fit the platform,
and a platform that exists.

Every rule here groups accounts in dictionaries: linear in the size of the register.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

import ahocorasick

from govmedia.dialect.identifiers import host_in
from govmedia.dialect.textfold import fold, skeleton
from govmedia.dialect.urls import url_host
from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.lifecycle import registered
from govmedia.register.registry import AccountRec, Record, Registry
from govmedia.rules import Links
from govmedia.rules.lib.common import finding
from govmedia.schemas import Account
from govmedia.schemas.account import LIVE_STATUSES, PUBLISHED_STATUSES
from govmedia.schemas.governance import id_regex

# Statuses in which an account holds its handle: every one but a refused application.
HOLDING_STATUSES = frozenset(LIVE_STATUSES | {"closed", "exited"})
# GM105: a name that contains another unit's name counts only when both skeletons are this long,
# so that 王益 inside 王益教育 and 王益文旅 (legitimately distinct) never collide.
MIN_CONTAINED = 4
_SKEL = "skel\0"  # the tag of a name-skeleton link key


def _label(acc: AccountRec) -> str:
    rec = acc.record
    return f"{acc.ref}「{rec.model.name}」" if rec else acc.ref


def _url_key(url: str) -> str:
    """A url for comparison: scheme and host lowercased, no fragment, no trailing slash."""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    path = path.split("#", 1)[0].rstrip("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}".rstrip("/")


# Names repeat across a unit's platforms, and link_keys needs the skeletons GM105 computes: fold each once.
name_skeleton = lru_cache(maxsize=1 << 16)(skeleton)


def link_keys(model: Account) -> list[str]:
    """What can tie an account to another unit's account in GM101 (platform and id or url of a holding
    account) and GM105 (the skeleton of a live account's name). Two units whose keys are equal, or whose
    skeletons contain one another, must be checked together (``LINKS``, read by govmedia/run/links.py)."""
    keys = []
    if model.status in HOLDING_STATUSES:
        keys += [key for key, *_ in _handles(model)]
    if model.status in LIVE_STATUSES:
        skel = name_skeleton(model.name)
        if skel:
            keys.append(f"{_SKEL}{skel}")
    return keys


def _handles(model: Account) -> Iterator[tuple[str, tuple[str | int, ...], str, str]]:
    """Every handle that identifies ``model`` to a citizen: (group key, field path, value, what) — the
    platform id, the url, each alias (one namespace with the platform ids of the same platform: a 抖音号
    is typed where a Douyin id is) and the WeChat ``__biz`` (one namespace for the whole register)."""
    if model.platform_id is not None:  # an existing account may be recorded without either (GM108)
        yield f"id\0{model.platform}\0{model.platform_id}", ("platform_id",), model.platform_id, "账号 ID"
    if model.url is not None:
        yield f"url\0{model.platform}\0{_url_key(model.url)}", ("url",), model.url, "网址"
    for i, alias in enumerate(model.aliases):
        if alias != model.platform_id and alias not in model.aliases[:i]:
            yield f"id\0{model.platform}\0{alias}", ("aliases", i), alias, "别名（其他账号标识）"
    if model.wechat_biz is not None:
        yield f"biz\0{model.wechat_biz}", ("wechat_biz",), model.wechat_biz, "__biz"


def gm101_duplicate_handle(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM101: a platform_id, url or alias registered twice on a platform, or a WeChat __biz registered
    twice (every holding account): each identifies exactly one account."""
    groups: dict[str, list[tuple[AccountRec, tuple[str | int, ...], str, str]]] = defaultdict(list)
    for acc, rec in reg.valid_accounts():
        if rec.model.status in HOLDING_STATUSES:
            for key, path, value, what in _handles(rec.model):
                groups[key].append((acc, path, value, what))
    flagged: set[str] = set()  # one finding per account: its first duplicated handle
    for entries in groups.values():
        if len({acc.ref for acc, *_ in entries}) < 2:
            continue
        for acc, path, value, what in entries:
            if acc.ref in flagged or acc.record is None:
                continue
            flagged.add(acc.ref)
            others = [o for o, *_ in entries if o.ref != acc.ref]
            platform = acc.record.model.platform
            yield finding(
                "GM101", acc.record, path,
                f"账号 {_label(acc)} 在平台 {platform} 上的{what} “{value}” 与 {'、'.join(_label(o) for o in others)} "
                "重复登记：同一账号只能登记一次，"
                "请核实哪一条是真实的主办单位账号，删除或更正另一条。",
                f"account {acc.ref}: {'.'.join(map(str, path))} '{value}' on {platform} is also registered as "
                f"{', '.join(o.ref for o in others)}: "
                "one account is registered once; find the real host unit and remove or correct the othe"
                "r.")


def gm102_one_per_platform(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM102: a unit has two live accounts on one platform (第七条（一）)."""
    groups: dict[tuple[str, str], list[AccountRec]] = defaultdict(list)
    for acc, rec in reg.valid_accounts():
        if rec.model.status in LIVE_STATUSES:
            groups[(acc.unit_id, rec.model.platform)].append(acc)
    for (unit_id, platform), accs in groups.items():
        if len(accs) < 2:
            continue
        # Accounts that all predate the register (存量登记) exist: a warning asks to merge them; a new one
        # opened beside another is an error.
        existing = all(registered(a) for a in accs)
        for acc in accs:
            assert acc.record is not None
            others = "、".join(_label(o) for o in accs if o is not acc)
            yield finding(
                "GM102", acc.record, ("platform",),
                f"单位 {unit_id} 在平台 {platform} 上有多个在用账号（{_label(acc)}、{others}）：原则上一个"
                "单位在同一平台"
                "只开设一个账号，请整合账号，并对多余的账号提出注销关停申请（requests/<日期>-close/）。"
                + ("（均为存量登记的账号：请逐步整合。）" if existing else ""),
                f"unit {unit_id} has several live accounts on {platform} ({acc.ref}, "
                f"{', '.join(o.ref for o in accs if o is not acc)}): one account per unit per platform; "
                "merge them and file a close request for the others."
                + (" (All were opened before the register: merge them in time.)" if existing else ""),
                severity="warning" if existing else None)


def gm103_same_name(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM103 (warning): one unit's live accounts carry different names on different platforms (第九条)."""
    by_unit: dict[str, list[tuple[AccountRec, Record[Account], str]]] = defaultdict(list)
    folded: dict[str, str] = {}  # names repeat: fold each once
    for acc, rec in reg.valid_accounts():
        if rec.model.status in LIVE_STATUSES:
            name = rec.model.name
            if name not in folded:
                folded[name] = fold(name)
            by_unit[acc.unit_id].append((acc, rec, folded[name]))
    for items in by_unit.values():
        counts = Counter(f for _, _, f in items)
        if len(counts) < 2:
            continue
        # The unit's name is the most used one; ties go to the name of the oldest account folder.
        first_seen: dict[str, str] = {}
        for acc, _, f in sorted(items, key=lambda t: t[0].ref):
            first_seen.setdefault(f, acc.ref)
        main = max(counts, key=lambda f: (counts[f], [-ord(c) for c in first_seen[f]]))
        main_name = next(r.model.name for _, r, f in items if f == main)
        for acc, rec, f in items:
            if f == main:
                continue
            name = rec.model.name
            yield finding(
                "GM103", rec, ("name",),
                f"账号 {acc.ref} 的名称「{name}」与本单位其他平台账号的名称「{main_name}」不一致：同一主办"
                "单位在各平台的"
                "账号应使用统一的名称，请通过变更申请统一名称；如确需不同名称，请在功能定位中说明。",
                f"account {acc.ref} is named '{name}' while the unit's other accounts are named "
                f"'{main_name}': "
                "one host unit uses one name on every platform; unify the name through a change request.")


def disguise(name: str) -> int:
    """How much a name hides behind look-alikes: characters that folding changes (full-width letters,
    traditional characters, spaces) plus letters of other scripts (Cyrillic і in ``і王益``)."""
    plain = unicodedata.normalize("NFC", name).casefold()
    folded = fold(name)
    changed = sum(1 for a, b in zip(plain, folded, strict=False) if a != b) + abs(len(plain) - len(folded))
    foreign = sum(1 for c in folded if not c.isascii() and unicodedata.category(c).startswith("L")
                  and not unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")))
    return changed + foreign


def _incumbency(accs: list[AccountRec]) -> tuple[int, int, str, str]:
    """Sort key of a unit's claim to a name: plain names before disguised ones, open accounts first,
    then the oldest opening."""
    names = [a.record.model.name for a in accs if a.record]
    opened = [a.record.model.opened_on for a in accs if a.record and a.record.model.opened_on]
    return (min(disguise(n) for n in names) if names else 0, 0 if opened else 1,
            min(opened).isoformat() if opened else "", accs[0].unit_id)


def contained(skeletons: Iterable[str]) -> dict[str, list[str]]:
    """For each skeleton, the other skeletons inside it, as GM105 links names: the inner one at least
    MIN_CONTAINED long, the outer one longer. An Aho-Corasick automaton of all skeletons finds every
    contained one in a single pass per name, so this stays linear in the total length of the names.
    The run links units with this too (:func:`related_keys`, ``LINKS``), so both always agree."""
    skeletons = list(skeletons)
    automaton = ahocorasick.Automaton()
    for skel in skeletons:
        if len(skel) >= MIN_CONTAINED:
            automaton.add_word(skel, skel)
    if not len(automaton):
        return {}
    automaton.make_automaton()
    out: dict[str, list[str]] = {}
    for skel in skeletons:
        if len(skel) > MIN_CONTAINED:
            inner = list(dict.fromkeys(sub for _, sub in automaton.iter(skel) if sub != skel))
            if inner:
                out[skel] = inner
    return out


def gm105_impersonation(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM105: a live account whose name folds to (or contains) another unit's live account name.

    Names are compared by their confusable skeleton (NFKC, casefold, traditional -> simplified,
    spaces and punctuation removed, look-alike letters merged). For equal skeletons the plain name
    (not disguised by look-alikes) that was opened first keeps it and the other units' accounts are
    reported; when one name contains another, the longer name is reported. Both accounts are named.
    """
    by_skel: dict[str, dict[str, list[AccountRec]]] = defaultdict(lambda: defaultdict(list))
    for acc, rec in reg.valid_accounts():
        if rec.model.status in LIVE_STATUSES:
            skel = name_skeleton(rec.model.name)
            if skel:
                by_skel[skel][acc.unit_id].append(acc)
    inside = contained(by_skel)
    reported: set[tuple[str, str]] = set()
    for skel, units in by_skel.items():
        matches = [(skel, units), *((sub, by_skel[sub]) for sub in inside.get(skel, ()))]
        for index, (_, inner_units) in enumerate(matches):
            if index == 0:  # the same skeleton: every unit but the first comer is reported
                if len(units) < 2:
                    continue
                ranked = sorted(units.items(), key=lambda kv: _incumbency(kv[1]))
                owner_accs = ranked[0][1]
                suspects = [acc for _, accs in ranked[1:] for acc in accs]
            else:  # one name inside the other: the longer name (which adds words to it) is reported
                outer = [acc for u, accs in units.items() if u not in inner_units for acc in accs]
                if not outer:
                    continue
                owner_accs = min(inner_units.values(), key=_incumbency)
                suspects = outer
            owner = owner_accs[0]
            for acc in suspects:
                key = (acc.ref, owner.ref)
                if key in reported or acc.record is None or owner.record is None:
                    continue
                reported.add(key)
                yield finding(
                    "GM105", acc.record, ("name",),
                    f"账号 {_label(acc)}的名称与单位 {owner.unit_id} 的账号 {_label(owner)} 易混淆（去除空"
                    "格、标点、"
                    "全角半角、繁简和形近字差异后相同或包含）：疑似仿冒。请核实申请单位，改用能体现本单位名"
                    "称的账号名称，"
                    "或撤回该账号。",
                    f"account {acc.ref} '{acc.record.model.name}' is confusable with account {owner.ref} "
                    f"'{owner.record.model.name}' of unit {owner.unit_id} (same after removing spaces, "
                    "punctuation, width, traditional/simplified and look-alike differences, or containing i"
                    "t): "
                    "possible impersonation. Verify the applicant and use a name tied to the own unit.")


def gm104_verification_subject(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM104: the platform's verified subject (认证主体) must be the host unit's full name (第九条)."""
    for acc, rec in reg.valid_accounts():
        m = rec.model
        if m.status not in PUBLISHED_STATUSES or m.verification is None:
            continue  # applying or rejected: not verified yet; no verification block: GM108/GM109
        unit_name = reg.unit_name(acc.unit_id)
        subject = m.verification.subject
        if unit_name is None or subject == unit_name or fold(subject) == fold(unit_name):
            continue
        yield finding(
            "GM104", rec, ("verification", "subject"),
            f"账号 {_label(acc)} 的认证主体「{m.verification.subject}」与主办单位全称「{unit_name}」不一致"
            "：账号应以主办单位"
            "名义实名认证，请在平台上更正认证主体，并把 verification.subject 改为主办单位全称。",
            f"account {acc.ref}: verified subject '{m.verification.subject}' differs from the host unit's n"
            "ame "
            f"'{unit_name}': verify the account in the host unit's name and record that name.")


host_fits = host_in  # GM107's name for the shared rule in govmedia/dialect/identifiers.py


def gm107_platform_format(reg: Registry, ctx: Context) -> Iterator[Finding]:
    """GM107: unknown platform, platform_id not matching id_pattern, url host not in url_hosts."""
    if reg.governance is None:
        return
    platforms = reg.governance.model.platforms
    known = "、".join(platforms)
    for acc, rec in reg.valid_accounts():
        m = rec.model
        spec = platforms.get(m.platform)
        if spec is None:
            yield finding(
                "GM107", rec, ("platform",),
                f"账号 {_label(acc)} 的平台 “{m.platform}” 不在 policies/governance.yaml 的平台列表中：请改"
                "用已登记的平台"
                f"（{known}），或由区政府办公室先在 governance.yaml 中增加该平台。",
                f"account {acc.ref}: platform '{m.platform}' is not in policies/governance.yaml: use one of "
                f"{', '.join(platforms)}, or add the platform to governance.yaml first.")
            continue
        if m.platform_id is not None and not id_regex(spec.id_pattern).fullmatch(m.platform_id):
            yield finding(
                "GM107", rec, ("platform_id",),
                f"账号 {_label(acc)} 的账号 ID “{m.platform_id}” 不符合{spec.label}的格式 {spec.id_pattern}"
                "：请从平台的"
                "账号主页复制正确的账号 ID。",
                f"account {acc.ref}: platform_id '{m.platform_id}' does not fit {m.platform} "
                f"({spec.id_pattern}): copy the id from the account's profile page.")
        if m.url is None:
            continue  # GM108/GM109 say whether it is needed
        host = url_host(m.url)
        if not host_fits(host, spec.url_hosts):
            hosts = "、".join(spec.url_hosts)
            yield finding(
                "GM107", rec, ("url",),
                f"账号 {_label(acc)} 的网址域名 “{host or m.url}” 不属于{spec.label}（应为 {hosts} 或其子域"
                "名）：请填写该"
                "账号在平台上的主页网址。",
                f"account {acc.ref}: url host '{host or m.url}' does not belong to {m.platform} (expected "
                f"{', '.join(spec.url_hosts)} or a subdomain): give the account's profile url on the platfo"
                "rm.")


def related_keys(keys: Iterable[str]) -> dict[str, list[str]]:
    """Of the link keys (:func:`link_keys`), the name-skeleton keys that link because one skeleton
    contains the other (as GM105 compares them: :func:`contained`), outer -> inner."""
    inside = contained(k[len(_SKEL):] for k in keys if k.startswith(_SKEL))
    return {_SKEL + outer: [_SKEL + sub for sub in inner] for outer, inner in inside.items()}


# GM101 and GM105 compare accounts of different units: only through these keys (docs/architecture.md)
LINKS = Links(link_keys, related_keys)

RULES = [gm101_duplicate_handle, gm102_one_per_platform, gm103_same_name, gm104_verification_subject,
         gm105_impersonation, gm107_platform_format]
