"""The `ozq-hub` command: serve the hub and administer it from the shell.

Every sub-command takes `--db URL` (a SQLite file in the data folder by default;
`postgresql+psycopg://user@host:port/name` for PostgreSQL). The hub's operator
works in English; the desks translate the hub's error codes for the clerks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_data_path
from pydantic import ValidationError as PydanticValidationError

from ozq_hub.db import Database, sqlite_url, utcnow
from ozq_hub.refusals import Refusal
from ozq_hub.settings import ENV_SETTINGS, ConsoleSettings, HubLimits, HubSettings
from ozq_wire import protocol as p

ENV_DATA = "OZQ_HUB_DATA"


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir:
        return Path(args.data_dir)
    return Path(os.environ.get(ENV_DATA) or user_data_path("OZQHub", "OZQ"))


def _database_url(args: argparse.Namespace) -> str:
    from ozq_hub.app import ENV_DB

    return args.db or os.environ.get(ENV_DB) or sqlite_url(_data_dir(args) / "hub.sqlite3")


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[Database]:
    from ozq_hub import migrate

    database = Database(_database_url(args))
    try:
        if not migrate.is_current(database):
            raise SystemExit("the hub database is not at the current schema: run `ozq-hub migrate`")
        yield database
    finally:
        database.dispose()


def _metrics_folder(args: argparse.Namespace) -> None:
    """prometheus-client's multi-process mode: an empty folder for every worker's counters,
    named in the environment before anything imports the client."""
    import tempfile

    folder = Path(args.metrics_dir or Path(tempfile.gettempdir()) / f"ozq-hub-{os.getpid()}")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


# serve's blob-store options, handed to every worker in the environment (docs/hub.md).
_BLOB_OPTIONS = {
    "blob_store": "OZQ_HUB_BLOB_STORE",
    "blob_encryption": "OZQ_HUB_BLOB_ENCRYPTION",
    "blob_key_file": "OZQ_HUB_BLOB_KEY_FILE",
    "s3_bucket": "OZQ_HUB_S3_BUCKET",
    "s3_endpoint": "OZQ_HUB_S3_ENDPOINT",
    "s3_region": "OZQ_HUB_S3_REGION",
    "s3_prefix": "OZQ_HUB_S3_PREFIX",
}


def _apply_blob_options(args: argparse.Namespace) -> None:
    for option, variable in _BLOB_OPTIONS.items():
        value = getattr(args, option, None)
        if value:
            os.environ[variable] = str(value)


def _add_blob_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blob-dir", help="where scans are stored (default: next to the database)")
    parser.add_argument(
        "--blob-store",
        choices=["filesystem", "s3"],
        help="default: filesystem ($OZQ_HUB_BLOB_STORE)",
    )
    parser.add_argument(
        "--blob-encryption",
        choices=["envelope", "sse"],
        help="envelope (the hub key, default) or sse (the S3 store's own)",
    )
    parser.add_argument("--blob-key-file", help="file holding the base64 hub key for blobs")
    parser.add_argument("--s3-bucket")
    parser.add_argument("--s3-endpoint", help="e.g. https://minio.example.kz:9000")
    parser.add_argument("--s3-region")
    parser.add_argument("--s3-prefix", help="keys under this prefix in the bucket")


def _store(args: argparse.Namespace, url: str):
    from ozq_hub.app import blob_settings_from_environment
    from ozq_hub.blobstore import open_store

    _apply_blob_options(args)
    blob_dir = args.blob_dir or (
        _data_dir(args) / "blobs" if not url.startswith("sqlite") else None
    )
    return open_store(blob_settings_from_environment(url, blob_dir))


def cmd_backup(args: argparse.Namespace) -> int:
    from ozq_hub import backup

    url = _database_url(args)
    with _open(args) as database:
        report = backup.backup(
            database,
            _store(args, url),
            Path(args.out) if args.out else backup.timestamped(Path.cwd()),
        )
    print(f"backed up the database and {report.blobs} blob(s) to {report.folder}")
    if report.missing:
        print(f"warning: {len(report.missing)} blob(s) missing from the store", file=sys.stderr)
        return 1
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ozq_hub import backup

    url = _database_url(args)
    report = backup.restore(Path(args.source), url, _store(args, url))
    print(
        f"restored {report.folder} ({report.blobs} blob(s)); new hub epoch {report.epoch}: "
        "every desk will refetch its state and send again what the backup lacks"
    )
    if report.missing:
        print(f"warning: {len(report.missing)} blob(s) are not in the store", file=sys.stderr)
        return 1
    return 0


def _settings(args: argparse.Namespace) -> HubSettings:
    limits = HubLimits(
        package_max_blobs=args.quota_package_files,
        package_max_bytes=args.quota_package_bytes,
        device_daily_blobs=args.quota_device_files_per_day,
        device_daily_bytes=args.quota_device_bytes_per_day,
    )
    try:
        console = ConsoleSettings.from_operator(public_url=args.public_url)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    return HubSettings(
        limits=limits,
        trusted_ca_files=tuple(str(Path(f).resolve()) for f in args.trusted_ca or []),
        crl_files=tuple(str(Path(f).resolve()) for f in args.crl or []),
        ocsp=args.ocsp,
        revocation_mode=args.revocation_mode,
        maintenance_seconds=args.maintenance_every,
        prune_upload_hours=args.prune_uploads_after,
        console=console,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    _metrics_folder(args)
    import uvicorn

    from ozq_hub import logs
    from ozq_hub.app import ENV_BLOB_DIR, ENV_COMMITTEE_TOKEN, ENV_DB, create_app, trust_store
    from ozq_hub.observability import logging_config

    url = _database_url(args)
    settings = _settings(args)
    try:
        trust_store(settings)  # fail at once, before any worker starts
    except (OSError, ValueError) as exc:
        raise SystemExit(f"--trusted-ca / --crl: {exc}") from exc
    blob_dir = args.blob_dir or (
        _data_dir(args) / "blobs" if not url.startswith("sqlite") else None
    )
    _apply_blob_options(args)
    token = os.environ.get(ENV_COMMITTEE_TOKEN)
    if token:
        print(
            f"warning: {ENV_COMMITTEE_TOKEN} is set: a bootstrap token that cannot be listed or "
            "revoked; issue tokens with `ozq-hub committee-token` and unset it",
            file=sys.stderr,
        )
    logs.raise_open_file_limit()
    proxies = args.trusted_proxy or []
    common = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "log_config": logging_config(args.log_level, access=not args.no_access_log),
        "access_log": False,  # the hub writes its own, in JSON, with the request id
        # asyncio's loop, not uvloop's: the bounded logging of accept() failures under a
        # descriptor shortage (ozq_hub.logs) relies on asyncio's messages.
        "loop": "asyncio",
        "timeout_keep_alive": args.keep_alive,
        # X-Forwarded-For only from the proxies named; otherwise the socket's peer is the client.
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
    }
    if args.workers > 1:
        from ozq_hub import migrate

        database = Database(url)
        if not args.no_migrate:
            migrate.upgrade(database)
        database.dispose()
        os.environ[ENV_DB] = url
        os.environ[ENV_SETTINGS] = settings.to_environment()
        if blob_dir:
            os.environ[ENV_BLOB_DIR] = str(blob_dir)
        uvicorn.run(
            "ozq_hub.app:app_from_environment", factory=True, workers=args.workers, **common
        )
        return 0
    app = create_app(
        url,
        committee_token=token,
        blob_dir=blob_dir,
        migrate_schema=not args.no_migrate,
        settings=settings,
    )
    uvicorn.run(app, **common)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from ozq_hub import migrate

    database = Database(_database_url(args))
    migrate.upgrade(database)
    database.dispose()
    print("the hub database is at the current schema")
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    from ozq_hub.service import enrolment

    with _open(args) as database, database.writing() as session:
        code = enrolment.issue_enrolment_code(
            session,
            branch_code=args.branch,
            branch_name=args.branch_name,
            hours=args.valid_hours,
            now=utcnow(),
        )
    print(code)
    return 0


def _grant_kind(service_id: str) -> p.GrantKind:
    """The one grant the service can end in, read from the service catalog."""
    from ozq_wire.catalog import ResultKind, load_catalog
    from ozq_wire.errors import MessageError

    try:
        results = load_catalog().get(service_id).results
    except MessageError as exc:
        raise SystemExit(
            f"cannot tell the grant kind for service {service_id!r}: give --kind"
        ) from exc
    grants = [r for r in results if r is not ResultKind.REASONED_REFUSAL]
    if len(grants) != 1:
        raise SystemExit(f"service {service_id!r} has several grant kinds: give --kind")
    return p.GrantKind(grants[0].value)


def _package_for(session, args: argparse.Namespace) -> uuid.UUID:
    from ozq_hub.service import decisions

    if args.package:
        return uuid.UUID(args.package)
    found = decisions.packages_with_receipt(session, args.receipt)
    if len(found) != 1:
        what = "no package" if not found else f"{len(found)} packages"
        raise SystemExit(f"{what} with receipt {args.receipt!r}: give --package UUID")
    return found[0]


def cmd_decide(args: argparse.Namespace) -> int:
    from ozq_hub.models import Package
    from ozq_hub.service import decisions

    with _open(args) as database, database.writing() as session:
        package_uuid = _package_for(session, args)
        if args.outcome == "granted":
            package = session.get(Package, package_uuid)
            kind = args.kind or (_grant_kind(package.service_id) if package else None)
            request = p.DecisionRequest(
                outcome=p.Outcome.GRANTED,
                kind=kind,
                number=args.number,
                date=args.date,
                decided_by=args.by,
            )
        else:
            request = p.DecisionRequest(
                outcome=p.Outcome.REFUSED, reason=args.reason, decided_by=args.by
            )
        decision = decisions.record_decision(
            session, package_uuid=package_uuid, request=request, now=utcnow()
        )
    print(decision.model_dump_json(indent=2, exclude_none=True))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ozq_hub.service import state

    status = p.PackageStatus(args.status) if args.status else None
    with _open(args) as database, database.reading() as session:
        page = state.committee_list(
            session, branch_code=args.branch, status=status, limit=args.limit
        )
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    for pkg in page.packages:
        decided = "-"
        if pkg.decision:
            d = pkg.decision
            decided = f"v{d.version} {d.outcome.value} {d.number or d.reason or ''}".strip()
        # The clerk's EDS: verified against the trusted CAs, carried but unchecked, or none.
        eds = "eds-ok" if pkg.signature_verified else "eds-unchecked" if pkg.signer else "no-eds"
        print(
            f"{pkg.package_uuid}  {pkg.branch_code:<10} {pkg.receipt_no:<20} "
            f"{pkg.service_id:<26} {pkg.status.value:<9} {eds:<13} {decided}"
        )
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from ozq_hub.service import enrolment

    with _open(args) as database, database.reading() as session:
        for device in enrolment.list_devices(session, branch_code=args.branch):
            state = f"revoked {device.revoked_at:%Y-%m-%d}" if device.revoked_at else "active"
            seen = f"{device.last_seen_at:%Y-%m-%d %H:%M}" if device.last_seen_at else "never"
            print(
                f"{device.id}  {device.branch_code:<10} {device.desk_code:<12} {state:<18} seen {seen}  {device.name}"
            )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from ozq_hub.service import enrolment

    with _open(args) as database, database.writing() as session:
        revoked = enrolment.revoke_device(session, device_id=uuid.UUID(args.device), now=utcnow())
    print("revoked" if revoked else "no such active device")
    return 0 if revoked else 1


def cmd_calendar_override(args: argparse.Namespace) -> int:
    from ozq_hub.service import calendar

    with _open(args) as database, database.writing() as session:
        override = calendar.set_override(
            session,
            day=args.date,
            kind=p.CalendarDay(args.kind),
            note=args.note,
            now=utcnow(),
            tz=_zone(),
        )
    print(override.model_dump_json())
    return 0


def _zone() -> dt.tzinfo:
    """The service centres' zone, as the hub's console settings give it."""
    from ozq_hub.service import due

    try:
        return due.zone(ConsoleSettings.from_operator().timezone)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc


def _new_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the passwords differ")
    return first


def cmd_console_user(args: argparse.Namespace) -> int:
    """Create a console user: the first administrator, or anyone later."""
    from ozq_hub.console import accounts, audit

    password = _new_password(args)
    with _open(args) as database, database.writing() as session:
        try:
            user = accounts.create_user(
                session,
                login=args.login,
                full_name=args.name,
                role=args.role,
                password=password,
                branches=set(args.branch or []),
                now=utcnow(),
            )
        except accounts.AccountProblem as exc:
            raise SystemExit(str(exc)) from exc
        audit.record(
            session,
            action="user_created",
            now=utcnow(),
            user_id=None,
            user_login="ozq-hub",
            details={"login": user.login, "role": user.role},
        )
    print(f"created {args.role} {args.login}")
    return 0


def cmd_recompute_due_dates(args: argparse.Namespace) -> int:
    from sqlalchemy import select, update

    from ozq_hub.models import Package
    from ozq_hub.service import due
    from ozq_hub.service.packages import _applicant_columns

    with _open(args) as database, database.writing() as session:
        for row in session.execute(select(Package.uuid, Package.details)).all():
            session.execute(
                update(Package)
                .where(Package.uuid == row.uuid)
                .values(**_applicant_columns(row.details or {}))
            )
        changed = due.recompute_around(session, None, _zone())
    print(f"recomputed the due dates of every received package: {changed} changed")
    return 0


def cmd_committee_token(args: argparse.Namespace) -> int:
    from ozq_hub.service import enrolment

    if args.action == "list":
        with _open(args) as database, database.reading() as session:
            for token in enrolment.list_committee_tokens(session):
                state = (
                    f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
                )
                print(f"{token.id:>5}  {token.created_at:%Y-%m-%d %H:%M}  {state:<24} {token.name}")
        return 0
    if args.action == "revoke":
        if args.id is None:
            raise SystemExit("committee-token revoke: give --id (see `committee-token list`)")
        with _open(args) as database, database.writing() as session:
            revoked = enrolment.revoke_committee_token(session, token_id=args.id, now=utcnow())
        print("revoked" if revoked else "no such active committee token")
        return 0 if revoked else 1
    with _open(args) as database, database.writing() as session:
        token = enrolment.issue_committee_token(session, name=args.name, now=utcnow())
    print(token)
    return 0


def _hours(text: str) -> float:
    """`36`, `36h` or `7d` as hours."""
    try:
        if text.endswith("d"):
            return float(text[:-1]) * 24
        return float(text.removesuffix("h"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a duration like 48h or 7d: {text!r}") from exc


def cmd_prune_uploads(args: argparse.Namespace) -> int:
    import datetime as dt

    from ozq_hub.service.blobs import prune_uploads

    url = _database_url(args)
    with _open(args) as database:
        report = prune_uploads(
            database,
            _store(args, url),
            older_than=utcnow() - dt.timedelta(hours=args.older_than),
        )
    print(
        f"removed {report.partials} abandoned partial upload(s) ({report.bytes} bytes) "
        f"and {report.lock_files} stray lock file(s)"
    )
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from ozq_hub.service import audit

    with _open(args) as database, database.reading() as session:
        result = audit.verify_device(session, uuid.UUID(args.device))
    print(
        f"device {result.device_id}: {result.rows} audit row(s), {result.heads} head(s) announced"
    )
    for conflict in result.conflicts:
        print(f"refused announcement: {conflict}")
    if result.problems:
        for problem in result.problems:
            print(f"FAILED: {problem}")
        return 1
    print(
        f"OK: the chain is whole and every head matches; the hub vouches for rows 1 to "
        f"{result.vouched_seq}. Rows the desk wrote after its last sync are not covered: a "
        "desk that has not synced since it was tampered with is checked only up to its last "
        "acknowledged head."
    )
    if result.heads_ahead:
        print(f"{result.heads_ahead} head(s) are ahead of the rows uploaded so far")
    return 0


def cmd_prune_changes(args: argparse.Namespace) -> int:
    from ozq_hub.service import changelog

    cutoff = utcnow() - dt.timedelta(days=args.keep_days)
    with _open(args) as database, database.writing() as session:
        deleted = changelog.prune_changes(session, older_than=cutoff)
    print(f"pruned {deleted} change(s); older cursors now get must_refetch")
    return 0


def cmd_new_epoch(args: argparse.Namespace) -> int:
    from ozq_hub.service import changelog

    with _open(args) as database, database.writing() as session:
        epoch = changelog.new_epoch(session)
    print(f"new hub epoch {epoch}: every desk will refetch its state")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def _command(
    sub, name: str, handler: Callable[[argparse.Namespace], int], help_text: str
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--db", help="database URL (default: hub.sqlite3 in the data folder)")
    parser.add_argument(
        "--data-dir", help=f"data folder (default: ${ENV_DATA} or the user data folder)"
    )
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ozq-hub", description="The OZQ sync hub.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = _command(sub, "serve", cmd_serve, "run the hub's HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    _add_blob_options(serve)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true", help="do not migrate on start")
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--trusted-ca",
        action="append",
        metavar="FILE",
        help="PEM file of CA certificates clerks' EDS must chain to (repeatable); with any, "
        "unsigned or badly signed packages are refused",
    )
    serve.add_argument(
        "--keep-alive", type=int, default=75, help="seconds an idle desk connection stays open"
    )
    serve.add_argument(
        "--public-url",
        help="the hub's public address, e.g. https://ozq.example.kz: desks print "
        "<it>/status in the receipt's QR code (default: $OZQ_HUB_PUBLIC_URL)",
    )
    serve.add_argument(
        "--metrics-dir",
        help="an empty folder for the workers' Prometheus counters (default: a temporary one)",
    )
    serve.add_argument(
        "--no-access-log", action="store_true", help="no JSON line per request (errors still)"
    )
    serve.add_argument(
        "--crl",
        action="append",
        metavar="FILE",
        help="CRL file (PEM or DER) the operator refreshes; re-read when it changes (repeatable)",
    )
    serve.add_argument(
        "--ocsp", action="store_true", help="also ask the OCSP responders the certificates name"
    )
    serve.add_argument(
        "--revocation-mode",
        choices=["soft-fail", "hard-fail", "require"],
        default="require",
        help="with --crl/--ocsp: require a current CRL or OCSP answer for every certificate "
        "of the chain (default), or only for those naming one (hard-fail), or tolerate "
        "failures (soft-fail)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy whose X-Forwarded-For is believed (repeatable); none by default",
    )
    limits = HubLimits()
    for flag, default, text in (
        ("--quota-package-files", limits.package_max_blobs, "files in one package"),
        ("--quota-package-bytes", limits.package_max_bytes, "bytes in one package"),
        ("--quota-device-files-per-day", limits.device_daily_blobs, "files a desk declares a day"),
        ("--quota-device-bytes-per-day", limits.device_daily_bytes, "bytes a desk declares a day"),
    ):
        serve.add_argument(flag, type=int, default=default, help=f"{text} (default {default})")
    defaults = HubSettings()
    serve.add_argument(
        "--maintenance-every",
        type=float,
        default=defaults.maintenance_seconds,
        help=argparse.SUPPRESS,  # seconds between housekeeping runs; tests shorten it
    )
    serve.add_argument(
        "--prune-uploads-after",
        type=_hours,
        default=defaults.prune_upload_hours,
        help="the daily housekeeping removes partial uploads untouched this long (default 7d)",
    )

    _command(sub, "migrate", cmd_migrate, "bring the database to the current schema")

    code = _command(sub, "enrol-code", cmd_enrol_code, "print a one-time enrolment code")
    code.add_argument("--branch", required=True, help="branch code, e.g. AST-01")
    code.add_argument("--branch-name", help="the branch's name (set or updated)")
    code.add_argument("--valid-hours", type=int, default=72)

    decide = _command(sub, "decide", cmd_decide, "record (or revise) the committee's decision")
    which = decide.add_mutually_exclusive_group(required=True)
    which.add_argument("--receipt", help="the package's receipt number")
    which.add_argument("--package", help="the package's UUID")
    decide.add_argument("--by", default="", help="who decided")
    outcome = decide.add_subparsers(dest="outcome", required=True)
    granted = outcome.add_parser("granted", help="a certificate, permission or registration")
    granted.add_argument("--number", required=True, help="document number or registration cipher")
    granted.add_argument("--date", required=True, type=_date, help="YYYY-MM-DD")
    granted.add_argument(
        "--kind", choices=[k.value for k in p.GrantKind], help="default: from the service"
    )
    refused = outcome.add_parser("refused", help="a reasoned refusal")
    refused.add_argument("--reason", required=True)

    listing = _command(sub, "list", cmd_list, "list packages")
    listing.add_argument("--branch")
    listing.add_argument("--status", choices=[s.value for s in p.PackageStatus])
    listing.add_argument("--limit", type=int, default=500)
    listing.add_argument("--json", action="store_true")

    devices = _command(sub, "devices", cmd_devices, "list enrolled devices")
    devices.add_argument("--branch")

    revoke = _command(sub, "revoke", cmd_revoke, "revoke a device's token")
    revoke.add_argument("--device", required=True, help="device id")

    cal = _command(
        sub, "calendar-override", cmd_calendar_override, "add or withdraw a calendar override"
    )
    cal.add_argument("--date", required=True, type=_date)
    cal.add_argument("--kind", required=True, choices=[k.value for k in p.CalendarDay])
    cal.add_argument("--note", default="")

    user = _command(sub, "console-user", cmd_console_user, "create a committee console user")
    user.add_argument("--login", required=True)
    user.add_argument("--name", required=True, help="full name")
    user.add_argument("--role", required=True, choices=["reviewer", "head", "administrator"])
    user.add_argument(
        "--branch", action="append", help="a branch of the user's department (repeatable)"
    )
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    _command(
        sub,
        "recompute-due-dates",
        cmd_recompute_due_dates,
        "after an upgrade: fill every package's applicant and due dates again",
    )

    token = _command(
        sub,
        "committee-token",
        cmd_committee_token,
        "issue (print) a new committee API token, list them, or revoke one",
    )
    token.add_argument("action", nargs="?", choices=["issue", "list", "revoke"], default="issue")
    token.add_argument("--name", default="committee", help="issue: who holds the token")
    token.add_argument("--id", type=int, help="revoke: the token's id from `list`")

    uploads = _command(
        sub,
        "prune-uploads",
        cmd_prune_uploads,
        "remove abandoned partial uploads (the hub also does it daily)",
    )
    uploads.add_argument(
        "--older-than", type=_hours, required=True, help="untouched for this long: 48h, 7d"
    )
    _add_blob_options(uploads)

    audit = _command(sub, "audit", cmd_audit_verify, "check a desk's uploaded audit trail")
    audit.add_argument("what", choices=["verify"])
    audit.add_argument("--device", required=True, help="device id (see `ozq-hub devices`)")

    prune = _command(sub, "prune-changes", cmd_prune_changes, "drop change-log rows past retention")
    prune.add_argument("--keep-days", type=int, required=True)

    _command(sub, "new-epoch", cmd_new_epoch, "after restoring a backup: make every desk refetch")

    back = _command(
        sub, "backup", cmd_backup, "copy the database and every stored blob to a folder"
    )
    back.add_argument("--out", help="a new folder (default: ./ozq-hub-<UTC time>)")
    _add_blob_options(back)
    rest = _command(
        sub, "restore", cmd_restore, "restore a backup into an empty database and a blob store"
    )
    rest.add_argument("--from", dest="source", required=True, help="the backup folder")
    _add_blob_options(rest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except Refusal as refusal:
        print(f"error: {refusal.detail} ({refusal.code})", file=sys.stderr)
        return 1
    except PydanticValidationError as exc:
        print(f"error: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `ozq-hub list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
