"""QR codes of account URLs, drawn as inline SVG at build time (segno).

A large register has thousands of them (about 1.5 ms each), so they are made in worker processes and
kept in a content-keyed cache (``~/.cache/govmedia/qr-<params>.json``: URL -> SVG), which makes every
build after the first, and every ``mkdocs serve`` rebuild, skip the ones it already has.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import segno

from govmedia.register.cache import cache_root

PARALLEL_FROM = 400  # below this, starting workers costs more than it saves
# How a code is made and drawn (the cache key comes from a sample drawing: see _cache_file).
ERROR, MASK, SCALE, BORDER = "m", 0, 3, 2


def qr_svg(url: str) -> str:
    """The SVG of one URL. A fixed mask skips segno's mask evaluation (5x faster); any mask is valid."""
    code = segno.make(url, error=ERROR, micro=False, mask=MASK, boost_error=False)
    svg: str = code.svg_inline(scale=SCALE, border=BORDER, svgclass="gm-qr", lineclass=None, dark="#000", light="#fff")
    return svg


def _many(urls: Sequence[str]) -> list[str]:
    return [qr_svg(u) for u in urls]


def _make(urls: Sequence[str]) -> list[str]:
    workers = min(os.cpu_count() or 1, 8)
    if len(urls) < PARALLEL_FROM or workers < 2:
        return _many(urls)
    size = -(-len(urls) // (workers * 4))
    chunks = [urls[i:i + size] for i in range(0, len(urls), size)]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return [svg for part in pool.map(_many, chunks) for svg in part]
    except (OSError, RuntimeError):  # no process support here: do it in this process
        return _many(urls)


def _cache_file() -> Path:
    """Keyed by segno's version and by the drawing of a sample URL: any change to how a code is made or drawn
    (an argument of :func:`qr_svg`) selects another file, so a stale SVG is never served."""
    key = json.dumps([segno.__version__, qr_svg("https://www.gov.cn/")]).encode()
    return cache_root() / f"qr-{hashlib.blake2b(key, digest_size=8).hexdigest()}.json"


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v.startswith("<svg")}


def _save(path: Path, data: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as f:  # written piece by piece: 100,000 codes are ~200 MB
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:  # a read-only home must not fail the build
        pass


def qr_codes(urls: Sequence[str], use_cache: bool = True) -> dict[str, str]:
    """URL -> SVG for every URL: from the cache when known, else made (in parallel when many)."""
    path = _cache_file()
    known = _load(path) if use_cache else {}
    missing = [u for u in dict.fromkeys(urls) if u not in known]
    made = dict(zip(missing, _make(missing), strict=True))
    result = {u: known[u] if u in known else made[u] for u in urls}
    if use_cache and (made or len(known) != len(result)):
        _save(path, result)  # only the URLs of this build: the cache does not grow without bound
    return result
