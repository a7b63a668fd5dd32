"""The benchmarks' desks: a data folder per size in bench/out, made once and reused.

`open_bench_desk(n)` gives a desk opened as the app opens it (`app.open_desk`: the data key,
SQLCipher, the migrations), after first run (branch ALA01, the supervisor «boss» and the clerk
«clerk»), with n packages over 500 days by 20 clerks, filled in bulk, and 30 packages the clerk
accepted today through the real acceptance path. `--plain` desks keep an unencrypted file, for
comparison only: users run the encrypted one."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LOGIN, PASSWORD = "clerk", "clerkpass1"
BOSS, BOSS_PASSWORD = "boss", "supersecret"
TODAY_PACKAGES = 30
FILLED = "filled"  # a marker file: the folder is complete


def hermetic_keyring() -> None:
    """The benchmark desk keeps its data key in a file in its folder, never in a keyring."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())


def bench_folder(packages: int, encrypted: bool = True) -> Path:
    return OUT / f"desk-{packages}{'' if encrypted else '-plain'}"


def open_bench_desk(packages: int, *, encrypted: bool = True, fresh: bool = False):
    """The desk of `packages` packages, made first if need be; the caller closes it."""
    folder = bench_folder(packages, encrypted)
    if fresh or not (folder / FILLED).exists():
        shutil.rmtree(folder, ignore_errors=True)
        make_desk(folder, packages, encrypted)
    return _open(folder, encrypted)


def _open(folder: Path, encrypted: bool):
    hermetic_keyring()
    if encrypted:
        from ozq_desktop.app import open_desk

        return open_desk(folder)
    from ozq_desktop.app import Desk
    from ozq_desktop.storage.engine import make_engine, make_session_factory
    from ozq_desktop.storage.migrations import upgrade
    from ozq_desktop.storage.scans import ScanStore
    from ozq_wire.catalog import load_catalog

    engine = make_engine(folder / "ozq.db")
    upgrade(engine)
    scans = ScanStore(folder / "scans")
    return Desk(folder / "ozq.db", engine, make_session_factory(engine), scans, load_catalog())


def make_desk(folder: Path, packages: int, encrypted: bool) -> None:
    from bench.bench_storage import fill

    folder.mkdir(parents=True, exist_ok=True)
    print(f"Making {folder.name}: {packages:,} packages …", flush=True)
    t0 = time.perf_counter()
    desk = _open(folder, encrypted)
    try:
        clerk = set_up(desk)
        fill(desk.engine, packages)
        accept_today(desk, clerk, TODAY_PACKAGES)
    finally:
        desk.close()
    (folder / FILLED).write_text(datetime.now().isoformat())
    print(f"  made in {time.perf_counter() - t0:.0f} s", flush=True)


def set_up(desk):
    from ozq_desktop.domain import accounts
    from ozq_desktop.storage.engine import transaction

    setup = accounts.BranchSetup(
        "ALA01", "Алматы филиалы", "3", "Алматы қ.", "D1", "", "Алматинский филиал", "г. Алматы"
    )
    with transaction(desk.factory) as s:
        boss = accounts.set_up_desk(
            session=s,
            setup=setup,
            supervisor=accounts.NewUser(
                BOSS, "Сейітова Ләззат", BOSS_PASSWORD, accounts.Role.SUPERVISOR
            ),
        ).value
        return accounts.create_user(
            session=s,
            actor=boss,
            new=accounts.NewUser(LOGIN, "Жұмабаев Нұрлан", PASSWORD, accounts.Role.CLERK),
        ).value


SMALL_PDF = b"%PDF-1.4\n% bench scan\n%%EOF\n"


def accept(desk, clerk, count: int, at, *, body=lambda n, code: SMALL_PDF) -> None:
    """`count` attestation packages accepted through the real path (`at(n)`: when), each
    document with a scan (`body(n, code)`: its bytes) and signed with a throwaway EDS key, as
    acceptance needs."""
    from ozq_desktop.domain.acceptance import accept_package, content_to_sign
    from ozq_desktop.domain.drafts import ApplicantDraft, DocumentDraft, PackageDraft, ScanDraft
    from ozq_desktop.signing.selftest import throwaway_signer
    from ozq_desktop.storage.engine import transaction

    signer = throwaway_signer(desk.db_path.parent)
    service = desk.catalog.get("attestation")
    for n in range(count):
        started = at(n)
        draft = PackageDraft(service_id=service.id, started_at=started, consent=True)
        draft.applicant = ApplicantDraft(
            type="legal_entity", idn="940140000385", name=f"«Компания {n}» ЖШС"
        )
        for spec in service.documents_for("legal_entity"):
            ref = desk.scans.add_bytes(body(n, spec.code), f"{spec.code}-{n}.pdf")
            scan = ScanDraft(ref.sha256, ref.size, ref.mime, ref.name, 2)
            doc = DocumentDraft(code=spec.code, presented=True, pages=2, scans=[scan])
            if spec.expert_conclusion:
                doc.expertise_date = started.date()
                doc.signed_by_head = doc.sealed = doc.bound = True
                doc.bound_pages = 10
            draft.documents[spec.code] = doc
        with transaction(desk.factory) as s:
            accept_package(
                session=s,
                catalog=desk.catalog,
                draft=draft,
                clerk=clerk,
                at=started,
                signature=signer.sign(content_to_sign(draft)),
            )


def accept_today(desk, clerk, count: int) -> None:
    start = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
    accept(desk, clerk, count, lambda n: start + timedelta(minutes=n))


def describe(desk, packages: int) -> str:
    size = desk.db_path.stat().st_size / 1048576
    kind = "SQLCipher (encrypted)" if is_encrypted(desk.db_path) else "plain SQLite"
    return f"Database: {desk.db_path.parent.name}/{desk.db_path.name}, {kind}, {size:.0f} MB, {packages:,} packages"


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) != b"SQLite format 3\x00"
