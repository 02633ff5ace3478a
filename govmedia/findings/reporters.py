"""Output is separate from checking: one function per format, chosen by name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from govmedia.findings.finding import Finding, Lang, printable

# Every format prints Finding.as_dict: a path and a message on one line, printable (findings.printable), so
# that a hostile file name can neither forge a report line nor make the output fail to encode.


def text(findings: list[Finding], lang: Lang) -> str:
    out = []
    for f in findings:
        d = f.as_dict(lang)
        out.append(f"{d['path']}:{f.line}:{f.column}: {f.code} {d['message']}\n")
    return "".join(out)


def as_json(findings: list[Finding], lang: Lang) -> str:
    return json.dumps([f.as_dict(lang) for f in findings], ensure_ascii=False, indent=2) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(findings: list[Finding], lang: Lang) -> str:
    out = []
    for f in findings:
        d = f.as_dict(lang)
        level = "error" if f.severity == "error" else "warning"
        props = f"file={_gh_escape(str(d['path']), True)},line={f.line},col={f.column},title={f.code}"
        message = f"{f.code} {d['message']}"
        out.append(f"::{level} {props}::{_gh_escape(message)}\n")
    return "".join(out)


def gitlab(findings: list[Finding], lang: Lang) -> str:
    """GitLab Code Quality report (a JSON array of issues)."""
    issues = []
    for f in findings:
        d = f.as_dict(lang)
        key = f"{d['path']}:{f.line}:{f.column}:{f.code}:{printable(f.en)}"  # the same in either language
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        issues.append({
            "description": f"{f.code} {d['message']}",
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": "major" if f.severity == "error" else "minor",
            "location": {"path": d["path"], "lines": {"begin": f.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


REPORTERS: dict[str, Callable[[list[Finding], Lang], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "gitlab": gitlab,
}
