"""The words of real ledgers, read from governance.yaml: which header means which column, which name
means which platform, which columns are read past on purpose.

A district whose ledger says 「县区/单位」 or 「抖音短视频」 adds the word to ``ledger.headers`` or to a
platform's ``ledger_names`` in policies/governance.yaml; no code knows these words (docs/ledger.md).
The headers that ``govmedia export`` writes are always known, so an export imports again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govmedia.schemas.governance import Governance
from govmedia.staff.ledger_cells import norm_header

# A platform written after the name: 徐圩警方(新浪微博), 武定文旅（抖音）, 王益发布【微信公众号】.
_SUFFIX = re.compile(r"^(?P<name>.+?)\s*[(（\[【〔](?P<platform>[^()（）\[\]【】〔〕]{1,20})[)）\]】〕]\s*$")


@dataclass
class Vocabulary:
    headers: dict[str, str] = field(default_factory=dict)  # normalised header -> column key
    ignored: set[str] = field(default_factory=set)  # normalised headers read past on purpose
    platforms: dict[str, str] = field(default_factory=dict)  # normalised name -> platform id
    labels: dict[str, str] = field(default_factory=dict)  # platform id -> label

    def column(self, header: str) -> str | None:
        return self.headers.get(norm_header(header))

    def is_ignored(self, header: str) -> bool:
        return norm_header(header) in self.ignored

    def platform(self, text: str) -> str | None:
        """The platform id of a name such as 微信订阅号, 新浪微博 or weibo (None if unknown)."""
        return self.platforms.get(norm_header(text))

    def split_suffix(self, name: str) -> tuple[str, str | None]:
        """(name, platform id) of 「徐圩警方(新浪微博)」; (name, None) when no known platform is appended."""
        m = _SUFFIX.match(name.strip())
        platform = self.platform(m["platform"]) if m else None
        if m is None or platform is None:
            return name, None
        return m["name"].strip(), platform


def vocabulary(gov: Governance, headers: dict[str, str], ignored: tuple[str, ...]) -> Vocabulary:
    """The vocabulary of ``gov``: ``headers`` (column key -> the header govmedia export writes) and
    ``ignored`` are the built-in minimum; governance.yaml's ``ledger`` section and each platform's
    ``ledger_names`` add to them."""
    voc = Vocabulary()
    for key, header in headers.items():
        voc.headers[norm_header(header)] = key
        voc.headers.setdefault(norm_header(key), key)
    for key, names in gov.ledger.headers.items():
        if key in headers:  # an unknown key is reported by unknown_header_keys
            for name in names:
                voc.headers.setdefault(norm_header(name), key)
    voc.ignored = {norm_header(h) for h in (*ignored, *gov.ledger.ignored)} - set(voc.headers)
    for pid, p in gov.platforms.items():
        voc.labels[pid] = p.label
        for name in (pid, p.label, *p.ledger_names):
            voc.platforms.setdefault(norm_header(name), pid)
    return voc


def unknown_header_keys(gov: Governance, headers: dict[str, str]) -> list[str]:
    """Keys of governance.yaml ``ledger.headers`` that name no column (a typo there)."""
    return sorted(k for k in gov.ledger.headers if k not in headers)
