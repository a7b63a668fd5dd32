"""Shared by the hub's adversarial tests: running the CLI on a hub and reading its rows."""

from __future__ import annotations

import contextlib
import io

from ozq_hub import cli


def run_cli(database_url: str, *args: str) -> tuple[int, str]:
    """`ozq-hub <args> --db <url>`: exit code and standard output."""
    command, *rest = args
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = cli.main([command, "--db", database_url, *rest])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue()
