"""govmedia: the register of official government new-media accounts, kept as code.

The code lives in three visible folders mapped into this package:
``schemas/`` (what a valid file is), ``checks/`` (what a valid register is, and the CLI) and
``website/`` (the thin site adapter).
"""

__version__ = "0.1.0"
