"""Signers per unit, and key validity judged at the base commit's time (real keys, real signed commits)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from govmedia.history.signatures import valid_at

from .gitrepo import GIT_ENV, Repo, make_repo
from .test_chain import OPEN as CHAIN_OPEN
from .test_chain import _one_mr_opening
from .test_signatures import _key, _signer_line

NEW = "accounts/wangyi-education/douyin"
OPEN = f"{NEW}/requests/2026-05-30-open"
KUAISHOU_OPEN = "accounts/wangyi-education/kuaishou/requests/2026-05-12-open"
DOUYIN_ID = "MS4wLjABAAAA" + "a1b2c3d4e5" * 3


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    return {name: _key(tmp_path, name) for name in ("education", "health", "city")}


def _setup(root: Path, keys: dict[str, tuple[Path, str]], city_options: str = "") -> Repo:
    gov_path = root / "policies/governance.yaml"
    gov = yaml.safe_load(gov_path.read_text(encoding="utf-8"))
    # a shared list of every unit head (the weakness), and each unit's own list
    gov["stages"]["unit_head"]["allowed_signers"] = "policies/signers/unit-heads"
    gov["stages"]["city_office"]["allowed_signers"] = "policies/signers/city"
    gov_path.write_text(yaml.safe_dump(gov, allow_unicode=True, sort_keys=False), encoding="utf-8")
    signers = root / "policies/signers"
    signers.mkdir(parents=True, exist_ok=True)
    (signers / "unit-heads").write_text(_signer_line("education@wangyi.gov.cn", keys["education"][1])
                                        + _signer_line("health@wangyi.gov.cn", keys["health"][1]), encoding="utf-8")
    (signers / "wangyi-education").write_text(_signer_line("education@wangyi.gov.cn", keys["education"][1]),
                                              encoding="utf-8")
    (signers / "city").write_text(f'city@wangyi.gov.cn namespaces="git"{city_options} {keys["city"][1]}\n',
                                  encoding="utf-8")
    unit = root / "accounts/wangyi-education/unit.yaml"
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    data["allowed_signers"] = "policies/signers/wangyi-education"
    unit.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return make_repo(root)


def _apply(repo: Repo) -> None:
    data = yaml.safe_load(repo.read("accounts/wangyi-education/kuaishou/account.yaml"))
    data.update(platform="douyin", platform_id=DOUYIN_ID, url=f"https://www.douyin.com/user/{DOUYIN_ID}")
    repo.write(f"{NEW}/account.yaml", yaml.safe_dump(data, allow_unicode=True))
    repo.write(f"{OPEN}/request.yaml", yaml.safe_dump({
        "action": "open", "submitted_on": "2026-05-30", "applicant": {"name": "李红梅", "title": "局长"}},
        allow_unicode=True))
    repo.approve(OPEN, "unit_head", date(2026, 5, 31), "李红梅", "局长")


def _codes(repo: Repo) -> list[str]:
    return sorted(f.code for f in repo.findings(signatures=True))


def test_the_units_own_head_signs(make_register: Callable[..., Path], keys: dict[str, tuple[Path, str]]) -> None:
    repo = _setup(make_register(), keys)
    _apply(repo)
    repo.commit_signed("education applies", keys["education"][0])
    assert _codes(repo) == []


def test_another_units_head_cannot_sign(make_register: Callable[..., Path], keys: dict[str, tuple[Path, str]]) -> None:
    repo = _setup(make_register(), keys)
    _apply(repo)
    repo.commit_signed("health signs for education", keys["health"][0])
    found = repo.findings(signatures=True)
    assert [(f.code, f.path) for f in found] == [("GM604", f"{OPEN}/unit_head.yaml")]


def _commit_signed_at(repo: Repo, key: Path, when: str) -> None:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.root.parent), "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "add", "-A"], cwd=repo.root, env=env, check=True)
    subprocess.run(["git", "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S", "-m",
                    "city office approves"], cwd=repo.root, env=env, check=True)


def _approve_city(repo: Repo) -> None:
    repo.approve(KUAISHOU_OPEN, "city_office", date(2026, 5, 30), "陈建国", "市政府办公室副主任", "铜政办函〔2026〕701号")


def test_a_retired_key_with_a_back_dated_commit(make_register: Callable[..., Path],
                                                 keys: dict[str, tuple[Path, str]]) -> None:
    """The city key was retired on 2026-01-01; the commit claims 2025-12-01, git would accept it then. The
    base commit (2026-06-01) decides: refused."""
    repo = _setup(make_register(), keys, ',valid-before="20260101"')
    _approve_city(repo)
    _commit_signed_at(repo, keys["city"][0], "2025-12-01T08:00:00+08:00")
    assert _codes(repo) == ["GM604"]


def test_a_key_valid_at_the_base_is_accepted(make_register: Callable[..., Path],
                                             keys: dict[str, tuple[Path, str]]) -> None:
    repo = _setup(make_register(), keys, ',valid-after="20260101"')
    _approve_city(repo)
    _commit_signed_at(repo, keys["city"][0], "2025-12-01T08:00:00+08:00")  # a date git alone would refuse
    assert _codes(repo) == []


def test_valid_at_keeps_and_strips() -> None:
    text = (b'a namespaces="git",valid-before="20260101" ssh-ed25519 AAAA\n'
            b'b valid-after="20250101Z",namespaces="git" ssh-ed25519 BBBB\n# comment\n')
    kept = valid_at(text, datetime(2026, 6, 1, tzinfo=UTC)).decode()
    assert kept == 'b namespaces="git" ssh-ed25519 BBBB\n'


def test_one_merge_request_carries_a_signed_chain(make_register: Callable[..., Path], tmp_path: Path) -> None:
    """The whole opening in one merge request, each stage's approval committed and signed by that stage's
    signer (the unit's own head for unit_head): passes --base --verify-signatures."""
    keys = {name: _key(tmp_path, name) for name in ("education", "health", "city", "district", "province")}
    root = make_register()
    gov_path = root / "policies/governance.yaml"
    gov = yaml.safe_load(gov_path.read_text(encoding="utf-8"))
    for stage, who in (("district_office", "district"), ("province_office", "province")):
        gov["stages"][stage]["allowed_signers"] = f"policies/signers/{stage}"
        (root / "policies/signers").mkdir(parents=True, exist_ok=True)
        (root / f"policies/signers/{stage}").write_text(_signer_line(f"{who}@gov.cn", keys[who][1]), encoding="utf-8")
    gov_path.write_text(yaml.safe_dump(gov, allow_unicode=True, sort_keys=False), encoding="utf-8")
    repo = _setup(root, keys)
    _one_mr_opening(repo)
    stages = ("unit_head", "district_office", "city_office", "province_office")
    texts = {s: repo.read(f"{CHAIN_OPEN}/{s}.yaml") for s in stages}
    for s in stages:
        (repo.root / f"{CHAIN_OPEN}/{s}.yaml").unlink()
    repo.commit("the application, the account and its announcement")
    for stage, who in zip(stages, ("education", "district", "city", "province"), strict=True):
        repo.write(f"{CHAIN_OPEN}/{stage}.yaml", texts[stage])
        repo.commit_signed(f"{stage} approves", keys[who][0])
    assert [(f.code, f.path) for f in repo.findings(signatures=True, codes="GM")] == []
    # the same chain with the city's file signed by the district office is caught
    repo.write(f"{CHAIN_OPEN}/city_office.yaml", texts["city_office"] + "comment: 同意。\n")
    repo.commit_signed("district touches the city's approval", keys["district"][0])
    assert ("GM604", f"{CHAIN_OPEN}/city_office.yaml") in [(f.code, f.path) for f in repo.findings(signatures=True)]
