"""``/data/verify.json``: everything the verify page needs, worked out at build time.

The page compares what a citizen pastes with the register. Names are compared as GM105 compares them
(``govmedia.dialect.textfold.skeleton``: NFKC, case, traditional -> simplified through OpenCC, look-alike
characters): the skeletons of the published names are computed here, once, and so is the small table the
page needs to fold the citizen's input the same way — only the characters that fold onto a character of
some published name. The page's script stays a few hundred lines and carries no dictionary of its own.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin

from govmedia.dialect.textfold import skeleton
from govmedia.site.identify import GENERIC_HOWTO, HOWTO, published_shapes
from govmedia.site.publish import Public

# Pairs of ASCII letters that the skeleton merges after folding character by character (textfold).
PAIRS = (("rn", "m"), ("vv", "w"))


@lru_cache(maxsize=1)
def _folding_chars() -> dict[str, str]:
    """Every character of the Basic Multilingual Plane whose skeleton is another, non-empty text."""
    out: dict[str, str] = {}
    for code in range(0x21, 0x10000):
        if 0xD800 <= code < 0xE000 or unicodedata.category(chr(code)) in ("Cn", "Co"):
            continue
        ch = chr(code)
        skel = skeleton(ch)
        if skel and skel != ch:
            out[ch] = skel
    return out


def char_table(names: list[str]) -> dict[str, str]:
    """The folding of the characters that fold onto characters of ``names``' skeletons (all the page needs:
    a character that folds onto nothing in the register can never make an input match a name)."""
    targets = {c for name in names for c in skeleton(name)}
    return {ch: s for ch, s in _folding_chars().items() if set(s) <= targets}


def pinyin_key(name: str) -> str:
    """The toneless pinyin of a name, letters only: 王益发布 -> wangyifabu."""
    return "".join(p for p in lazy_pinyin(name) if p.isascii() and p.isalnum()).lower()


def left_on(pub: Public) -> dict[str, str]:
    """Account ref -> the date of the announcement of its closing or exit (the newest one)."""
    out: dict[str, str] = {}
    for a in pub.announcements:
        if a["kind"] in ("close", "exit"):
            for ref in a["accounts"]:
                out[ref] = max(out.get(ref, ""), str(a["published_on"]))
    return out


def verify_index(pub: Public) -> dict[str, Any]:
    gone = left_on(pub)
    accounts = []
    for a in pub.accounts:
        accounts.append({
            "unit_id": a.unit_id, "account_id": a.account_id, "name": a["name"], "platform": a["platform"],
            "platform_id": a["platform_id"], "aliases": a.values.get("aliases") or [],
            "wechat_biz": a.values.get("wechat_biz"), "url": a.values.get("url"),
            "status_label": a.status_label, "official": a.official, "left_on": gone.get(a.ref),
            "unit_name": a.unit_name, "skel": skeleton(a["name"]), "py": pinyin_key(a["name"]),
        })
    units = [{"unit_id": u.unit_id, "name": u.name, "short_name": u.short_name,
              "skel": [skeleton(u.name), skeleton(u.short_name)]} for u in pub.units.values()]
    names = [a["name"] for a in accounts] + [n for u in units for n in (u["name"], u["short_name"])]
    return {
        "jurisdiction": pub.jurisdiction,
        "demo": pub.demo,
        "platforms": {pid: {"label": p.label, "hosts": list(p.hosts), "case_insensitive": p.case_insensitive,
                            "howto": HOWTO.get(pid, GENERIC_HOWTO)}
                      for pid, p in pub.platforms.items()},
        "generic_howto": GENERIC_HOWTO,
        "shapes": published_shapes(),
        "chars": char_table(names),
        "pairs": [list(p) for p in PAIRS],
        "accounts": accounts,
        "units": units,
    }
