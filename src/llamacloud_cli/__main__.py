import sys

from llamacloud_cli.main import main

sys.exit(main())
