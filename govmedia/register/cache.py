"""A content-keyed cache under ``$XDG_CACHE_HOME/govmedia`` (default ``~/.cache/govmedia``).

Never stale by construction: every key is a hash of the bytes it stands for, salted with a hash of the
code (and library versions) that produced the value. Three caches per register root:

- the parse cache: file-content hash -> what govmedia/dialect/yamlload.py made of those bytes (plain data,
  positions, path-free findings), so that a run re-parses only the files that changed;
- the result cache: hash of every register file, the date and the code -> the findings of the whole run,
  so that a run over an unchanged register does no parsing, validation or rule work at all;
- the clean-text memo: the texts each content rule (GM501–GM504) found clean under its configuration,
  so that a run scans only new or changed texts (a text with a finding is always scanned again).

Files are written atomically; an unreadable or foreign cache file is ignored (treated as empty).
The cache holds only what the register's own files say; it lives in the user's home, outside the repository.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from govmedia.dialect import yamlload
from govmedia.dialect.files import regular_chunks
from govmedia.findings.finding import Finding
from govmedia.register.walk import walk

FORMAT = b"govmedia-cache-1"
REGISTER_DIRS = ("accounts", "announcements", "policies")
# GM604 reads the first that exists in GitHub's order, and the first in GitLab's (.gitlab/CODEOWNERS last)
EXTRA_FILES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govmedia"


def folder_of(root: Path) -> Path:
    """The cache folder of the register at ``root``."""
    digest = hashlib.blake2b(str(root.resolve()).encode(), digest_size=10).hexdigest()
    return cache_root() / digest


@cache
def code_salt() -> bytes:
    """Hash of the source of the govmedia package, its data files and the Python version."""
    import pydantic
    import yaml

    h = hashlib.blake2b(digest_size=16)
    h.update(FORMAT + sys.version.encode() + pydantic.VERSION.encode() + yaml.__version__.encode())
    package = Path(__file__).resolve().parents[1]
    # *.txt: data files that change findings, e.g. the built-in templates/policies/banned-terms.txt (GM501)
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.txt")]):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.digest()


def read_marshal(path: Path) -> Any:
    try:
        blob = path.read_bytes()
        if not blob.startswith(FORMAT):
            return None
        return marshal.loads(blob[len(FORMAT):])
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_marshal(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(FORMAT + marshal.dumps(value))
        os.replace(tmp, path)
    except OSError:  # a read-only home or a full disk must not fail the check
        pass


StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
# rel path -> (token, content hash). The token is a stat key, or for a file that git reports unchanged
# (govmedia/register/gitscan.py ``git_scan``) (-1, mode, 0, blob id as an int): a size of -1 never equals a stat key.
FileMap = dict[str, tuple[StatKey, bytes]]


# -- the parse cache's entry for one file: what yamlload made of its bytes, without the path ---------
# data, then the document's source (positions or the text to find them in, line offset; both None: no
# document), then the findings
YamlEntry = tuple[Any, Any, Any, int, list[tuple[Any, ...]]]
MarkdownEntry = tuple[Any, Any, Any, int, Any, int, list[tuple[Any, ...]]]  # + body, body line


def _items(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.line, f.column, f.code, f.severity, f.zh, f.en) for f in findings]


def _findings(rel: str, items: list[tuple[Any, ...]]) -> list[Finding]:
    return [Finding(rel, *item) for item in items]


def _document(data: Any, positions: Any, text: Any, offset: int) -> yamlload.Document | None:
    if positions is None and text is None:
        return None
    return yamlload.Document(data, positions, text, offset)


def parse_yaml(raw: bytes, rel: str) -> tuple[yamlload.Document | None, list[Finding], YamlEntry]:
    doc, problems = yamlload.load_bytes(raw, rel)
    positions, text, offset = doc.source() if doc else (None, None, 0)
    return doc, problems, (doc.data if doc else None, positions, text, offset, _items(problems))


def parse_markdown(raw: bytes, rel: str) -> tuple[yamlload.MarkdownDoc | None, list[Finding], MarkdownEntry]:
    md, problems = yamlload.load_markdown(raw, rel)
    positions, text, offset = md.front.source() if md else (None, None, 0)
    entry = (md.front.data if md else None, positions, text, offset, md.body if md else None,
             md.body_line if md else 0, _items(problems))
    return md, problems, entry


def yaml_from(entry: YamlEntry, rel: str) -> tuple[yamlload.Document | None, list[Finding]]:
    data, positions, text, offset, items = entry
    return _document(data, positions, text, offset), _findings(rel, items)


def markdown_from(entry: MarkdownEntry, rel: str) -> tuple[yamlload.MarkdownDoc | None, list[Finding]]:
    data, positions, text, offset, body, body_line, items = entry
    front = _document(data, positions, text, offset)
    return (yamlload.MarkdownDoc(front, body, body_line) if front is not None else None), _findings(rel, items)


def _hasher(data: bytes = b"") -> hashlib.blake2b:
    """The content hash of the caches (BLAKE2b, 16 bytes), ready for more data."""
    return hashlib.blake2b(data, digest_size=16)


def file_hash(raw: bytes) -> bytes:
    return _hasher(raw).digest()


def shard_of(rel: str) -> str:
    """The parse cache keeps unit folders ("u") apart from the rest ("g"): an incremental run reads only "g"."""
    return "u" if rel.startswith("accounts/") else "g"


class ParseCache:
    """File-content hash -> parse result, in two shards by path (see :func:`shard_of`). Keeps, on save, only
    the entries this run used.

    The whole cache is discarded when the parsing code changes (its salt is stored with it).
    ``known`` maps relative paths to the content hashes that :func:`scan` just established, so that an
    unchanged file is not even read again. ``shards`` limits which shards are read (and so can be saved).
    """

    def __init__(self, root: Path, known: FileMap | None = None, persist: bool = True,
                 shards: tuple[str, ...] = ("g", "u")) -> None:
        self.folder = folder_of(root)
        self.salt = code_salt()
        self.persist = persist
        self.shards = shards if persist else ()
        self.old: dict[str, dict[bytes, Any]] = {"g": {}, "u": {}}
        for shard in self.shards:
            loaded: Any = read_marshal(self.folder / f"parse-{shard}.marshal")
            if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == self.salt:
                self.old[shard] = loaded[1]
        self.used: dict[str, dict[bytes, Any]] = {"g": {}, "u": {}}
        self.changed: set[str] = set()
        self.known = known or {}
        self.hits = 0
        self.misses = 0

    def key(self, raw: bytes) -> bytes:
        return file_hash(raw)

    def known_key(self, rel: str) -> bytes | None:
        entry = self.known.get(rel)
        return entry[1] if entry is not None else None

    def has(self, rel: str, key: bytes) -> bool:
        return key in self.old[shard_of(rel)]

    def add_known(self, rel: str, key: bytes, suffix: bytes, result: Any) -> None:
        """A parse done elsewhere (govmedia/register/parallel.py): trust it for ``rel`` only if the scan agrees."""
        entry = self.known.get(rel)
        if entry is None and not self.persist:
            self.known[rel] = ((0, 0, 0, 0), key)
        elif entry is None or entry[1] != key:
            return  # changed since the scan, or not scanned: the loader reads it itself
        shard = shard_of(rel)
        self.old[shard][key + suffix] = result
        self.changed.add(shard)
        self.misses += 1

    def get(self, key: bytes, rel: str) -> Any:
        shard = shard_of(rel)
        value = self.old[shard].get(key)
        if value is not None:
            self.used[shard][key] = value
            self.hits += 1
        else:
            self.misses += 1
        return value

    def put(self, key: bytes, value: Any, rel: str) -> None:
        shard = shard_of(rel)
        if shard in self.shards:  # a run without the cache keeps nothing it will not read again
            self.used[shard][key] = value
            self.changed.add(shard)

    def save(self) -> None:
        for shard in self.shards:
            if shard in self.changed or len(self.used[shard]) != len(self.old[shard]):
                write_marshal(self.folder / f"parse-{shard}.marshal", (self.salt, self.used[shard]))


# A file whose mtime is this close to the previous run may have changed within the clock's resolution
# after it was hashed (git's "racy clean" problem): it is always hashed again.
RACY_NS = 2_000_000_000


def hash_file_at(path: str) -> bytes:
    """:func:`file_hash` of the file's bytes, read piece by piece (a file of any size)."""
    try:
        h = _hasher()
        for chunk in regular_chunks(path):
            h.update(chunk)
        return h.digest()
    except OSError as exc:
        if os.path.islink(path):
            return file_hash(b"symlink\0" + os.readlink(path).encode("utf-8", "surrogateescape"))
        return file_hash(f"unreadable {exc.errno}".encode())


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def folder_entry(exc: OSError | None) -> tuple[StatKey, bytes]:
    """The entry of an empty folder (``exc`` None) or an unreadable one, recorded as ``"<folder>/"``."""
    return (0, 0, 0, 0), file_hash(b"empty folder" if exc is None else f"unreadable folder {exc.errno}".encode())


def add_file(out: FileMap, rel: str, full: str, previous: FileMap, previous_ns: int,
             entry: os.DirEntry[str] | None = None) -> None:
    """Record one file: its previous entry if its stat key is unchanged and not racy, else a new hash."""
    try:
        st = entry.stat(follow_symlinks=False) if entry is not None else os.lstat(full)
    except OSError:
        return
    key = stat_key(st)
    old = previous.get(rel)
    if old is not None and old[0] == key and max(st.st_mtime_ns, st.st_ctime_ns) < previous_ns - RACY_NS:
        out[rel] = old
    else:
        out[rel] = (key, hash_file_at(full))


def walk_folder(root_s: str, rel: str, out: FileMap, previous: FileMap, previous_ns: int,
                refuse_repositories: bool = False) -> bool:
    """Record every file below ``rel``, and every empty or unreadable folder (the loader reports those).
    With ``refuse_repositories`` a ``.git`` entry stops the walk: False (govmedia/register/gitscan.py cannot answer).
    The walk is govmedia/register/walk.py's: iterative, and bounded in depth."""
    for visit in walk(root_s, rel):
        if refuse_repositories and "/.git/" in f"/{visit.rel}/":
            return False
        if visit.entry is not None:
            add_file(out, visit.rel, visit.entry.path, previous, previous_ns, visit.entry)
        else:  # an empty folder is a finding (a unit or account without its file), an unreadable one too
            out[visit.rel + "/"] = folder_entry(visit.error)
    return True


def scan(root: Path, previous: FileMap, previous_ns: int) -> FileMap:
    """Content hash of every file that can change a finding, and of every empty or unreadable folder
    (``"<folder>/"``), which the loader reports too.

    A file is read and hashed unless its size, mtime, ctime and inode equal those of the previous run and
    it was not modified within RACY_NS of that run. Any write changes ctime, so a changed file is always
    read again; an unchanged one costs one stat. A token from :func:`govmedia.register.gitscan.git_scan` (size -1)
    never equals a stat key, so such a file is hashed again here.
    """
    out: FileMap = {}
    root_s = str(root)
    for top in REGISTER_DIRS:
        walk_folder(root_s, top, out, previous, previous_ns)
    for extra in EXTRA_FILES:
        add_file(out, extra, os.path.join(root_s, extra), previous, previous_ns)
    return out


def fingerprint(files: FileMap, *extra: str) -> bytes:
    h = hashlib.blake2b(digest_size=20, key=code_salt())
    for part in extra:
        h.update(part.encode() + b"\0")
    for rel in sorted(files):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + files[rel][1])
    return h.digest()


class CleanMemo:
    """Texts that a content rule has already scanned and found clean, under one configuration.

    Only *clean* results are remembered (a digest of the rule, its configuration, the code and the
    text), so a text with a finding is always scanned again and reported again; a changed text, term
    list or allowed-domain list has another digest. One file per register root; a run reads it once and
    hands it to the rules (``Context.memo``).
    """

    def __init__(self, root: Path, read_only: bool = False) -> None:
        # read_only: a worker of a sharded run (govmedia/run/sharded.py) hands back what it found clean and
        # the main process saves once
        self.read_only = read_only
        self.path = folder_of(root) / "clean.marshal"
        self.salt = code_salt()
        loaded: Any = read_marshal(self.path)
        ok = isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == self.salt
        self.old: set[bytes] = loaded[1] if ok else set()
        self.used: set[bytes] = set()
        self.on_disk: set[bytes] = self.old  # what the file holds now

    def key(self, scope: bytes, text: str) -> bytes:
        h = hashlib.blake2b(digest_size=16, key=self.salt[:16])
        h.update(scope)
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def clean(self, key: bytes) -> bool:
        if key in self.old:
            self.used.add(key)
            return True
        return False

    def mark(self, key: bytes) -> None:
        self.used.add(key)

    def save(self, prune: bool = True) -> None:
        """Keeps only what this run saw clean, so the file never grows beyond the register — unless the run
        saw only part of the register (``prune`` off: an incremental run), which keeps the rest too.

        The run saves once, after every rule (govmedia/run/plan.py).
        """
        keep = self.used if prune else self.old | self.used
        if keep != self.on_disk and not self.read_only:
            write_marshal(self.path, (self.salt, keep))
            self.on_disk = set(keep)
