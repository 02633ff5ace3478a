"""From a form's answers to the texts of the files: documents, paths and the written form of each file.

Nothing here reads stdin, prints or judges: the answers become documents (each field's ``to`` says where
its value goes), the documents become files as the register writes them (the editor's schema line, then
block-style YAML, keys in the model's order), and :func:`files_of` returns ``{relative path: text}`` with the
kind of document each file holds. Whether those files are acceptable is what the rules say about them
(govmedia/staff/candidate.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel

from govmedia.findings.message import Msg, text
from govmedia.register.digest import request_digest
from govmedia.register.lifecycle import PENDING_STATUS
from govmedia.schemas import MODELS
from govmedia.staff.demo import dump, yaml_text
from govmedia.staff.fields import Env, Values
from govmedia.staff.forms import ACTIONS, ANNOUNCEMENT_KINDS, FORMS, find_request


@dataclass
class Files:
    """The files an answered form makes: ``texts`` {relative path: text}; ``kinds`` {relative path: the kind of
    document (a key of govmedia.schemas.MODELS)}; ``replaced``: paths of files that exist and are rewritten."""

    texts: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind of document -> its data

    def add(self, rel: str, kind: str, content: str, data: dict[str, Any]) -> None:
        self.texts[rel], self.kinds[rel], self.docs[kind] = content, kind, data


def set_path(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        inner = doc.get(part)
        if not isinstance(inner, dict):
            inner = doc[part] = {}
        doc = inner
    doc[path[-1]] = value


def documents(kind: str, values: Values) -> dict[str, dict[str, Any]]:
    """The documents the answers fill, by kind of document (``account``, ``request`` …), None values left out."""
    docs: dict[str, dict[str, Any]] = {}
    for f in FORMS[kind].fields:
        value = values.get(f.name)
        if f.to and value is not None:
            set_path(docs.setdefault(f.document, {}), f.path, value)
    return docs


def ordered(doc: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Keys in the model's field order, so written files look like every other file."""
    order = list(model.model_fields)
    return {k: doc[k] for k in sorted(doc, key=lambda k: order.index(k) if k in order else len(order))}


def render(rel: str, data: dict[str, Any], kind: str) -> str:
    """A document as the register writes it: the schema line, then block-style YAML. A value typed as bytes
    that are not UTF-8 is written escaped (the loader then refuses it, as it would refuse the file)."""
    try:
        return dump(data, kind, rel.count("/"))
    except UnicodeEncodeError:
        head = dump({}, kind, rel.count("/")).split("\n", 1)[0]
        return head + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def announcement_text(front: dict[str, Any], body: str) -> str:
    text_ = yaml_text(ordered(front, MODELS["announcement"]))
    return "---\n" + text_ + "---\n\n" + body


def set_status(content: str, status: str) -> str:
    """Rewrite the ``status:`` line of an account.yaml, keeping every other byte."""
    return re.sub(r"(?m)^status:[^\n#]*", f"status: {status}", content, count=1)


# -- one builder per kind of form ----------------------------------------------------------------------


def _unit(env: Env, values: Values, docs: dict[str, dict[str, Any]]) -> Files:
    out = Files()
    doc = docs.get("unit", {})
    doc.setdefault("parent", None)
    rel = f"accounts/{values['id']}/unit.yaml"
    out.add(rel, "unit", render(rel, ordered(doc, MODELS["unit"]), "unit"), doc)
    return out


def _account(env: Env, values: Values, docs: dict[str, dict[str, Any]]) -> Files:
    out = Files()
    action = str(values.get("action") or "open")
    base = f"accounts/{values['unit']}/{values['id']}"
    account = {**docs.get("account", {}), "status": PENDING_STATUS[action]}
    request = {"action": action, **docs.get("request", {})}
    acc_rel, req_rel = f"{base}/account.yaml", f"{base}/requests/{values['date']}-{action}/request.yaml"
    out.add(acc_rel, "account", render(acc_rel, ordered(account, MODELS["account"]), "account"), account)
    out.add(req_rel, "request", render(req_rel, ordered(request, MODELS["request"]), "request"), request)
    return out


def _request(env: Env, values: Values, docs: dict[str, dict[str, Any]]) -> Files:
    out = Files()
    ref, action = str(values["account"]), str(values["action"])
    request = dict(docs.get("request", {}))
    if values.get("changes"):
        request["changes"] = values["changes"]
    rel = f"accounts/{ref}/requests/{request['submitted_on']}-{action}/request.yaml"
    out.add(rel, "request", render(rel, ordered(request, MODELS["request"]), "request"), request)
    acc = env.registry.accounts[ref]
    current = (env.registry.root / acc.path).read_text(encoding="utf-8")
    account = dict(acc.record.doc.data) if acc.record else {}
    account["status"] = PENDING_STATUS[action]
    out.add(acc.path, "account", set_status(current, PENDING_STATUS[action]), account)
    out.replaced.append(acc.path)
    return out


def _approval(env: Env, values: Values, docs: dict[str, dict[str, Any]]) -> Files:
    out = Files()
    doc = dict(docs.get("approval", {}))
    req = find_request(env, values["request"])
    if req is not None and req.request is not None:
        # the decision binds the request it approves: a request edited afterwards no longer matches it
        doc["request_digest"] = request_digest(req.request.doc.data)
    rel = f"{req.folder if req else values['request']}/{values['stage']}.yaml"
    out.add(rel, "approval", render(rel, ordered(doc, MODELS["approval"]), "approval"), doc)
    return out


def announcement_body(env: Env, refs: list[str], kind: str) -> str:
    reg = env.registry
    first = reg.accounts.get(refs[0]) if refs else None
    unit = reg.unit_name(first.unit_id) if first else None
    word = ANNOUNCEMENT_KINDS.get(kind, ("", ""))[0]
    lines = [f"经审核批准，{unit or '本单位'}以下政务新媒体{word}，现予公告。", ""]
    for ref in refs:
        acc = reg.accounts.get(ref)
        if acc and acc.record:
            m = acc.record.model
            spec = env.governance.platforms.get(m.platform)
            url = getattr(m, "url", None)  # a platform without a stable profile url may have none
            lines.append(f"- {spec.label if spec else m.platform}「{m.name}」" + (f"：<{url}>" if url else ""))
    lines += ["", "如发现冒用政务新媒体名义的账号，请向区政府办公室反映。", ""]
    return "\n".join(lines)


def _announcement(env: Env, values: Values, docs: dict[str, dict[str, Any]]) -> Files:
    out = Files()
    front = docs.get("announcement", {})
    body = announcement_body(env, [str(a) for a in front.get("accounts", [])], str(front.get("kind")))
    out.add(f"announcements/{values['date']}-{values['slug']}.md", "announcement", announcement_text(front, body), front)
    return out


BUILDERS: dict[str, Callable[[Env, Values, dict[str, dict[str, Any]]], Files]] = {
    "unit": _unit, "account": _account, "request": _request, "approval": _approval, "announcement": _announcement}


def files_of(kind: str, env: Env, values: Values) -> Files:
    """The files of an answered form of ``kind``."""
    return BUILDERS[kind](env, values, documents(kind, values))


def account_after(env: Env, values: Values) -> tuple[str, str] | None:
    """For a change request: the account.yaml as it will read once the change is approved (path, text)."""
    ref, changes = str(values.get("account")), values.get("changes")
    acc = env.registry.accounts.get(ref)
    if not changes or acc is None or acc.record is None:
        return None
    after = {**acc.record.doc.data, **{k: v for k, v in changes.items() if k != "unit"}}
    return acc.path, render(acc.path, after, "account")


# -- change requests: ``--set field=value`` ------------------------------------------------------------


MAX_DEPTH = 8  # a field path deeper than any document's: refused before it is built


def _scalar(given: str) -> Any:
    low = given.strip().lower()
    if low in ("true", "是"):
        return True
    if low in ("false", "否"):
        return False
    if re.fullmatch(r"-?[1-9][0-9]{0,8}|0", given.strip()):
        return int(given)
    return given


def build_changes(env: Env, ref: str, sets: list[str]) -> tuple[dict[str, Any], list[Msg]]:
    """``["name=新名称", "interaction.comments=true"]`` -> ``changes`` (whole new top-level values). Which
    fields a change may touch is the model's to say; a unit named as the new host must exist."""
    acc = env.registry.accounts.get(ref)
    current = dict(acc.record.doc.data) if acc and acc.record else {}
    changes: dict[str, Any] = {}
    problems: list[Msg] = []
    for item in sets:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(text("change.form", item=item))
            continue
        top, _, rest = key.partition(".")
        if key.count(".") >= MAX_DEPTH:
            problems.append(text("change.form", item=item[:80]))
            continue
        if top == "unit" and raw not in env.registry.units:
            problems.append(text("unit.unknown", unit=raw))
            continue
        if not rest:
            changes[top] = _scalar(raw) if top == "national_system_id" else raw
            continue
        base = changes.get(top, current.get(top))
        value = yaml.safe_load(yaml.safe_dump(base)) if isinstance(base, dict) else {}
        parts = tuple(rest.split("."))
        leaf = [p.strip() for p in re.split(r"[,，、]", raw) if p.strip()] if parts[-1] == "columns" else _scalar(raw)
        set_path(value, parts, leaf)
        changes[top] = value
    return changes, problems


def pending_action(env: Env, values: Values) -> str | None:
    """The action of the request folder an approval answers (for the next steps)."""
    req = find_request(env, values.get("request"))
    return req.action if req else None


__all__ = ["ACTIONS", "Files", "account_after", "announcement_text", "build_changes", "files_of", "render",
           "set_status"]
