"""Which files a pre-commit run is about, asked of git: the hook passes no file names.

pre-commit splits a long list of file names into batches and starts the hook once per batch; every start
of ``govmedia check`` checks the whole register (cross-file rules see everything), so 2,000 changed files
meant two full checks, and ``--all-files`` at 10,000 accounts meant 37. The hook
(``govmedia check --changed``, pass_filenames: false) therefore runs once, and reports the findings of:

- pre-commit's push range (``PRE_COMMIT_FROM_REF``..``PRE_COMMIT_TO_REF``, set by ``--from-ref/--to-ref``
  and the pre-push hook), when it is set;
- else the staged files (``git diff --cached``), which are the files of a commit;
- every file when git shows none (``pre-commit run --all-files`` on a clean tree, as in CI) or cannot tell.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT = 60


def changed_paths(root: Path) -> list[str] | None:
    """Paths relative to ``root`` that the run is about, or None for every file."""
    first, last = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    spec = ["--end-of-options", f"{first}...{last}"] if first and last else ["--cached"]
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_LITERAL_PATHSPECS": "1"}
    try:
        done = subprocess.run(["git", "diff", "--name-only", "--relative", "--no-renames", "-z", *spec],
                              cwd=root, env=env, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = [os.fsdecode(name) for name in done.stdout.split(b"\0") if name]
    return names or None
