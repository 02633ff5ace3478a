"""The one folder walker: iterative (no recursion, so no RecursionError however deep a hostile tree nests)
and bounded (never enters a folder deeper than :data:`MAX_PARTS` path parts below the register's root).

The loader reads at most ``accounts/<unit>/<account>/requests/<date>-<action>/<file>`` (six parts): what lies
deeper can change no finding, so it is not walked at all. The cache's scan (govmedia/register/cache.py), the
git scan of untracked folders (govmedia/register/gitscan.py) and the parse prefill
(govmedia/register/parallel.py) all walk through :func:`walk`, so they see the same files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NamedTuple

# Folders with more parts than this (relative to the root) are not entered: twice the depth the loader reads.
MAX_PARTS = 12


class Visit(NamedTuple):
    """One thing met by :func:`walk`.

    ``entry`` set: a file (anything that is not a folder: a symbolic link is never followed) at ``rel``.
    ``entry`` None: the folder ``rel`` is empty (``error`` None) or cannot be read (``error`` set)."""

    rel: str
    entry: os.DirEntry[str] | None
    error: OSError | None = None


def within(rel: str) -> bool:
    """Whether :func:`walk` can report ``rel`` (a file's path relative to the root)."""
    return rel.count("/") <= MAX_PARTS


def walk(root: str, rel: str) -> Iterator[Visit]:
    """Every file below the folder ``root/rel``, depth first in name order, and every empty or unreadable
    folder. A missing folder yields nothing. Folders deeper than :data:`MAX_PARTS` parts are skipped."""
    stack = [rel]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(os.path.join(root, folder)) as it:
                entries = sorted(it, key=lambda e: e.name)
        except FileNotFoundError:
            continue
        except OSError as exc:  # unreadable, not a folder, a name too long...: the loader reports it
            yield Visit(folder, None, exc)
            continue
        if not entries:
            yield Visit(folder, None)
        deeper = []
        for entry in entries:
            sub = f"{folder}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if sub.count("/") < MAX_PARTS:
                    deeper.append(sub)
            else:
                yield Visit(sub, entry)
        stack.extend(reversed(deeper))


def count_files(root: str, tops: tuple[str, ...] = ("accounts", "announcements", "policies")) -> int:
    """How many files the register's folders hold (the summary line of ``govmedia check``)."""
    return sum(1 for top in tops for visit in walk(root, top) if visit.entry is not None)
