"""Console entry point; the commands live in ``checks/commands``."""

from govmedia.checks.cli import main

__all__ = ["main"]
