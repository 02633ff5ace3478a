"""Signed approvals (``--verify-signatures``) with real ed25519 keys made by ssh-keygen.

The stage's signer list is read at the base revision; problems are GM604 findings.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml

from .gitrepo import Repo, approval, make_repo


@pytest.fixture(autouse=True)
def _ssh_keygen() -> None:
    """Fail, not skip, without ssh-keygen: a skipped suite would hide the missing install step."""
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is missing: install Debian's openssh-client (scripts/test.sh does)", pytrace=False)


KUAISHOU_OPEN = "accounts/wangyi-education/kuaishou/requests/2026-05-12-open"
CITY_APPROVAL = f"{KUAISHOU_OPEN}/city_office.yaml"
SIGNERS = "policies/signers/{stage}.allowed_signers"


def _key(tmp: Path, name: str) -> tuple[Path, str]:
    key = tmp / "keys" / name
    key.parent.mkdir(exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, key.with_suffix(".pub").read_text(encoding="ascii").strip()


def _signer_line(principal: str, public: str) -> str:
    return f'{principal} namespaces="git" {public}\n'


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    return {name: _key(tmp_path, name) for name in ("city", "district", "stranger")}


@pytest.fixture
def signed_repo(make_register: Callable[..., Path], keys: dict[str, tuple[Path, str]]) -> Repo:
    root = make_register()
    gov_path = root / "policies/governance.yaml"
    gov = yaml.safe_load(gov_path.read_text(encoding="utf-8"))
    for stage, who in (("city_office", "city"), ("district_office", "district")):
        gov["stages"][stage]["allowed_signers"] = SIGNERS.format(stage=stage)
        target = root / SIGNERS.format(stage=stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_signer_line(f"{who}@wangyi.gov.cn", keys[who][1]), encoding="utf-8")
    gov_path.write_text(yaml.safe_dump(gov, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return make_repo(root)


def _approve_city(repo: Repo) -> None:
    repo.write(CITY_APPROVAL, approval(date(2026, 5, 30), "赵强", "市政府办公室主任", "铜政办函〔2026〕30号"))


def _messages(repo: Repo) -> list[tuple[str, str, str]]:
    return [(f.code, f.path, f.zh) for f in repo.findings(signatures=True)]


def test_good_signature(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    _approve_city(signed_repo)
    signed_repo.commit_signed("city office approves", keys["city"][0])
    assert signed_repo.findings(signatures=True) == []


def test_without_the_flag_nothing_is_verified(signed_repo: Repo) -> None:
    _approve_city(signed_repo)
    signed_repo.commit("unsigned")
    assert signed_repo.findings(signatures=False) == []


def test_unsigned(signed_repo: Repo) -> None:
    _approve_city(signed_repo)
    signed_repo.commit("unsigned")
    [(code, path, zh)] = _messages(signed_repo)
    assert (code, path) == ("GM604", CITY_APPROVAL) and "没有签名" in zh


def test_wrong_principal(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    _approve_city(signed_repo)
    signed_repo.commit_signed("district signs for the city", keys["district"][0])
    [(code, path, zh)] = _messages(signed_repo)
    assert (code, path) == ("GM604", CITY_APPROVAL)
    assert "district@wangyi.gov.cn" in zh and "city_office" in zh


def test_unknown_key(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    _approve_city(signed_repo)
    signed_repo.commit_signed("a stranger signs", keys["stranger"][0])
    [(code, _, zh)] = _messages(signed_repo)
    assert code == "GM604" and "不在环节 city_office" in zh


def test_signer_list_edited_in_the_same_merge_request(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    path = signed_repo.root / SIGNERS.format(stage="city_office")
    path.write_text(path.read_text(encoding="utf-8") + _signer_line("me@evil.example", keys["stranger"][1]),
                    encoding="utf-8")
    _approve_city(signed_repo)
    signed_repo.commit_signed("add my key and approve", keys["stranger"][0])
    assert [c for c, _, _ in _messages(signed_repo)] == ["GM604"]


def test_governance_pointing_elsewhere_in_the_same_merge_request(
        signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    signed_repo.write("policies/signers/mine", _signer_line("me@evil.example", keys["stranger"][1]))
    gov = yaml.safe_load(signed_repo.read("policies/governance.yaml"))
    gov["stages"]["city_office"]["allowed_signers"] = "policies/signers/mine"
    signed_repo.write("policies/governance.yaml", yaml.safe_dump(gov, allow_unicode=True, sort_keys=False))
    _approve_city(signed_repo)
    signed_repo.commit_signed("point at my list", keys["stranger"][0])
    # the signature is judged by the base's list, and the governance change itself needs a policy request
    assert sorted(c for c, _, _ in _messages(signed_repo)) == ["GM604", "GM605"]


def test_later_unsigned_edit_is_caught(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    _approve_city(signed_repo)
    signed_repo.commit_signed("city office approves", keys["city"][0])
    signed_repo.edit(CITY_APPROVAL, comment="后来改的")
    signed_repo.commit("unsigned touch-up")
    assert [c for c, _, _ in _messages(signed_repo)] == ["GM604"]


def test_uncommitted_approval(signed_repo: Repo) -> None:
    _approve_city(signed_repo)
    [(code, _, zh)] = _messages(signed_repo)
    assert code == "GM604" and "尚未提交" in zh


def test_stage_without_signer_list(signed_repo: Repo, keys: dict[str, tuple[Path, str]]) -> None:
    path = "accounts/wangyi-data-center/wechat-official/requests/2026-05-02-exit/province_office.yaml"
    signed_repo.write(path, approval(date(2026, 5, 30), "孙明", "省政府办公厅秘书长", "陕政办函〔2026〕8号"))
    signed_repo.commit_signed("province approves", keys["city"][0])
    [(code, where, zh)] = _messages(signed_repo)
    assert (code, where) == ("GM604", path) and "签名人名单" in zh


def test_verify_signatures_needs_base(signed_repo: Repo) -> None:
    from govmedia.cli import main

    assert main(["check", "--root", str(signed_repo.root), "--verify-signatures"]) == 2
