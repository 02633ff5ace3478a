"""The labelled content corpus (tests/corpus/content/): real spam and real government prose, by passage.

Each file starts with ``source:``, ``label:`` and ``split:`` lines; its passages are separated by blank
lines (see tests/corpus/content/README.md). benchmarks/content.py, scripts/train_gm501.py and
tests/test_detector.py read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "corpus" / "content"
SPLITS = ("tune", "blind6")
HELD_OUT = SPLITS[1:]  # never tuned to: measured by counts only
# The link domains treated as the district's own when the corpus is measured (as governance.yaml would list
# them): the detector, the benchmark and the training script all measure with these.
ALLOWED = ("gov.cn", "weixin.qq.com", "weibo.com", "douyin.com")


@dataclass(frozen=True)
class Passage:
    path: Path
    source: str
    label: str  # "spam" or "clean"
    split: str  # "tune", or the held-out split "blind6" (README.md says how each was made)
    text: str

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


def read(path: Path) -> list[Passage]:
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(":", 1) for line in head.splitlines())
    meta = {k.strip(): v.strip() for k, v in fields.items()}
    if meta.get("label") not in ("spam", "clean") or meta.get("split") not in SPLITS:
        raise ValueError(f"{path}: label and split headers are required")
    return [Passage(path, meta["source"], meta["label"], meta["split"], chunk.strip())
            for chunk in body.split("\n\n") if chunk.strip()]


def load(root: Path = ROOT) -> list[Passage]:
    return [p for path in sorted(root.glob("*/*.txt")) for p in read(path)]
