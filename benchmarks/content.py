"""GM501's detector against the labelled real-world corpus: recall, false positives and scan speed.

    .venv/bin/python benchmarks/content.py              # tune split only, with its mistakes
    .venv/bin/python benchmarks/content.py --holdout    # also the held-out split (numbers only)

Recall: the share of spam passages reported. False-positive rate: the share of clean passages reported
(GM501), and the same for GM504 (personal data). The corpus is tests/corpus/content/ (real defaced and
spam text, real government and police prose, each file with its source URL and its split). Tuning looks
at the tune split only: the held-out split's mistakes are never printed, only its counts. Speed: the time to
scan the whole corpus, and per KB on 1 KB and 100 KB texts made of corpus passages.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govmedia.rules.content import BUILTIN_TERMS  # noqa: E402
from govmedia.rules.lib.contentscan import parse_terms, personal_data  # noqa: E402
from govmedia.rules.lib.detector import Detector  # noqa: E402
from govmedia.rules.lib.learned import model as learned_model  # noqa: E402
from tests.content_corpus import ALLOWED, HELD_OUT, Passage, load  # noqa: E402


def measure(detector: Detector, passages: list[Passage], split: str, show: bool) -> dict[str, float]:
    spam = [p for p in passages if p.split == split and p.label == "spam"]
    clean = [p for p in passages if p.split == split and p.label == "clean"]
    missed = [p for p in spam if not detector.scan(p.text)]
    flagged = [(p, v) for p in clean for v in detector.scan(p.text)[:1]]
    personal = [p for p in clean if personal_data(p.text, ALLOWED)]
    if show:
        for p in missed:
            print(f"  missed  {p.name}: {p.text[:100]}")
        for p, v in flagged:
            why = ", ".join(f"{s.family}:{s.label}({s.weight})" for s in v.signals)
            print(f"  flagged {p.name}: score {v.score} [{why}] {p.text[:80]}")
        for p in personal:
            print(f"  GM504   {p.name}: {[i.text for i in personal_data(p.text, ALLOWED)]}")
    return {"spam": len(spam), "clean": len(clean), "recall": 1 - len(missed) / max(1, len(spam)),
            "fp": len(flagged) / max(1, len(clean)), "fp504": len(personal) / max(1, len(clean))}


def speed(detector: Detector, passages: list[Passage]) -> tuple[float, float, float]:
    """Seconds for the whole corpus; microseconds per KB at 1 KB and at 100 KB."""
    started = time.perf_counter()
    for p in passages:
        detector.scan(p.text)
    whole = time.perf_counter() - started
    joined = "\n\n".join(p.text for p in passages)
    per_kb = []
    for size in (1024, 100 * 1024):
        text = (joined * (1 + size // len(joined)))[:size]
        repeat = max(1, 200_000 // size)
        started = time.perf_counter()
        for _ in range(repeat):
            detector.scan(text)
        per_kb.append((time.perf_counter() - started) / repeat / (size / 1024) * 1e6)
    return whole, per_kb[0], per_kb[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holdout", action="store_true", help="also measure the held-out split (counts only)")
    parser.add_argument("--quiet", action="store_true", help="no list of the tune split's mistakes")
    args = parser.parse_args()
    started = time.perf_counter()
    terms = parse_terms(BUILTIN_TERMS.read_text(encoding="utf-8"), "builtin")
    detector = Detector(terms, ALLOWED, learned_model())
    built = time.perf_counter() - started
    patterns = Detector(terms, ALLOWED)
    passages = load()
    print(f"detector built in {built * 1000:.0f} ms; {len(passages)} passages")
    for split in ("tune", *HELD_OUT) if args.holdout else ("tune",):
        r = measure(detector, passages, split, show=split == "tune" and not args.quiet)
        alone = measure(patterns, passages, split, show=False)
        print(f"{split:8} spam {r['spam']:3d}  recall {r['recall']:6.1%}   clean {r['clean']:3d}  "
              f"GM501 false positives {r['fp']:5.1%}  GM504 false positives {r['fp504']:5.1%}   "
              f"(patterns alone: {alone['recall']:6.1%}, {alone['fp']:5.1%})")
    whole, small, large = speed(detector, passages)
    print(f"speed    corpus {whole * 1000:.1f} ms ({len(passages)} passages); "
          f"{small:.0f} µs/KB at 1 KB, {large:.0f} µs/KB at 100 KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
