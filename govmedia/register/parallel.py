"""Parse many files on every core before the (sequential) loader runs.

The loader builds the register in one pass, but reading and parsing YAML is most of a cold run's time
and needs no shared state: worker processes read, hash and parse files, and hand back plain data in the
parse cache's format, keyed by content hash. The loader then finds every file in the cache.
Used by the one-process check (govmedia/run/modes.py ``check``) of a register with over 4,000 files: a register of
400 unit folders or more is checked by govmedia/run/sharded.py instead, whose workers parse their own chunks.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from govmedia.dialect.files import read_regular
from govmedia.dialect.yamlload import MAX_FILE_BYTES
from govmedia.register.cache import ParseCache, file_hash, parse_markdown, parse_yaml
from govmedia.register.walk import walk

MIN_FILES = 4000
CHUNK = 500

Parsed = tuple[str, bytes, str, Any]  # rel, content hash, cache-key suffix, parse result


def parse_files(root: str, rels: list[str]) -> list[Parsed]:
    """Worker: read, hash and parse each file (YAML, or Markdown with front matter)."""
    out: list[Parsed] = []
    for rel in rels:
        try:
            raw = read_regular(os.path.join(root, rel), MAX_FILE_BYTES)
        except OSError:
            continue  # the loader reads it again and reports the problem
        key = file_hash(raw)
        if rel.endswith(".md"):
            out.append((rel, key, "md", parse_markdown(raw, rel)[2]))
        else:
            out.append((rel, key, "", parse_yaml(raw, rel)[2]))
    return out


def jobs() -> int:
    wanted = os.environ.get("GOVMEDIA_JOBS")
    if wanted and wanted.isdigit():
        return max(1, int(wanted))
    return min(os.cpu_count() or 1, 8)


def register_documents(root: str) -> list[str]:
    """Relative paths of the files the loader will parse: every .yaml under accounts/, announcements/*.md."""
    out: list[str] = []
    for top, suffix in (("accounts", ".yaml"), ("announcements", ".md")):
        out.extend(v.rel for v in walk(root, top) if v.entry is not None and v.rel.endswith(suffix))
    return out


def prefill(cache: ParseCache, root: str) -> int:
    """Parse in worker processes every document the cache does not know yet; returns how many."""
    workers = jobs()
    if workers < 2:
        return 0
    todo = []
    # The cache's scan already listed every file; walk the tree only when there was no scan.
    candidates = ([rel for rel in cache.known if (rel.startswith("accounts/") and rel.endswith(".yaml"))
                   or (rel.startswith("announcements/") and rel.endswith(".md"))]
                  if cache.known else register_documents(root))
    for rel in candidates:
        known = cache.known_key(rel)
        tail = b"md" if rel.endswith(".md") else b""
        if known is None or not cache.has(rel, known + tail):
            todo.append(rel)
    if len(todo) < MIN_FILES:
        return 0
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        for parsed in pool.map(parse_files, [root] * len(chunks), chunks):
            for rel, key, suffix, result in parsed:
                cache.add_known(rel, key, suffix.encode(), result)
    return len(todo)
