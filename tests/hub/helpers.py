"""A small desk that speaks the protocol, to drive the real hub in tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

from ozq_hub import cli
from ozq_hub.devtools import HubProcess
from ozq_wire import protocol as p


@dataclass
class HubUnderTest:
    process: HubProcess
    backend: str

    @property
    def db(self) -> str:
        return self.process.database_url

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.process.api_url, headers=headers, timeout=30)

    def committee(self) -> httpx.Client:
        return self.client(self.process.committee_token)

    def cli(self, *args: str) -> str:
        """Run `ozq-hub <args> --db <this hub>` in this process; its standard output."""
        command, *rest = args
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main([command, "--db", self.db, *rest])
        assert code == 0, f"ozq-hub {' '.join(args)} exited with {code}"
        return out.getvalue()

    def enrol(self, branch: str | None = None, desk: str = "window-1") -> Desk:
        branch = branch or f"B-{uuid.uuid4().hex[:8]}"
        code = self.cli("enrol-code", "--branch", branch, "--branch-name", f"Branch {branch}")
        with self.client() as client:
            answer = client.post(
                "/enrol", json={"code": code.strip(), "desk_code": desk, "device_name": "test-pc"}
            )
        assert answer.status_code == 200, answer.text
        enrolled = p.EnrolResponse.model_validate(answer.json())
        return Desk(self, enrolled.branch_code, enrolled.token, enrolled.device_id, desk)


@dataclass
class Scan:
    name: str
    data: bytes
    mime: str = "application/pdf"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def entry(self) -> p.ManifestEntry:
        return p.ManifestEntry(
            name=self.name, sha256=self.sha256, size=len(self.data), mime=self.mime
        )


def scans(*sizes: int) -> list[Scan]:
    return [Scan(f"scan-{i}.pdf", os.urandom(size)) for i, size in enumerate(sizes)]


def declaration(files: list[Scan], **overrides) -> p.DeclareRequest:
    manifest = [scan.entry() for scan in files]
    fields = {
        "package_uuid": uuid.uuid4(),
        "receipt_no": f"R-{uuid.uuid4().hex[:10]}",
        "service_id": "attestation",
        "clerk": p.Clerk(login="clerk1", full_name="Әлия Сейітова"),
        "device_time": dt.datetime.now(dt.UTC),
        "manifest": manifest,
        "manifest_hash": p.manifest_hash(manifest),
        "metadata": {"applicant": "«Қауіпсіздік» ЖШС", "bin": "940140000385"},
    }
    fields.update(overrides)
    return p.DeclareRequest(**fields)


@dataclass
class Desk:
    hub: HubUnderTest
    branch: str
    token: str
    device_id: uuid.UUID
    desk_code: str = "window-1"
    http: httpx.Client = field(init=False)
    _receipts: Iterator[int] = field(init=False, default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.http = self.hub.client(self.token)

    def receipt(self) -> str:
        """This desk's next receipt number, as the desk makes them: branch, desk, sequence."""
        return f"{self.branch}-{self.desk_code}-{next(self._receipts):07d}"

    def declaration(self, files: list[Scan], **overrides) -> p.DeclareRequest:
        """A declaration of `files` under this desk's next receipt number."""
        overrides.setdefault("receipt_no", self.receipt())
        return declaration(files, **overrides)

    def declare(self, request: p.DeclareRequest) -> httpx.Response:
        return self.http.post(
            "/packages",
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )

    def status(self, sha256: str) -> p.UploadStatus:
        answer = self.http.get(f"/uploads/{sha256}")
        assert answer.status_code == 200, answer.text
        return p.UploadStatus.model_validate(answer.json())

    def chunk(self, sha256: str, offset: int, data: bytes) -> httpx.Response:
        return self.http.patch(
            f"/uploads/{sha256}",
            content=data,
            headers={
                p.UPLOAD_OFFSET: str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )

    def upload(self, scan: Scan, chunk_size: int = 256 * 1024) -> p.UploadStatus:
        """Resume from the hub's offset and send the rest in chunks."""
        offset = self.status(scan.sha256).offset
        status = None
        while offset < len(scan.data) or status is None:
            answer = self.chunk(scan.sha256, offset, scan.data[offset : offset + chunk_size])
            assert answer.status_code == 200, answer.text
            status = p.UploadStatus.model_validate(answer.json())
            offset = status.offset
            if status.complete:
                break
        return status

    def commit(self, package_uuid: uuid.UUID) -> httpx.Response:
        return self.http.post(f"/packages/{package_uuid}/commit")

    def push(self, request: p.DeclareRequest, files: list[Scan]) -> p.CommitResponse:
        answer = self.declare(request)
        assert answer.status_code == 200, answer.text
        missing = set(p.DeclareResponse.model_validate(answer.json()).missing_blobs)
        for scan in files:
            if scan.sha256 in missing:
                self.upload(scan)
        committed = self.commit(request.package_uuid)
        assert committed.status_code == 200, committed.text
        return p.CommitResponse.model_validate(committed.json())

    def changes(self, after: str | None = None, limit: int = 100) -> httpx.Response:
        params: dict[str, object] = {"limit": limit}
        if after is not None:
            params["after"] = after
        return self.http.get("/changes", params=params)

    def all_changes(self, after: str | None = None, limit: int = 100) -> tuple[list, str]:
        collected = []
        while True:
            answer = self.changes(after, limit)
            assert answer.status_code == 200, answer.text
            page = p.ChangesPage.model_validate(answer.json())
            collected += page.changes
            after = page.next_cursor
            if not page.has_more:
                return collected, after


def assert_exactly_once(hub: HubUnderTest, request: p.DeclareRequest, files: list[Scan]) -> None:
    """sync.md, "after every run": the package is on the hub exactly once, same manifest
    hash, every blob's bytes hashing to its name."""
    with hub.committee() as committee:
        listed = committee.get("/committee/packages", params={"receipt_no": request.receipt_no})
        assert listed.status_code == 200, listed.text
        packages = p.CommitteePackageList.model_validate(listed.json()).packages
        assert [pkg.package_uuid for pkg in packages] == [request.package_uuid]
        held = packages[0]
        assert held.status == p.PackageStatus.RECEIVED
        assert held.manifest_hash == request.manifest_hash == p.manifest_hash(held.manifest)
        for scan in files:
            blob = committee.get(f"/committee/blobs/{scan.sha256}")
            assert blob.status_code == 200
            assert hashlib.sha256(blob.content).hexdigest() == scan.sha256
