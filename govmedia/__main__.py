import sys

from govmedia.checks.cli import main

sys.exit(main())
