"""Check files before they are written, with the rules of ``govmedia check`` and nothing else.

A :class:`Checker` holds the loaded register. :meth:`Checker.gained` puts candidate files into it in memory
(govmedia/register/loader.with_files: the unit folders and announcements they belong to are read again with
the files in place), runs every rule over the result, and returns the findings the register did not have
before: what the files would add. ``govmedia new``, the importer and the bots accept what this accepts,
so a file they write passes ``govmedia check``, and a file they refuse is one that check refuses, with the
same code and words. :func:`located` finds the field of a document a finding points at.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from govmedia.dialect import yamlload
from govmedia.findings.finding import Finding
from govmedia.register.context import Context
from govmedia.register.loader import with_files
from govmedia.register.registry import Registry
from govmedia.register.schema_errors import findings_from
from govmedia.run.engine import run_rules
from govmedia.schemas import MODELS

Where = tuple[str | int, ...]


class Checker:
    """The loaded register, and what the rules say about it as it is (worked out once, when first needed)."""

    def __init__(self, registry: Registry, today: date) -> None:
        self.registry = registry
        self.ctx = Context(root=registry.root, today=today)
        self._before: set[Finding] | None = None

    @property
    def before(self) -> set[Finding]:
        if self._before is None:
            self._before = set(run_rules(self.registry, self.ctx))
        return self._before

    def gained(self, files: Mapping[str, str]) -> list[Finding]:
        """The findings of the register with ``files`` in place that the register without them does not have."""
        candidate = with_files(self.registry, {rel: encoded(text) for rel, text in files.items()})
        return [f for f in run_rules(candidate, self.ctx) if f not in self.before]

    def layout(self, rel: str) -> list[Finding]:
        """What the loader says about the place of a file at ``rel`` (GM020 on its folders' and its own name)."""
        candidate = with_files(self.registry, {rel: b""})
        return [f for f in candidate.findings if f.code == "GM020" and (f.path == rel or rel.startswith(f.path + "/"))]

    def document(self, rel: str, kind: str, content: str) -> list[tuple[Where | None, Finding]]:
        """What reading one YAML document of ``kind`` says about it alone (the loader's parse and schema
        findings), each with the field it is about: None for a field that is missing or the file itself."""
        doc, problems = yamlload.load_bytes(encoded(content), rel)
        if doc is None or problems:
            return [(None, f) for f in problems]
        model = MODELS[kind]
        try:
            model.model_validate(doc.data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            return [(None if err["type"] == "missing" else tuple(err["loc"]), finding)
                    for err, finding in zip(errors, findings_from(exc, doc, rel, kind, model), strict=True)]
        return []


def encoded(content: str) -> bytes:
    """A candidate's bytes. A value typed as bytes that are not UTF-8 (a surrogate in the text) stays
    undecodable, so the loader reports it (GM001) as it would in a written file."""
    return content.encode("utf-8", "surrogatepass")


def positions(rel: str, content: str) -> dict[Where, tuple[int, int]]:
    """Where each field of a candidate file is written (its front matter for an announcement)."""
    raw = encoded(content)
    if rel.endswith(".md"):
        md, _ = yamlload.load_markdown(raw, rel)
        return dict(md.front.positions) if md is not None else {}
    doc, _ = yamlload.load_bytes(raw, rel)
    return dict(doc.positions) if doc is not None else {}


def located(finding: Finding, where: Mapping[Where, tuple[int, int]]) -> Where | None:
    """The field a finding points at: the deepest field written at its line and column (else at its line)."""
    exact = [p for p, pos in where.items() if pos == (finding.line, finding.column)]
    hits = exact or [p for p, pos in where.items() if pos[0] == finding.line]
    return max(hits, key=len) if hits else None


def inside(path: str, root: Path) -> bool:
    """``path`` (relative) names a place inside ``root``: no absolute path, no step up, nothing odd."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts) and "\\" not in path
