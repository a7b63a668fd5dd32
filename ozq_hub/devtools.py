"""Real processes for tests, benchmarks and CI: a throwaway PostgreSQL 15 cluster and a
hub server on 127.0.0.1. Nothing here runs in production.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from ozq_wire.protocol import API_PREFIX

PG_BIN = Path(os.environ.get("OZQ_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """initdb into a temporary folder, pg_ctl start on a free port, trust auth on loopback."""

    def __init__(self, *, fsync: bool = False, max_connections: int = 200) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ozq-pg-"))
        self.port = free_port()
        self.fsync = fsync
        self.max_connections = max_connections
        self.running = False

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").is_file() and (PG_BIN / "pg_ctl").is_file()

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:  # initdb refuses root
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> ThrowawayPostgres:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._run(
            str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            f"-c fsync={'on' if self.fsync else 'off'} -c max_connections={self.max_connections}"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        self.running = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        import psycopg

        name = name or f"hub_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.running:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop")
            self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


class HubProcess:
    """`python -m ozq_hub.cli serve` as a child process on 127.0.0.1."""

    def __init__(
        self,
        database_url: str,
        blob_dir: Path,
        *,
        committee_token: str | None = None,
        workers: int = 1,
        log_path: Path | None = None,
        env: dict[str, str] | None = None,
        trusted_ca: list[Path] | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.trusted_ca = [Path(f) for f in trusted_ca or []]
        self.extra_args = list(extra_args or [])  # more `serve` options
        self.blob_dir = Path(blob_dir)
        self.committee_token = committee_token
        self.workers = workers
        self.env = dict(env or {})
        self.log_path = log_path or self.blob_dir.parent / f"hub-{uuid.uuid4().hex[:6]}.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def start(self, timeout: float = 60) -> HubProcess:
        env = {**os.environ, **self.env}
        if self.committee_token:
            env["OZQ_HUB_COMMITTEE_TOKEN"] = self.committee_token
        command = [
            sys.executable, "-m", "ozq_hub.cli", "serve", "--db", self.database_url,
            "--blob-dir", str(self.blob_dir), "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--log-level", "warning",
        ]  # fmt: skip
        for ca in self.trusted_ca:
            command += ["--trusted-ca", str(ca)]
        command += self.extra_args
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {self.log_path.read_text(errors='replace')}")
            try:
                if httpx.get(self.api_url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"the hub did not answer in {timeout} s")

    def kill(self) -> None:
        """kill -9, as a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> HubProcess:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
