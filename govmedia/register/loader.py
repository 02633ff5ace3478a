"""Walk a register once and build the :class:`Registry`, turning every problem into a finding.

The folder layout (docs/architecture.md, "The register on disk") is checked here (GM020) because it decides
what each file is.
"""

from __future__ import annotations

import errno
import gc
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from govmedia.dialect import yamlload
from govmedia.dialect.files import NotRegular, TooLarge, read_regular
from govmedia.findings.finding import Finding, make
from govmedia.register.cache import EXTRA_FILES, ParseCache, markdown_from, parse_markdown, parse_yaml, yaml_from
from govmedia.register.registry import AccountRec, AnnouncementRec, Record, Registry, RequestRec, TextFile, UnitRec
from govmedia.register.schema_errors import findings_from
from govmedia.schemas import Account, Announcement, Approval, Governance, Request, Unit
from govmedia.schemas.common import ACTIONS

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUEST_DIR_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z]+)$")
ANNOUNCEMENT_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)\.md$")
GOVERNANCE = "policies/governance.yaml"
CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger CODEOWNERS file


def _layout(path: str, zh: str, en: str) -> Finding:
    return make("GM020", path, 1, 1, zh, en)


def _valid_id(name: str) -> bool:
    return bool(ID_RE.match(name)) and len(name) <= 64


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
Progress = Callable[[int, int], None]


class Entry(Protocol):
    """What the loader asks of a folder entry: :class:`os.DirEntry`, or a :class:`Planned` file."""

    @property
    def name(self) -> str: ...
    def is_dir(self, *, follow_symlinks: bool = True) -> bool: ...
    def is_file(self, *, follow_symlinks: bool = True) -> bool: ...
    def is_symlink(self) -> bool: ...


class Planned:
    """A file or folder that exists only in the loader's overlay: a candidate not written yet."""

    def __init__(self, name: str, folder: bool) -> None:
        self._name, self._folder = name, folder

    @property
    def name(self) -> str:
        return self._name

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self._folder

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return not self._folder

    def is_symlink(self) -> bool:
        return False


def _children(overlay: Mapping[str, bytes]) -> dict[str, dict[str, bool]]:
    """folder -> {name: is a folder} of every path in ``overlay`` (relative, forward slashes)."""
    out: dict[str, dict[str, bool]] = {}
    for rel in overlay:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            names = out.setdefault("/".join(parts[:depth]), {})
            names[parts[depth]] = names.get(parts[depth], False) or depth < len(parts) - 1
    return out


class Loader:
    """Builds the registry from the files under ``root``. ``overlay`` ({relative path: bytes}) adds files
    or replaces them, in memory only: govmedia/register/candidate.py checks files before they are written."""

    def __init__(self, root: Path, cache: ParseCache | None = None, progress: Progress | None = None,
                 scope: frozenset[str] | None = None, overlay: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self.root_s = str(root)
        self.reg = Registry(root=root, scope=scope)
        self.cache = cache
        self.progress = progress
        self.overlay = overlay or {}
        self.planned = _children(self.overlay)

    # -- files ---------------------------------------------------------------------------------
    def _read(self, rel: str) -> bytes | None:
        full = os.path.join(self.root_s, rel)
        planned = self.overlay.get(rel)
        if planned is not None:
            if len(planned) <= yamlload.MAX_FILE_BYTES:
                return planned
            self.reg.findings.append(yamlload.too_large(rel, len(planned)))
            return None
        try:
            if not _NOFOLLOW and os.path.islink(full):  # pragma: no cover - platforms without O_NOFOLLOW
                raise OSError(errno.ELOOP, "symlink")
            return read_regular(full, yamlload.MAX_FILE_BYTES)
        except TooLarge as exc:
            self.reg.findings.append(yamlload.too_large(rel, exc.size))
        except NotRegular:
            self.reg.findings.append(_layout(
                rel, "这里应是普通文件，现在是管道、套接字或设备文件：请换成普通文件。",
                "this must be a regular file; it is a FIFO, socket or device: replace it with a regular file."))
        except OSError as exc:
            if exc.errno == errno.ELOOP or os.path.islink(full):
                self.reg.findings.append(_layout(
                    rel, "不允许使用符号链接：请把真实文件放在这里。",
                    "symbolic links are not allowed: put the real file here."))
            else:
                self.reg.findings.append(make("GM001", rel, 1, 1, f"无法读取文件：{exc.strerror}。",
                                              f"cannot read the file: {exc.strerror}."))
        return None

    def _known(self, rel: str, suffix: bytes) -> Any:
        """A cached parse of ``rel`` whose content hash the cache's scan has just established: no read."""
        key = self.cache.known_key(rel) if self.cache is not None else None
        return self.cache.get(key + suffix, rel) if self.cache is not None and key is not None else None

    def _parsed(self, rel: str, suffix: bytes, parse: Callable[[bytes, str], tuple[D | None, list[Finding], Any]],
                restore: Callable[[Any, str], tuple[D | None, list[Finding]]]) -> tuple[D | None, list[Finding]]:
        """``rel`` parsed by ``parse`` (govmedia/register/cache.py ``parse_yaml`` or parse_markdown), from the parse cache when
        it holds these bytes (``restore`` turns its entry back into a document)."""
        cache = self.cache
        hit = self._known(rel, suffix)
        if hit is not None:
            return restore(hit, rel)
        raw = self._read(rel)
        if raw is None:
            return None, []
        key = cache.key(raw) + suffix if cache is not None else b""
        hit = cache.get(key, rel) if cache is not None else None
        if hit is not None:
            return restore(hit, rel)
        doc, problems, entry = parse(raw, rel)
        if cache is not None:
            cache.put(key, entry, rel)
        return doc, problems

    def _yaml(self, rel: str) -> tuple[yamlload.Document | None, list[Finding]]:
        return self._parsed(rel, b"", parse_yaml, yaml_from)

    def _markdown(self, rel: str) -> tuple[yamlload.MarkdownDoc | None, list[Finding]]:
        return self._parsed(rel, b"md", parse_markdown, markdown_from)

    def _model(self, rel: str, model: type[M], kind: str, doc: yamlload.Document) -> Record[M] | None:
        data = doc.data
        if not isinstance(data, dict):
            slip = yamlload.slip_in(data) if isinstance(data, str) else None  # "name：王益" is text, not a key
            self.reg.findings.append(make(
                "GM010", rel, 1, 1,
                "文件内容应为一组“字段: 值”（映射），现在是空文件或不是映射："
                + (f"{slip[0]}。" if slip else "请按 schemas/json/ 中的格式填写。"),
                "the file must hold a mapping of 'field: value' lines; it is empty or not a mapping"
                + (f": {slip[1]}." if slip else ".")))
            return None
        try:
            return Record(rel, model.model_validate(data), doc)
        except ValidationError as exc:
            self.reg.findings.extend(findings_from(exc, doc, rel, kind, model))
            return None

    def load_yaml(self, rel: str, model: type[M], kind: str) -> Record[M] | None:
        doc, problems = self._yaml(rel)
        self.reg.findings.extend(problems)
        record = self._model(rel, model, kind, doc) if doc is not None else None
        if record is None:
            self.reg.broken.add(rel)
        return record

    # -- tree ----------------------------------------------------------------------------------
    def load(self) -> Registry:
        reg = self.reg
        if not os.path.isfile(os.path.join(self.root_s, GOVERNANCE)):
            reg.findings.append(_layout(GOVERNANCE, "缺少 policies/governance.yaml：请从模板仓库复制并修改为本地区的设置。",
                                        "policies/governance.yaml is missing: copy it from the template and adapt it."))
        else:
            reg.governance = self.load_yaml(GOVERNANCE, Governance, "governance")
        self._policies()
        self._codeowners()
        self._accounts()
        self._announcements()
        return reg

    def _codeowners(self) -> None:
        """Every CODEOWNERS location that holds a regular file (a link, a folder or a FIFO is as good as no
        file: GitHub and GitLab skip it): its text, or None when it cannot be used (GM604 says so)."""
        for rel in EXTRA_FILES:
            try:
                raw = read_regular(os.path.join(self.root_s, rel), CODEOWNERS_MAX_BYTES)
            except (FileNotFoundError, NotADirectoryError, NotRegular):
                continue
            except TooLarge:
                self.reg.codeowners[rel] = None
                continue
            except OSError as exc:
                if exc.errno == errno.ELOOP or os.path.islink(os.path.join(self.root_s, rel)):
                    continue
                self.reg.codeowners[rel] = None
                continue
            try:
                self.reg.codeowners[rel] = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.reg.codeowners[rel] = None

    def _entries(self, rel: str) -> list[Entry]:
        """A folder's entries (with the overlay's). A folder that is missing is simply empty; one that is a
        file, a symlink or unreadable is a finding: otherwise replacing accounts/ by a file would empty the
        register."""
        planned = self.planned.get(rel)
        entries: list[Entry] = [Planned(name, folder) for name, folder in planned.items()] if planned else []
        return sorted([*self._disk_entries(rel, planned or {}), *entries], key=lambda e: e.name)

    def _disk_entries(self, rel: str, planned: Mapping[str, bool]) -> list[Entry]:
        full = os.path.join(self.root_s, rel)
        try:
            if os.path.islink(full):
                raise NotADirectoryError(errno.ENOTDIR, "symlink")
            with os.scandir(full) as it:
                return [e for e in it if e.name not in planned]
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            self.reg.findings.append(_layout(
                rel, f"{rel} 应为文件夹，现在是文件或符号链接：请恢复为普通文件夹。",
                f"{rel} must be a folder; it is a file or a symbolic link: restore the folder."))
        except OSError as exc:
            self.reg.findings.append(make("GM001", rel, 1, 1, f"无法读取文件夹 {rel}：{exc.strerror}。",
                                          f"cannot read the folder {rel}: {exc.strerror}."))
        return []

    def _policies(self) -> None:
        for entry in self._entries("policies"):
            is_terms = entry.name == "banned-terms.txt"
            if (entry.name.endswith(".md") or is_terms) and not entry.is_dir(follow_symlinks=False):
                rel = f"policies/{entry.name}"
                raw = self._read(rel)
                if raw is None:
                    continue
                text, problems = yamlload.decode(raw, rel)
                self.reg.findings.extend(problems)
                if text is None:
                    continue
                if is_terms:
                    self.reg.banned_terms = TextFile(rel, text)
                else:
                    self.reg.policies.append(TextFile(rel, text))

    def _stray(self, rel: str, zh_what: str, en_what: str) -> None:
        self.reg.findings.append(_layout(rel, f"此处不应有{zh_what}：{rel}。请按名录的目录结构（见 README.md“仓库结构”）移动或删除它。",
                                         f"unexpected {en_what} here: {rel}. Move or delete it (see the layout)."))

    def _accounts(self) -> None:
        units = self._entries("accounts")
        if self.reg.scope is not None:
            units = [e for e in units if e.name in self.reg.scope]
        for done, unit_entry in enumerate(units):
            if self.progress is not None:
                self.progress(done, len(units))
            self._accounts_entry(unit_entry)

    def _accounts_entry(self, unit_entry: Entry) -> None:
        rel = f"accounts/{unit_entry.name}"
        if not unit_entry.is_dir(follow_symlinks=False):
            self._stray(rel, "文件", "file")
        elif not _valid_id(unit_entry.name):
            self.reg.findings.append(_layout(
                rel, f"单位目录名 “{unit_entry.name}” 不合规：只能用小写字母、数字和连字符（如 wangyi-gov），最长 64 个字符。",
                f"unit folder '{unit_entry.name}' is not a valid id: lowercase letters, digits and hyphens, "
                "at most 64 characters."))
        else:
            self._unit(unit_entry.name)

    def add_units(self, unit_ids: frozenset[str]) -> Registry:
        """Widen an incremental run's scope: load these unit folders too, in the order a full run has."""
        reg = self.reg
        new = frozenset(unit_ids) - (reg.scope or frozenset())
        if reg.scope is None or not new:
            return reg
        reg.scope = reg.scope | new
        enabled = gc.isenabled()
        gc.disable()
        try:
            self.load_units(new)
        finally:
            if enabled:
                gc.enable()
        return reg

    def load_units(self, unit_ids: frozenset[str]) -> None:
        """Load these unit folders into the registry, then put it back in the order a full load has."""
        reg = self.reg
        for entry in self._entries("accounts"):
            if entry.name in unit_ids:
                self._accounts_entry(entry)
        reg.units = dict(sorted(reg.units.items()))
        reg.accounts = dict(sorted(reg.accounts.items(), key=lambda kv: (kv[1].unit_id, kv[1].account_id)))
        _sort_requests(reg)

    def _unit(self, unit_id: str) -> None:
        base = f"accounts/{unit_id}"
        unit_path = f"{base}/unit.yaml"
        record = None
        entries = self._entries(base)
        if any(e.name == "unit.yaml" for e in entries):
            record = self.load_yaml(unit_path, Unit, "unit")
        else:
            self.reg.findings.append(_layout(unit_path, f"单位目录 {base} 缺少 unit.yaml：请先登记主办单位信息。",
                                             f"{base} has no unit.yaml: register the host unit first."))
            self.reg.broken.add(unit_path)
        unit = UnitRec(unit_id, record)
        self.reg.units[unit_id] = unit
        for entry in entries:
            rel = f"{base}/{entry.name}"
            if entry.name == "unit.yaml":
                continue
            if not entry.is_dir(follow_symlinks=False):
                self._stray(rel, "文件", "file")
            elif not _valid_id(entry.name):
                self.reg.findings.append(_layout(
                    rel, f"账号目录名 “{entry.name}” 不合规：只能用小写字母、数字和连字符，最长 64 个字符。",
                    f"account folder '{entry.name}' is not a valid id: lowercase letters, digits and hyphens."))
            else:
                self._account(unit, entry.name)

    def _account(self, unit: UnitRec, account_id: str) -> None:
        base = f"accounts/{unit.unit_id}/{account_id}"
        path = f"{base}/account.yaml"
        record = None
        entries = self._entries(base)
        if any(e.name == "account.yaml" for e in entries):
            record = self.load_yaml(path, Account, "account")
        else:
            self.reg.findings.append(_layout(path, f"账号目录 {base} 缺少 account.yaml。",
                                             f"{base} has no account.yaml."))
            self.reg.broken.add(path)
        acc = AccountRec(unit.unit_id, account_id, record)
        unit.accounts[account_id] = acc
        self.reg.accounts[acc.ref] = acc
        for entry in entries:
            rel = f"{base}/{entry.name}"
            if entry.name == "account.yaml":
                continue
            if entry.name == "requests" and entry.is_dir(follow_symlinks=False):
                for req in self._entries(rel):
                    self._request(acc, req)
            else:
                self._stray(rel, "文件或目录", "file or folder")

    def _request(self, acc: AccountRec, entry: Entry) -> None:
        folder = f"{acc.path.rsplit('/', 1)[0]}/requests/{entry.name}"
        m = REQUEST_DIR_RE.match(entry.name)
        day = _iso(m.group(1)) if m else None
        if not entry.is_dir(follow_symlinks=False) or m is None or day is None or m.group(2) not in ACTIONS:
            self.reg.findings.append(_layout(
                folder, f"申请目录名 “{entry.name}” 不合规：应为 “提交日期-事项”，如 2024-05-01-open，事项为 open、change、exit、close 或 register（存量登记）。",
                f"request folder '{entry.name}' must be '<YYYY-MM-DD>-<action>' with action open, change, exit, close or register."))
            return
        rec = RequestRec(folder, day, m.group(2), None)
        acc.requests.append(rec)
        stages = self.reg.governance.model.stages if self.reg.governance else None
        has_request = False
        for item in self._entries(folder):
            rel = f"{folder}/{item.name}"
            if item.name == "request.yaml":
                has_request = True
                rec.request = self.load_yaml(rel, Request, "request")
                rec.broken |= rec.request is None
                if rec.request is not None:
                    self._request_matches_folder(rec, rec.request)
                continue
            stage = item.name[:-5] if item.name.endswith(".yaml") else None
            if stage is None or not item.is_file(follow_symlinks=False):
                self._stray(rel, "文件", "file")
            elif stages is not None and stage not in stages:
                known = "、".join(stages)
                self.reg.findings.append(_layout(
                    rel, f"未知的审核环节 “{stage}”：审批文件名应为 governance.yaml 中的环节编号（{known}）加 .yaml。",
                    f"unknown stage '{stage}': approval files are named after a stage of governance.yaml "
                    f"({', '.join(stages)})."))
            else:
                approval = self.load_yaml(rel, Approval, "approval")
                if approval is None:
                    rec.broken = True
                else:
                    rec.approvals[stage] = approval
        if not has_request:
            rec.broken = True
            self.reg.findings.append(_layout(f"{folder}/request.yaml", f"申请目录 {folder} 缺少 request.yaml。",
                                             f"{folder} has no request.yaml."))

    def _request_matches_folder(self, rec: RequestRec, record: Record[Request]) -> None:
        req = record.model
        if req.action != rec.action:
            p = record.pos("action")
            self.reg.findings.append(make(
                "GM020", record.path, p.line, p.column,
                f"action 为 “{req.action}”，但目录名写的是 “{rec.action}”：两者必须一致。",
                f"action is '{req.action}' but the folder says '{rec.action}': they must agree."))
        if req.submitted_on != rec.submitted_on:
            p = record.pos("submitted_on")
            self.reg.findings.append(make(
                "GM020", record.path, p.line, p.column,
                f"submitted_on 为 {req.submitted_on}，但目录名的日期是 {rec.submitted_on}：两者必须一致。",
                f"submitted_on is {req.submitted_on} but the folder date is {rec.submitted_on}: they must agree."))

    def _announcements(self) -> None:
        for entry in self._entries("announcements"):
            rel = f"announcements/{entry.name}"
            m = ANNOUNCEMENT_RE.match(entry.name)
            day = _iso(m.group(1)) if m else None
            if not entry.is_file(follow_symlinks=False) or m is None or day is None or not _valid_id(m.group(2)):
                if entry.is_symlink():
                    self._read(rel)  # reports the link
                    continue
                self.reg.findings.append(_layout(
                    rel, f"公告文件名 “{entry.name}” 不合规：应为 “发布日期-简称.md”，如 2024-05-01-wangyi-fabu-weibo.md。",
                    f"announcement file '{entry.name}' must be named '<YYYY-MM-DD>-<slug>.md'."))
                continue
            md, problems = self._markdown(rel)
            if md is None and not problems:
                continue
            self.reg.findings.extend(problems)
            record = self._model(rel, Announcement, "announcement", md.front) if md else None
            if md is None or record is None:
                self.reg.broken.add(rel)
                continue
            if record.model.published_on != day:
                p = record.pos("published_on")
                self.reg.findings.append(make(
                    "GM020", rel, p.line, p.column,
                    f"published_on 为 {record.model.published_on}，但文件名的日期是 {day}：两者必须一致。",
                    f"published_on is {record.model.published_on} but the file name says {day}."))
            self.reg.announcements.append(AnnouncementRec(m.group(2), day, record, md.body, md.body_line))


def _sort_requests(registry: Registry) -> None:
    for acc in registry.accounts.values():
        acc.requests.sort(key=lambda r: (r.submitted_on, ACTIONS.index(r.action)))


def load(root: Path | str, cache: ParseCache | None = None, progress: Progress | None = None,
         scope: frozenset[str] | None = None) -> Registry:
    """Load the register at ``root``. Never raises for bad input: problems are ``registry.findings``.

    ``scope``: load only these unit folders of accounts/ (an incremental run, govmedia/run/incremental.py).

    The garbage collector is paused while loading: the register is a tree of fresh objects without cycles,
    and collecting during a 60,000-file load costs more than the parsing itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        registry = Loader(Path(root), cache, progress, scope).load()
    finally:
        if enabled:
            # What was loaded lives until the run ends: move it out of the collector's sight, so that
            # the rules' garbage does not trigger full passes over ~10 objects per register field.
            gc.freeze()
            gc.enable()
    _sort_requests(registry)
    return registry


def with_files(base: Registry, files: Mapping[str, bytes]) -> Registry:
    """``base`` with ``files`` ({relative path: bytes}, new or replacing) in place, in memory: the unit folders
    and the announcements the files belong to are loaded again with them; the rest of ``base`` is shared.
    ``base`` itself is left as it was. Files outside accounts/<unit>/ and announcements/ are refused."""
    units = sorted({rel.split("/")[1] for rel in files if rel.startswith("accounts/") and rel.count("/") >= 2})
    announcements = any(rel.startswith("announcements/") and rel.count("/") == 1 for rel in files)
    if len(units) + announcements == 0 or any(rel.count("/") < 1 or rel.split("/")[0] not in ("accounts", "announcements")
                                              for rel in files):
        raise ValueError("candidate files belong under accounts/<unit>/ or announcements/")
    touched = tuple(f"accounts/{uid}" for uid in units) + (("announcements",) if announcements else ())

    def kept(path: str) -> bool:
        return not any(path == t or path.startswith(t + "/") for t in touched)

    reg = replace(base, units={k: u for k, u in base.units.items() if k not in units},
                  accounts={k: a for k, a in base.accounts.items() if a.unit_id not in units},
                  announcements=[] if announcements else list(base.announcements),
                  findings=[f for f in base.findings if kept(f.path)], broken={p for p in base.broken if kept(p)},
                  derived={}, carry={}, carried={})
    loader = Loader(base.root, None, None, base.scope, files)
    loader.reg = reg
    if announcements:
        loader._announcements()
    loader.load_units(frozenset(units))
    return reg


def load_more(registry: Registry, cache: ParseCache | None, unit_ids: frozenset[str]) -> Registry:
    """Add unit folders to a registry loaded with a ``scope`` (an incremental run widening its scope)."""
    loader = Loader(registry.root, cache, None, registry.scope)
    loader.reg = registry
    return loader.add_units(unit_ids)
