import sys

from govmedia.cli import main

sys.exit(main())
