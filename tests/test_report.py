"""``govmedia report``: periods, pending requests and waiting times, agreements, announcements, findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govmedia.cli import main
from govmedia.register.context import Context
from govmedia.run.engine import check
from govmedia.staff.report import build, markdown, parse_period

from .casefile import Case, apply
from .conftest import BASE_TODAY


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_parse_period(text: str, start: date, end: date) -> None:
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-01", "2026-1", "2026/11", "", "2026-11-01", "0000"])
def test_bad_period(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


def test_period_labels() -> None:
    assert parse_period("2026-11").label("zh") == "2026年11月"
    assert parse_period("2026-Q4").label("zh") == "2026年第4季度"
    assert parse_period("2026").label("zh") == "2026年度"
    assert parse_period("2026-Q4").label("en") == "Q4 2026"


def _report(root: Path, period: str = "2026-06", today: date = BASE_TODAY) -> dict[str, object]:
    reg, findings = check(Context(root=root, today=today))
    return build(reg, findings, today, parse_period(period))


def test_report_contents(make_register: Callable[..., Path]) -> None:
    root = make_register()
    # An agreement that runs out in ten days, and one finding.
    apply(Case(root / "x.yaml", {"set": {
        "accounts/wangyi-gov-office/weibo/account.yaml": {"undertaking.agreement.expires_on": "2026-06-11"},
        "accounts/wangyi-education/weibo/account.yaml": {"interaction.comments": False}}}), root)
    data = _report(root)
    pending = {r["account"]: r for r in data["pending_requests"]}  # type: ignore[attr-defined]
    kuaishou = pending["wangyi-education/kuaishou"]
    assert kuaishou["action"] == "open" and kuaishou["waiting_at"] == "city_office"
    assert kuaishou["waiting_at_title"] == "市政府办公室"
    assert kuaishou["days_total"] == (BASE_TODAY - date.fromisoformat(kuaishou["submitted_on"])).days
    assert kuaishou["days_at_stage"] < kuaishou["days_total"]
    assert pending["wangyi-market-regulation/toutiao"]["waiting_at"] == "district_office"
    assert set(pending) == {"wangyi-education/kuaishou", "wangyi-market-regulation/toutiao",
                            "wangyi-data-center/wechat-official", "wangyi-culture-tourism/bilibili"}
    agreements = data["agreements_expiring"]
    assert [(a["account"], a["days_left"]) for a in agreements] == [  # type: ignore[attr-defined]
        ("wangyi-gov-office/weibo", 10)]
    assert data["accounts"]["total"] == 21  # type: ignore[index]
    assert data["accounts"]["by_status"]["active"] == 14  # type: ignore[index]
    ending = [a["display_until"] for a in data["announcements_ending"]]  # type: ignore[attr-defined]
    assert ending and all(d.startswith("2026-06") for d in ending)
    assert data["findings"]["by_code"] == {"GM402": 1}  # type: ignore[index]
    md = markdown(data)
    assert md.startswith("# 铜川市王益区政务新媒体监管报告（2026年6月）")
    for heading in ("一、账号概况", "二、待审批的申请", "三、30 天内到期或已到期的委托协议", "四、本期结束展示的公告",
                    "五、检查发现的问题"):
        assert f"## {heading}" in md
    assert "市政府办公室" in md and "GM402" in md and "wangyi-gov-office/weibo" in md
    assert "## 2. Pending requests" in markdown(data, "en")


def test_hostile_text_is_escaped_in_markdown(make_register: Callable[..., Path]) -> None:
    root = make_register()
    apply(Case(root / "x.yaml", {"set": {
        "announcements/2026-05-24-wangyi-gov-office-wechat-official-opening.md": {
            "title": "公告 | <script>alert(1)</script> [点此](https://bet.example)"}}}), root)
    md = markdown(_report(root, "2026-07"))
    assert "<script>" not in md and "[点此](" not in md
    assert "\\[点此\\]" in md and "公告 \\| &lt;script&gt;" in md


def test_cli_json_and_markdown(make_register: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = make_register()
    assert main(["report", "--root", str(root), "--today", "2026-06-01", "--period", "2026-Q2",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"text": "2026-Q2", "label": "2026年第2季度", "start": "2026-04-01",
                              "end": "2026-06-30"}
    assert data["findings"]["items"] == []
    assert main(["report", "--root", str(root), "--today", "2026-06-01"]) == 0
    assert "（2026年6月）" in capsys.readouterr().out
    assert main(["report", "--root", str(root), "--today", "2026-06-01", "--lang", "en", "--period", "2026"]) == 0
    assert "report" in capsys.readouterr().out
    assert main(["report", "--root", str(root), "--period", "2026-13"]) == 2
    assert main(["report", "--root", str(root / "missing")]) == 2
