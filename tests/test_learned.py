"""GM501's learned model (govmedia/rules/lib/learned.py): what it reads, how it is combined with the pattern
families, that the shipped file is what the training script makes from the tune split, and its finding."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.rules.content import BUILTIN_TERMS
from govmedia.rules.lib.contentscan import parse_terms
from govmedia.rules.lib.detector import Detector
from govmedia.rules.lib.learned import MAX_N, MIN_CHARS, Model, grams, model, normalised, normalised_text, parse

from .conftest import run_check

REPO = Path(__file__).resolve().parent.parent
TERMS = parse_terms(BUILTIN_TERMS.read_text(encoding="utf-8"), "builtin")
SHIPPED = model()


def with_bias(bias: float) -> Model:
    """The shipped model, made to call every passage spam (bias 50) or none (bias -50)."""
    return replace(SHIPPED, bias=bias)


def test_normalised_text_maps_back_to_the_original() -> None:
    text = "澳門 娛樂城 ｗｗｗ 8888 見 https://evil.example.com/x 或 a@b.com 聯繫"
    norm, first, last = normalised(text)
    assert norm == "澳门娱乐城a0见或联系"  # folded, one character per run, no link, no e-mail address
    assert normalised_text("见[官网](https://a.b/c)和![图](data:image/png;base64,AAAA)") == "见官网和图"  # link text stays
    assert len(first) == len(last) == len(norm)
    assert text[first[5] : last[5] + 1] == "ｗｗｗ" and text[first[6] : last[6] + 1] == "8888"


def test_shipped_model_reads_only_what_normalised_text_can_hold() -> None:
    """Every key of the model file is an n-gram of normalised text or a pattern family's token."""
    for key in SHIPPED.weights:
        if key.startswith("@"):
            assert key[1:] and " " not in key
        else:
            assert 1 <= len(key) <= MAX_N and normalised(key)[0] == key, key
    assert 0 < SHIPPED.veto < SHIPPED.threshold < 1


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn (the dev extra) trains")
def test_shipped_model_is_what_training_on_the_tune_split_gives() -> None:
    """No hand-edited weight, no held-out text: the script retrains and compares (scripts/train_gm501.py)."""
    done = subprocess.run([sys.executable, "scripts/train_gm501.py", "--check"], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn (the dev extra) trains")
def test_the_threshold_rule_is_code() -> None:
    """The grid's rule picks the best recall within half the false-positive target, else the fewest false
    positives; the shipped THRESHOLD and VETO are what it picked (the script stops when they differ)."""
    spec = importlib.util.spec_from_file_location("train_gm501", REPO / "scripts" / "train_gm501.py")
    assert spec is not None and spec.loader is not None
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    rates = {(0.6, 0.3): (0.91, 0.008), (0.7, 0.3): (0.89, 0.005), (0.8, 0.3): (0.84, 0.004),
             (0.7, 0.2): (0.89, 0.005)}
    assert train.chosen(rates) == (0.7, train.VETO)  # best recall within 0.5 %; the veto in use breaks the tie
    over = {key: (recall, fp + 0.003) for key, (recall, fp) in rates.items()}
    assert train.chosen(over) == (0.8, 0.3)  # nothing within: the fewest false positives
    assert (SHIPPED.threshold, SHIPPED.veto) == (train.THRESHOLD, train.VETO)


def test_the_model_never_clears_a_brand_or_a_contact() -> None:
    clears = Detector(TERMS, ("gov.cn",), with_bias(-50))
    assert clears.scan("欢迎光临澳门新葡京官方网站，注册即送彩金")  # a brand
    assert clears.scan("出黑咨询微：zxcvbnms2779 扣：1217771269")  # contacts
    assert Detector(TERMS, ("gov.cn",)).scan("百家乐老虎机官网注册下载")  # list words alone: the patterns say spam
    assert clears.scan("百家乐老虎机官网注册下载") == []  # and a model that reads it as clean clears it


def test_the_model_reports_what_it_reads_as_spam_with_its_evidence() -> None:
    text = "第一段是正常的说明文字。\n\n本平台上下分秒到账，日结稳定收益高。"
    (verdict,) = Detector(TERMS, ("gov.cn",), with_bias(50)).scan(text)[1:]
    assert verdict.score == 0 and verdict.probability is not None and verdict.probability > 0.99
    assert text[verdict.start : verdict.end] == "本平台上下分秒到账，日结稳定收益高。"
    model_signals = [s for s in verdict.signals if s.family == "model"]
    assert model_signals and all(verdict.start <= s.start < s.end <= verdict.end for s in model_signals)
    assert all(normalised(text[s.start : s.end])[0] == s.label for s in model_signals)


def test_short_texts_and_names_are_left_to_the_patterns() -> None:
    reports = Detector(TERMS, ("gov.cn",), with_bias(50))
    short = "王益区体育局"
    assert len(normalised(short)[0]) < MIN_CHARS and reports.scan(short) == []
    assert reports.scan("王益区人民政府办公室政务服务窗口", name=True) == []  # a name: the model only clears
    assert reports.scan("王益区人民政府办公室政务服务窗口")  # the same words in a passage


def test_an_allowed_text_is_no_evidence() -> None:
    reports = Detector(TERMS, ("gov.cn",), with_bias(50))
    text = "本平台上下分秒到账，日结稳定收益高。"
    assert reports.scan(text)
    assert reports.scan(text, [text]) == []  # every character allowed: nothing left to read


def test_model_file_errors_are_named() -> None:
    with pytest.raises(ValueError, match="unreadable line"):
        parse("bias\t0\nthreshold\t0.5\nveto\t0.2\na\tb\tc\td\n")
    with pytest.raises(ValueError, match="no threshold, veto line"):
        parse("bias\t0\n")
    assert parse("# c\nbias\t1\nthreshold\t0.5\nveto\t0.2\n体育\t1.5\t2\n").weights == {"体育": (1.5, 2.0)}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_estimate_and_evidence_are_total_and_bounded(text: str) -> None:
    probability = SHIPPED.estimate(text)
    if probability is None:
        assert len(normalised(text)[0]) < MIN_CHARS
        return
    assert 0.0 <= probability <= 1.0
    assert all(0 <= e.start < e.end <= len(text) for e in SHIPPED.evidence(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("澳門娛樂城ｗｗｗ８8a Zé。，@.:/https体育"), max_size=60))
def test_the_fast_reading_is_the_mapped_one(text: str) -> None:
    """Scoring reads normalised_text; evidence reads normalised: they must be the same text."""
    assert normalised_text(text) == normalised(text)[0]


def test_grams_are_every_substring_up_to_max_n() -> None:
    assert grams("abcd") == {"a", "ab", "abc", "b", "bc", "bcd", "c", "cd", "d"}


def test_a_model_verdict_through_the_check_says_probability_and_evidence(
        make_register: Callable[..., Path]) -> None:
    root = make_register()
    ann = sorted((root / "announcements").glob("*.md"))[0]
    text = ann.read_text(encoding="utf-8")
    ann.write_text(text + "\n\n同城上门，学生兼职，全套服务，安全私密，提前预约，到付不收定金。\n", encoding="utf-8")
    findings = [f for f in run_check(root) if f.code == "GM501"]
    assert len(findings) == 1, findings
    (finding,) = findings
    assert "统计模型判为垃圾内容的概率" in finding.zh and "learned model's spam probability" in finding.en
    assert "统计模型特征" in finding.zh
