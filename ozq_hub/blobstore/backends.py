"""Where stored objects' bytes live: a local folder, or an S3-compatible bucket (boto3).

Both keep objects under the same keys (`objects/<aa>/<sha256>`, `partial/<sha256>/<offset>`),
write an object whole or not at all, and read it back as a stream. Neither knows what the
bytes mean: encryption and hashing are `ozq_hub.blobstore`'s.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from ozq_wire.durable import replace_synced

READ_BLOCK = 1024 * 1024
S3_PART = 8 * 1024 * 1024  # multipart parts (S3 wants >= 5 MiB but the last)


class ObjectBackend(Protocol):
    description: str

    def put(self, key: str, pieces: Iterable[bytes]) -> None:
        """Store the object durably; readers see all of it or none of it."""

    def get(self, key: str) -> Iterator[bytes]:
        """The object's bytes; FileNotFoundError if there is none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object if it is there."""

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix`."""

    def listing(self, prefix: str) -> Iterator[tuple[str, dt.datetime]]:
        """Every key under `prefix`, with when it was last written."""

    def check(self) -> None:
        """Raise unless the store can be reached and written."""


class FilesystemObjects:
    """A folder: each object one file, written to a temporary name, fsynced and renamed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.description = f"filesystem {self.root}"
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        partial = self.root / "partial"
        partial.mkdir(parents=True, exist_ok=True)
        for leftover in partial.iterdir():  # partial files of the hub before the upload table
            if leftover.is_file():
                leftover.unlink()

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, pieces: Iterable[bytes]) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.parent / f".incoming-{uuid.uuid4().hex}"
        try:
            with open(temporary, "wb") as handle:
                for piece in pieces:
                    handle.write(piece)
                handle.flush()
                os.fsync(handle.fileno())
            replace_synced(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)

    def get(self, key: str) -> Iterator[bytes]:
        handle = open(self._path(key), "rb")  # noqa: SIM115 - closed by the generator
        return _file_blocks(handle)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        if path.parent.name != "objects" and path.parent.parent.name == "partial":
            with _ignored(OSError):
                path.parent.rmdir()  # the blob's partial folder, once empty

    def keys(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix)
        start = base if base.is_dir() else base.parent
        if not start.is_dir():
            return
        for path in sorted(start.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith("."):
                yield key

    def listing(self, prefix: str) -> Iterator[tuple[str, dt.datetime]]:
        for key in self.keys(prefix):
            with _ignored(FileNotFoundError):
                stamp = self._path(key).stat().st_mtime
                yield key, dt.datetime.fromtimestamp(stamp, dt.UTC)

    def check(self) -> None:
        probe = self.root / "objects" / f".ready-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()

    def remove_everything(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _file_blocks(handle) -> Iterator[bytes]:
    with handle:
        while block := handle.read(READ_BLOCK):
            yield block


class _ignored:
    def __init__(self, *kinds: type[BaseException]) -> None:
        self.kinds = kinds

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, _value, _tb) -> bool:
        return kind is not None and issubclass(kind, self.kinds)


class S3Objects:
    """An S3-compatible bucket through boto3 (AWS, MinIO, Ceph RGW, a cloud's object store).

    Credentials come from the environment as boto3 reads them (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, a profile or an instance role); never from the hub's settings.
    `sse`: ask the store to encrypt at rest too ("AES256" or "aws:kms" with `sse_kms_key`)."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint: str | None = None,
        region: str | None = None,
        prefix: str = "",
        sse: str | None = None,
        sse_kms_key: str | None = None,
        connections: int = 16,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.description = f"s3 {endpoint or 'aws'} bucket {bucket}/{self.prefix}"
        self._extra: dict[str, str] = {}
        if sse:
            self._extra["ServerSideEncryption"] = sse
            if sse_kms_key:
                self._extra["SSEKMSKeyId"] = sse_kms_key
        self._client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            region_name=region or None,
            config=Config(
                max_pool_connections=connections,
                retries={"max_attempts": 4, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                # Path-style addressing: MinIO, Ceph and test servers have no bucket DNS names.
                s3={"addressing_style": "path"},
                # The hub checks every blob's SHA-256 itself; botocore's own checksums and
                # parameter validation only cost CPU on every call.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                parameter_validation=False,
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, pieces: Iterable[bytes]) -> None:
        buffer = bytearray()
        iterator = iter(pieces)
        for piece in iterator:
            buffer += piece
            if len(buffer) >= S3_PART:
                self._multipart(key, buffer, iterator)
                return
        self._client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=bytes(buffer), **self._extra
        )

    def _multipart(self, key: str, buffer: bytearray, rest: Iterator[bytes]) -> None:
        upload = self._client.create_multipart_upload(
            Bucket=self.bucket, Key=self._key(key), **self._extra
        )
        upload_id = upload["UploadId"]
        parts: list[dict] = []

        def send(body: bytes) -> None:
            number = len(parts) + 1
            answer = self._client.upload_part(
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=upload_id,
                PartNumber=number,
                Body=body,
            )
            parts.append({"PartNumber": number, "ETag": answer["ETag"]})

        try:
            for piece in rest:
                buffer += piece
                while len(buffer) >= 2 * S3_PART:
                    send(bytes(buffer[:S3_PART]))
                    del buffer[:S3_PART]
            while len(buffer) > S3_PART:  # the last part may be small, every other >= 5 MiB
                send(bytes(buffer[:S3_PART]))
                del buffer[:S3_PART]
            send(bytes(buffer))
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self._client.abort_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), UploadId=upload_id
            )
            raise

    def get(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from exc
            raise
        return _body_blocks(answer["Body"])

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self, prefix: str) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix)
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def listing(self, prefix: str) -> Iterator[tuple[str, dt.datetime]]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix)
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :], item["LastModified"]

    def check(self) -> None:
        self._client.head_bucket(Bucket=self.bucket)

    def create_bucket(self) -> None:
        """For tests and first set-up: make the bucket if it is not there."""
        if not _bucket_exists(self._client, self.bucket):
            self._client.create_bucket(Bucket=self.bucket)


def _bucket_exists(client, bucket: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        return False
    return True


def _body_blocks(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(READ_BLOCK)
    finally:
        body.close()
