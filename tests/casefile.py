"""Example files under tests/cases/<CODE>/*.yaml become test cases by themselves.

A case file says how to turn a clean demo register into the case and which findings must result::

    description: what this case shows
    accounts: 21              # size of the base demo register (0: governance and policies only)
    today: 2026-06-01         # --today for the check (default: tests/conftest.BASE_TODAY)
    set:                      # change fields of base files: path -> {dotted.key: value}
      accounts/wangyi-education/weibo/account.yaml: {interaction.comments: false}
    unset: {path: [dotted.key, ...]}
    files: {path: text}       # write files (UTF-8); use double quotes for escapes like "\\u200b"
    files_hex: {path: hex}    # write raw bytes (BOM, GBK, NUL, ...)
    remove: [path, ...]       # delete files or folders
    expect:                   # exactly these findings, no others (line/severity only when given)
      - {code: GM003, path: accounts/wangyi-education/weibo/account.yaml, line: 4}

A negative case expects findings of its folder's code; a positive case (``expect: []``) shows
legitimate input that must stay clean.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).parent / "cases"


@dataclass
class Case:
    path: Path
    spec: dict[str, Any]

    @property
    def code(self) -> str:
        return self.path.parent.name

    @property
    def id(self) -> str:
        return f"{self.code}/{self.path.stem}"

    @property
    def negative(self) -> bool:
        return any(e.get("code") == self.code for e in self.spec.get("expect") or [])


def all_cases() -> list[Case]:
    out = []
    for p in sorted(CASES.glob("GM*/*.yaml")):
        spec = yaml.safe_load(p.read_text(encoding="utf-8"))
        out.append(Case(p, spec))
    return out


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        data = data.setdefault(k, {})
    data[keys[-1]] = value


def _unset_dotted(data: dict[str, Any], dotted: str) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        data = data[k]
    del data[keys[-1]]


def _set_all(data: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        _set_dotted(data, key, _jsonable(value))


def _unset_all(data: dict[str, Any], keys: list[str]) -> None:
    for key in keys:
        _unset_dotted(data, key)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def apply(case: Case, root: Path) -> None:
    spec = case.spec
    for rel in spec.get("remove") or []:
        target = root / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    for rel, fields in (spec.get("set") or {}).items():
        _edit(root / rel, lambda d, fields=fields: _set_all(d, fields))
    for rel, keys in (spec.get("unset") or {}).items():
        _edit(root / rel, lambda d, keys=keys: _unset_all(d, keys))
    for rel, text in (spec.get("files") or {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8", "surrogatepass"))
    for rel, hexdata in (spec.get("files_hex") or {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes.fromhex("".join(hexdata.split())))


def _edit(path: Path, change: Any) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        data = yaml.safe_load(front)
        change(data)
        path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body,
                        encoding="utf-8")
        return
    data = yaml.safe_load(text)
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def matches(expect: dict[str, Any], finding: Any) -> bool:
    return bool(
        expect["code"] == finding.code
        and expect.get("path", finding.path) == finding.path
        and expect.get("line", finding.line) == finding.line
        and expect.get("severity", finding.severity) == finding.severity
    )
