"""Reading a platform's event payload as data: every value is looked up by a fixed path and must have
the expected type, or the bot stops with a message that names the path. Nothing read here is ever
pasted into a shell or a file name without passing a pattern first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from govmedia.findings.message import Msg

MAX_EVENT_BYTES = 25 * 1024 * 1024  # GitHub caps a webhook payload at 25 MB
CHINA = timezone(timedelta(hours=8))  # dates in the register are dates in China


class PayloadError(Exception):
    """The event is not what the bot expects: the message says which value and why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


def load_event(path: Path) -> dict[str, Any]:
    """The JSON object in ``path`` (``$GITHUB_EVENT_PATH``), bounded in size."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_EVENT_BYTES + 1)
    except OSError as exc:
        raise PayloadError(Msg(f"无法读取事件文件 {path}：{exc.strerror}。", f"cannot read the event file {path}: "
                               f"{exc.strerror}.")) from exc
    if len(raw) > MAX_EVENT_BYTES:
        raise PayloadError(Msg(f"事件文件 {path} 超过 25 MB。", f"the event file {path} is larger than 25 MB."))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError(Msg(f"事件文件 {path} 不是 JSON。", f"the event file {path} is not JSON.")) from exc
    if not isinstance(data, dict):
        raise PayloadError(Msg(f"事件文件 {path} 不是 JSON 对象。", f"the event file {path} is not a JSON object."))
    return data


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def text(data: Any, *path: str, required: bool = True) -> str:
    value = _at(data, path)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        where = ".".join(path)
        raise PayloadError(Msg(f"事件中缺少文本值 {where}。", f"the event has no text value {where}."))
    return value


def number(data: Any, *path: str) -> int:
    value = _at(data, path)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        where = ".".join(path)
        raise PayloadError(Msg(f"事件中缺少编号 {where}。", f"the event has no number {where}."))
    return value


def labels(data: Any, *path: str) -> list[str]:
    value = _at(data, path)
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            out.append(name)
    return out


def china_date(stamp: str) -> date:
    """The date in China of a platform timestamp (``2026-12-07T02:03:04Z``)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(Msg(f"时间 {stamp[:40]} 的格式不对。", f"the time {stamp[:40]} is malformed.")) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()


@dataclass
class Outcome:
    """What a bot verb decided: the files to write on a branch (None deletes), the commit message, and
    what to say (the comment, Chinese by default). ``changed`` is False when nothing is to be written."""

    comment: Msg
    files: dict[str, str | None] = field(default_factory=dict)
    commit: str = ""
    notes: list[Msg] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.files)
