"""GM501's learned half: a linear model over character n-grams, trained on the labelled corpus' tune split.

The pattern families of detector.py catch what they were written for. Spam that names no listed brand and
uses no listed word (an escort ad, a loan offer, a casino's rules page) still has a vocabulary of its own,
and warnings have theirs; a logistic regression over the character 1- to 3-grams of a passage learns both
from real text. scripts/train_gm501.py fits it with scikit-learn (TF-IDF, binary term frequency, L2 norm)
and writes data/gm501-model.tsv; this module only reads that file and scores, so scikit-learn is not a
run-time dependency. Scoring is one dictionary lookup per n-gram: linear in the length of the text.

Text is compared folded (govmedia/dialect/textfold.py: NFKC, case, traditional -> simplified, no spaces or
punctuation), without its links and e-mail addresses, and with each run of digits or Latin letters as one
character (:func:`normalised`). :func:`features` is the one definition of the n-grams: the training script
gives it to scikit-learn as its analyzer, so training and scoring cannot drift apart.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from govmedia.dialect.textfold import fold, fold_map
from govmedia.rules.lib.contentscan import BARE_URL, email_spans

MODEL_FILE = "data/gm501-model.tsv"
MAX_N = 3
MIN_CHARS = 8  # characters the model reads: a shorter text (most names) is too little evidence
_RUN = re.compile(r"[a-z]+|[0-9]+")


# A Markdown link's or image's destination, an autolink, a URI of another scheme (data:, mailto:): what GM502
# reads. No expression needs a closing mark, so each match ends where its class does: linear in the text.
_TARGET = re.compile(r"(?<=\])\([^)\s]*|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^>\s]*|"
                     r"(?i:(?<![a-z])(?:data|javascript|vbscript|mailto|tel|file):[^\s)）]+)")


def _unlinked(text: str) -> str:
    """``text`` with its links and e-mail addresses blanked out, offsets kept."""
    spans = [*((m.start(), m.end()) for m in BARE_URL.finditer(text)),
             *((m.start(), m.end()) for m in _TARGET.finditer(text)),
             *email_spans(text)]
    if not spans:
        return text
    kept = list(text)
    for a, b in spans:
        kept[a:b] = " " * (b - a)  # same length: offsets stay valid, and fold drops spaces
    return "".join(kept)


def _run_char(m: re.Match[str]) -> str:
    return "0" if m.group()[0].isdigit() else "a"


def normalised_text(text: str) -> str:
    """The text as the model reads it. Links and e-mail addresses are left out (GM502 and GM504 judge
    them, and an office's notice is full of its own); what remains is folded, and every run of Latin
    letters is one ``a``, every run of digits one ``0``: 188体育 and 365体育, or two random handles, are the
    same evidence. (:func:`normalised` gives the same text with where each character came from.)"""
    return _RUN.sub(_run_char, fold(_unlinked(text)))


def normalised(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`normalised_text` and, for each of its characters, the first and the last index in ``text``
    it stands for (slower: only a reported passage's evidence needs it)."""
    folded, origin = fold_map(_unlinked(text))
    chars: list[str] = []
    first: list[int] = []
    last: list[int] = []
    at = 0
    for m in _RUN.finditer(folded):
        chars.append(folded[at : m.start()])
        first.extend(origin[at : m.start()])
        last.extend(origin[at : m.start()])
        chars.append(_run_char(m))
        first.append(origin[m.start()])
        last.append(origin[m.end() - 1])
        at = m.end()
    chars.append(folded[at:])
    first.extend(origin[at:])
    last.extend(origin[at:])
    return "".join(chars), first, last


def grams(norm: str) -> set[str]:
    """Every 1- to MAX_N-gram of a normalised text."""
    found: set[str] = set()
    for n in range(1, MAX_N + 1):
        found.update(norm[i : i + n] for i in range(len(norm) - n + 1))
    return found


def features(text: str) -> list[str]:
    """The distinct n-grams of ``text``, sorted (the analyzer scikit-learn is given when training)."""
    return sorted(grams(normalised_text(text)))


@dataclass(frozen=True)
class Evidence:
    start: int  # index in the original text
    end: int  # exclusive
    gram: str  # the normalised n-gram
    contribution: float  # its share of the log-odds


@dataclass(frozen=True)
class Model:
    bias: float
    threshold: float  # a probability at or above this reports the passage on the model alone
    veto: float  # a passage the patterns report on weak words alone is cleared below this
    weights: dict[str, tuple[float, float]]  # n-gram -> (coefficient, idf)

    def estimate(self, text: str, tokens: Sequence[str] = ()) -> float | None:
        """The probability that ``text`` is spam, read with the pattern families' evidence ``tokens``
        (detector.py); None for a text shorter than MIN_CHARS."""
        norm = normalised_text(text)
        if len(norm) < MIN_CHARS:
            return None
        return _sigmoid(self.bias + sum(self._parts(norm, tokens).values()))

    def _parts(self, norm: str, tokens: Sequence[str]) -> dict[str, float]:
        """Each n-gram and token of the model present in a normalised text, with its share of the log-odds."""
        seen = (grams(norm) | set(tokens)) & self.weights.keys()
        if not seen:
            return {}
        scaled, squared = self._tables
        length = math.sqrt(sum(map(squared.__getitem__, seen)))
        return {g: scaled[g] / length for g in seen}

    @cached_property
    def _tables(self) -> tuple[dict[str, float], dict[str, float]]:
        """coefficient x idf and idf squared of each n-gram: a TF-IDF vector's dot product and L2 norm."""
        return ({g: w * idf for g, (w, idf) in self.weights.items()},
                {g: idf * idf for g, (_, idf) in self.weights.items()})

    def evidence(self, text: str, tokens: Sequence[str] = (), top: int = 3) -> tuple[Evidence, ...]:
        """The n-grams of ``text`` that say spam most, strongest first, not overlapping."""
        norm, first, last = normalised(text)
        found: list[Evidence] = []
        taken: list[tuple[int, int]] = []
        for gram, part in sorted(self._parts(norm, tokens).items(), key=lambda kv: (-kv[1], kv[0])):
            if part <= 0 or len(found) >= top:
                break
            if gram.startswith("@"):
                continue  # a pattern family: the patterns' own signals show where
            at = norm.find(gram)
            if any(a < at + len(gram) and at < b for a, b in taken):
                continue  # 娱乐 inside 娱乐城: show the longer one only
            taken.append((at, at + len(gram)))
            found.append(Evidence(first[at], last[at + len(gram) - 1] + 1, gram, part))
        return tuple(found)


def _sigmoid(logit: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, logit))))


def parse(text: str) -> Model:
    """A model file: ``# comment`` lines, ``bias``, ``threshold`` and ``veto`` lines (name, tab, value),
    then one ``n-gram<TAB>coefficient<TAB>idf`` line per n-gram (tabs and newlines never occur in one)."""
    head: dict[str, float] = {}
    weights: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) == 2:
            head[parts[0]] = float(parts[1])
        elif len(parts) == 3:
            weights[parts[0]] = (float(parts[1]), float(parts[2]))
        else:
            raise ValueError(f"{MODEL_FILE}: unreadable line {line[:40]!r}")
    missing = [name for name in ("bias", "threshold", "veto") if name not in head]
    if missing:
        raise ValueError(f"{MODEL_FILE}: no {', '.join(missing)} line")
    return Model(head["bias"], head["threshold"], head["veto"], weights)


@lru_cache(maxsize=1)
def _file() -> bytes:
    """The model file, read once: :func:`model` parses it, :func:`fingerprint` digests it."""
    return resources.files("govmedia.rules.lib").joinpath(MODEL_FILE).read_bytes()


@lru_cache(maxsize=1)
def model() -> Model:
    return parse(_file().decode("utf-8"))


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The model file's digest: a memo of clean texts holds only for the model that read them."""
    return hashlib.sha256(_file()).hexdigest()
