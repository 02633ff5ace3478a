"""Run mypy on the package as it is imported (govmedia.checks, govmedia.schemas, govmedia.website).

The folders schemas/, checks/ and website/ sit at the top of the repository (SPEC §1) and are mapped
into the ``govmedia`` package by pyproject.toml. mypy cannot follow such a mapping, so this script builds
a view of symlinks in .mypy-view/ (git-ignored) and checks that, plus tests/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEW = ROOT / ".mypy-view"
MAPPING = {"checks": "checks", "schemas": "schemas", "website": "website"}


def build_view() -> Path:
    pkg = VIEW / "govmedia"
    pkg.mkdir(parents=True, exist_ok=True)
    for entry in (ROOT / "govmedia").iterdir():
        if entry.suffix == ".py":
            link = pkg / entry.name
            if not link.is_symlink():
                link.symlink_to(os.path.relpath(entry, pkg))
    for name, folder in MAPPING.items():
        link = pkg / name
        if not link.is_symlink() and (ROOT / folder).is_dir():
            link.symlink_to(os.path.relpath(ROOT / folder, pkg))
    return pkg


def main() -> int:
    pkg = build_view()
    env = {**os.environ, "MYPYPATH": str(VIEW)}
    cmd = [sys.executable, "-m", "mypy", str(pkg), "tests", *sys.argv[1:]]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
