"""Output is separate from checking: one function per format, chosen by name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from .findings import Finding, Lang


def _one_line(text: str) -> str:
    return " ".join(text.split())


def text(findings: list[Finding], lang: Lang) -> str:
    return "".join(
        f"{f.path}:{f.line}:{f.column}: {f.code} {_one_line(f.message(lang))}\n" for f in findings
    )


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
        level = "error" if f.severity == "error" else "warning"
        props = f"file={_gh_escape(f.path, True)},line={f.line},col={f.column},title={f.code}"
        out.append(f"::{level} {props}::{_gh_escape(f.code + ' ' + f.message(lang))}\n")
    return "".join(out)


def gitlab(findings: list[Finding], lang: Lang) -> str:
    """GitLab Code Quality report (a JSON array of issues)."""
    issues = []
    for f in findings:
        fingerprint = hashlib.sha256(f"{f.path}:{f.line}:{f.column}:{f.code}:{f.en}".encode()).hexdigest()
        issues.append({
            "description": f"{f.code} {_one_line(f.message(lang))}",
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": "major" if f.severity == "error" else "minor",
            "location": {"path": f.path, "lines": {"begin": f.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


REPORTERS: dict[str, Callable[[list[Finding], Lang], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "gitlab": gitlab,
}
