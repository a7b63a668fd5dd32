"""`python -m ozq_hub ...` is `ozq-hub ...`."""

from ozq_hub.cli import main

raise SystemExit(main())
