"""`ozq-desktop`: the counter application.

ozq-desktop [--lang kk|ru] [--data-dir DIR] [--self-test]
ozq-desktop [--lang kk|ru] [--data-dir DIR] audit verify
ozq-desktop [--lang kk|ru] [--data-dir DIR] recover   (the code from the recovery sheet on stdin)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ozq-desktop", description=__doc__)
    parser.add_argument("--lang", choices=("kk", "ru"), help="interface language")
    parser.add_argument("--data-dir", type=Path, help="where the database and scans are kept")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open a fresh database in a temporary folder, migrate it, print a receipt; exit 0",
    )
    parser.add_argument(
        "command",
        nargs="*",
        help="audit verify: check the audit trail and exit; recover: restore the data key "
        "from the recovery sheet's code (read from standard input)",
    )
    return parser.parse_known_args(argv)[0]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv[1:])
    logging.basicConfig(
        level=logging.INFO if os.environ.get("OZQ_DEV") else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.data_dir:
        os.environ["OZQ_DATA_DIR"] = str(args.data_dir.resolve())
    if args.self_test:
        return self_test(args.lang or "kk")
    if args.command[:2] == ["audit", "verify"]:
        from ozq_desktop.audit_cli import verify

        return verify(args.data_dir.resolve() if args.data_dir else None, args.lang)
    if args.command[:1] == ["recover"]:
        from ozq_desktop.recover_cli import recover

        return recover(args.data_dir.resolve() if args.data_dir else None, args.lang)
    from ozq_desktop.app import run

    return run(argv, lang=args.lang, folder=args.data_dir.resolve() if args.data_dir else None)


def self_test(lang: str) -> int:
    """A smoke test for installers and frozen builds: storage, domain, printing, Qt."""
    with tempfile.TemporaryDirectory(prefix="ozq-self-test-") as tmp:
        os.environ["OZQ_DATA_DIR"] = tmp
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ozq_desktop.app import self_test as run_self_test

        return run_self_test(Path(tmp), lang)


if __name__ == "__main__":
    sys.exit(main())
