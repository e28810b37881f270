import sys

from trackmeta.cli import main

sys.exit(main())
