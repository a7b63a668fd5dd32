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


class S3Server:
    """moto's S3 server (`python -m moto.server`) on a free 127.0.0.1 port: it speaks the S3
    HTTP protocol, in memory. For tests, benchmarks and the topology script only: production
    uses a real S3-compatible store (MinIO, Ceph RGW, a cloud's)."""

    ACCESS_KEY = "ozq-test"
    SECRET_KEY = "ozq-test-secret"

    def __init__(self, log_path: Path | None = None) -> None:
        self.port = free_port()
        self.log_path = log_path or Path(tempfile.gettempdir()) / f"ozq-s3-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, bucket: str) -> dict[str, str]:
        """What a hub needs in its environment to use `bucket` on this server."""
        return {
            "OZQ_HUB_BLOB_STORE": "s3",
            "OZQ_HUB_S3_ENDPOINT": self.endpoint,
            "OZQ_HUB_S3_BUCKET": bucket,
            "OZQ_HUB_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
        }

    def start(self, timeout: float = 60) -> S3Server:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto exited: {self.log_path.read_text(errors='replace')}")
            try:
                httpx.get(self.endpoint + "/", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError("the S3 server did not answer")

    def create_bucket(self, name: str | None = None) -> str:
        import boto3

        name = name or f"ozq-{uuid.uuid4().hex[:12]}"
        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )
        client.create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A throwaway TLS certificate and key for `host` (PEM files in `folder`)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "hub.crt", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def render_template(text: str, **values: object) -> str:
    """Fill in `${NAME}` placeholders as `envsubst '$NAME …'` would; nginx's own `$vars` stay."""
    import re

    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: str(values[match.group(1)]), text)


class NginxProcess:
    """Debian's nginx with deploy/nginx/ozq-hub-instances.conf.template, on a free 127.0.0.1 port, in a
    private prefix (`nginx -c CONF -p PREFIX`, in the foreground, stopped by its PID)."""

    def __init__(self, upstream_ports: list[int], folder: Path, *, tls: bool = True) -> None:
        self.upstream_ports = list(upstream_ports)
        self.folder = Path(folder)
        self.tls = tls
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return Path(NGINX).is_file()

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def render(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        for sub in ("logs", "tmp"):
            (self.folder / sub).mkdir(exist_ok=True)
        cert, key = self_signed_certificate(self.folder)
        servers = " ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;" for port in self.upstream_ports
        )
        site = render_template(
            (DEPLOY / "nginx" / "ozq-hub-instances.conf.template").read_text(),
            UPSTREAMS=servers,
            LISTEN=f"127.0.0.1:{self.port}{' ssl' if self.tls else ''}",
            SERVER_NAME="127.0.0.1",
            CERT=cert,
            KEY=key,
            LOG_DIR=self.folder / "logs",
            METRICS_ALLOW="127.0.0.1",
        )
        if not self.tls:
            site = "\n".join(line for line in site.splitlines() if "ssl_" not in line)
        (self.folder / "ozq-hub.conf").write_text(site)
        tmp = self.folder / "tmp"
        user = "user root root;\n" if os.geteuid() == 0 else ""
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/logs/error.log warn;\n"
            "worker_rlimit_nofile 16384;\nevents { worker_connections 8192; }\n"
            "http {\n"
            f"  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n"
            f"  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi;\n"
            f"  scgi_temp_path {tmp}/scgi;\n"
            f"  include {self.folder}/ozq-hub.conf;\n"
            "}\n"
        )
        return conf

    def start(self, timeout: float = 20) -> NginxProcess:
        conf = self.render()
        log = open(self.folder / "logs" / "stderr.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(self.folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "nginx exited: " + (self.folder / "logs" / "stderr.log").read_text()
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("nginx did not listen")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> NginxProcess:
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
        port: int | None = None,
        log_level: str = "warning",
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
        self.port = port or free_port()
        self.log_level = log_level
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
            "--workers", str(self.workers), "--log-level", self.log_level,
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
                answer = httpx.get(self.api_url + "/health", timeout=1)
                if answer.status_code == 200 and self._all_workers_started():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"the hub did not answer in {timeout} s")

    def _all_workers_started(self) -> bool:
        """With several workers the first answers before the others have built their app
        (which, e.g., makes the blob folders): a test acting on the hub's files at once would
        race them. uvicorn logs each worker's start at info level; at a quieter level this
        cannot be seen, and the first answer has to do."""
        if self.workers <= 1 or self.log_level not in ("trace", "debug", "info"):
            return True
        started = self.log_path.read_text(errors="replace").count("Application startup complete")
        return started >= self.workers

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
