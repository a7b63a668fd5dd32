"""The documented scale-out topology (docs/deploy.md), brought up on 127.0.0.1 for tests,
benchmarks and CI: PostgreSQL, an S3 server, several hub instances and nginx in front.

Nothing here runs in production; it starts the same programs with the same settings
(deploy/nginx/ozq-hub-instances.conf.template, `ozq-hub serve` with the S3 store) on loopback ports.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from ozq_hub import migrate
from ozq_hub.db import Database
from ozq_hub.devtools import HubProcess, NginxProcess, S3Server, ThrowawayPostgres


class Topology:
    """`instances` hubs on one PostgreSQL database and one bucket, behind one nginx."""

    def __init__(
        self,
        *,
        instances: int = 3,
        workers: int = 1,
        tls: bool = False,
        store: str = "s3",
        fsync: bool = False,
        folder: Path | None = None,
        log_level: str = "warning",
        nginx: bool = True,
    ) -> None:
        self.with_nginx = nginx
        self.instances = instances
        self.workers = workers
        self.tls = tls
        self.store = store
        self.fsync = fsync
        self.log_level = log_level
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="ozq-topology-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.committee_token = secrets.token_urlsafe(16)
        self.blob_key = base64.b64encode(os.urandom(32)).decode()
        self.stack = ExitStack()
        self.postgres: ThrowawayPostgres | None = None
        self.s3: S3Server | None = None
        self.bucket: str | None = None
        self.database_url = ""
        self.hubs: list[HubProcess] = []
        self.nginx: NginxProcess | None = None

    @property
    def api_url(self) -> str:
        return self.nginx.api_url if self.nginx else self.hubs[0].api_url

    @property
    def port(self) -> int:
        """Where desks connect: nginx, or the only instance."""
        return self.nginx.port if self.nginx else self.hubs[0].port

    def hub_environment(self) -> dict[str, str]:
        env = {"OZQ_HUB_BLOB_KEY": self.blob_key}
        if self.store == "s3":
            assert self.s3 is not None and self.bucket is not None
            env |= self.s3.environment(self.bucket)
        return env

    def start(self) -> Topology:
        try:
            self.postgres = self.stack.enter_context(
                ThrowawayPostgres(fsync=self.fsync, max_connections=300)
            )
            self.database_url = self.postgres.create_database()
            database = Database(self.database_url)
            migrate.upgrade(database)  # once, as an operator would, before the instances
            database.dispose()
            if self.store == "s3":
                self.s3 = self.stack.enter_context(S3Server(self.folder / "moto.log"))
                self.bucket = self.s3.create_bucket()
            for index in range(self.instances):
                self.hubs.append(self._hub(index))
            for hub in self.hubs:
                hub.start()
                self.stack.callback(hub.stop)
            if self.with_nginx:
                self.nginx = self.stack.enter_context(
                    NginxProcess(
                        [hub.port for hub in self.hubs], self.folder / "nginx", tls=self.tls
                    )
                )
        except BaseException:
            self.stop()
            raise
        return self

    def _hub(self, index: int, port: int | None = None) -> HubProcess:
        return HubProcess(
            self.database_url,
            self.folder / "blobs",  # the filesystem store: one folder all instances share
            committee_token=self.committee_token,
            workers=self.workers,
            env=self.hub_environment(),
            log_path=self.folder / f"hub-{index}.log",
            port=port,
            log_level=self.log_level,
            # nginx is on this machine: its X-Forwarded-For names the desk (the throttle's key)
            extra_args=["--trusted-proxy", "127.0.0.1"] if self.with_nginx else [],
        )

    def restart(self, index: int) -> HubProcess:
        """Stop instance `index` gracefully and start a new one on the same port."""
        old = self.hubs[index]
        old.stop()
        self.hubs[index] = self._hub(index, port=old.port).start()
        self.stack.callback(self.hubs[index].stop)
        return self.hubs[index]

    def stop(self) -> None:
        self.stack.close()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
