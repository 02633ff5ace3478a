"""The register at a git revision (``govmedia check --base REF``): what the history rules compare the
working tree with. Built by govmedia/history/gitbase.py, once per run (govmedia/run/plan.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from govmedia.register.registry import Registry


@dataclass
class BaseSnapshot:
    """The register at the base revision: what lies outside accounts/, and the unit folders in ``units``."""

    ref: str  # as given on the command line
    commit: str  # the commit id it names
    registry: Registry
    files: dict[str, bytes] = field(default_factory=dict)  # every regular file read at REF
    # The unit folders whose files differ between REF and the working tree, the only ones read (None: all).
    # An unchanged unit folder gives the history rules nothing to say: its accounts keep their status and
    # fields, and its request files are the same bytes.
    units: frozenset[str] | None = None

    def is_request_file(self, rel: str) -> bool:
        parts = rel.split("/")
        if len(parts) == 4 and parts[0] == "policies" and parts[1] == "requests":
            return True  # a policy request (a change to governance.yaml or a unit's reviewers)
        return len(parts) == 6 and parts[0] == "accounts" and parts[3] == "requests"

    def request_files(self) -> dict[str, bytes]:
        """Files inside request folders at REF: the append-only evidence (GM601)."""
        return {p: b for p, b in self.files.items() if self.is_request_file(p)}
