"""A message in both languages: what the user reads is Chinese unless ``--lang en`` (findings carry both too)."""

from __future__ import annotations

from typing import NamedTuple


def msg(lang: str, zh: str, en: str) -> str:
    """The message in the user's language: Chinese unless ``--lang en``."""
    return zh if lang == "zh" else en


class Msg(NamedTuple):
    """A message kept in both languages until it is shown (like a finding's ``zh``/``en``)."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en
