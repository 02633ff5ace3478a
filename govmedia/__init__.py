"""govmedia: the register of official government new-media accounts, kept as code.

One folder per concern (docs/architecture.md): dialect/ and schemas/ (what a valid file is), register/ and
rules/ (what a valid register is), run/ and commands/ (the CLI), staff/ (forms, reports, ledgers) and site/
(the public site, installed with the ``site`` extra). Releases are tagged ``vMAJOR.MINOR.PATCH`` (CHANGELOG.md).
"""

__version__ = "0.2.0"
