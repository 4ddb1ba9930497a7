"""`python -m ideepcolor_app` is the `ideepcolor` command."""

import sys

from ideepcolor_app.cli.main import main

sys.exit(main())
