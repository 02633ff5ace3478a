"""Coverage-guided fuzzing (atheris/libFuzzer) of the YAML loader, the front-matter loader and the
content scanners. Any exception, hang or signal is a bug: bad input must become a finding.

    pip install atheris
    python fuzz/fuzz_loader.py -max_total_time=300 -max_len=4096 fuzz/corpus/loader   # a 5-minute run
    python fuzz/fuzz_loader.py crash-<hash>                                           # replay a crash

Seeds: ``python fuzz/seed.py`` copies the example cases and the government-text corpus into fuzz/corpus/.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["govmedia"]):
    from govmedia.dialect import yamlload
    from govmedia.rules.content import BUILTIN_TERMS
    from govmedia.rules.lib import contentscan

MATCHER = contentscan.Matcher(
    contentscan.parse_terms(BUILTIN_TERMS.read_text(encoding="utf-8"), "builtin"))
ALLOWED = ["gov.cn", "weixin.qq.com"]


def one_input(data: bytes) -> None:
    _doc, findings = yamlload.load_bytes(data, "f.yaml")
    assert all(f.line >= 1 and f.column >= 1 for f in findings)
    _md, findings = yamlload.load_markdown(data, "a.md")
    assert all(f.line >= 1 for f in findings)
    text = data.decode("utf-8", "replace")
    for hit in MATCHER.find(text):
        assert 0 <= hit.start < hit.end <= len(text)
    for link in contentscan.markdown_links(text):
        contentscan.check_url(link.url, ALLOWED)
    contentscan.check_url(text, ALLOWED)
    contentscan.markdown_markup(text)
    contentscan.plain_markup(text)
    for item in contentscan.personal_data(text):
        contentscan.mask(item.text, item.kind)
    contentscan.show(text)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
