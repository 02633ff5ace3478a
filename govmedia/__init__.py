"""govmedia: the register of official government new-media accounts, kept as code.

One folder per concern, in layer order: findings/, dialect/, schemas/, register/, history/, rules/, run/,
staff/, commands/ and cli.py; site/ beside them. docs/architecture.md draws the data flow and says where to
add a rule, a platform or a command. The site needs the ``site`` extra; releases are tagged
``vMAJOR.MINOR.PATCH`` (CHANGELOG.md).
"""

__version__ = "0.2.0"
