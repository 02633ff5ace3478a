"""A finding is one thing wrong with the register: where, which rule, how bad, and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field

from govmedia.findings.codes import CODES, Lang, Severity

__all__ = ["Finding", "Lang", "Severity", "make", "printable"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # relative to the register root, with forward slashes
    line: int  # 1-based; 1 when the finding concerns the whole file
    column: int  # 1-based
    code: str  # GMxxx, see govmedia/findings/codes.py
    severity: Severity
    zh: str  # the message in Chinese: names the record, cites the article, says the fix
    en: str  # the same in English
    # The unit folder whose files decide this finding when that is not the folder of ``path`` (GM303 and
    # GM304 report on an announcement what an account's files decide): incremental runs (govmedia/run/incremental.py)
    # recompute a finding when its owner changed. Not part of the finding's identity.
    owner: str = field(default="", compare=False)

    def message(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Position, then code, then message: a total order, so a run's output never depends on hashing."""
        return (self.path, self.line, self.column, self.code, self.zh, self.en)

    def as_dict(self, lang: Lang = "zh") -> dict[str, object]:
        """For reports: the path and message printable (see :func:`printable`)."""
        return {
            "path": printable(self.path),
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": printable(" ".join(self.message(lang).split())),
        }


def printable(text: str) -> str:
    """``text`` safe to print on one line: every character that is not printable (controls such as a newline
    in a hostile file name, invisible format characters, the surrogates that stand for bytes of a name that
    is not UTF-8) as ``\\uXXXX``. A report line can then neither be forged nor fail to encode."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def make(
    code: str, path: str, line: int, column: int, zh: str, en: str, severity: Severity | None = None
) -> Finding:
    """Build a finding with the severity that the code table gives ``code`` (unless overridden)."""
    return Finding(path, line, column, code, severity or CODES[code].severity, zh, en)
