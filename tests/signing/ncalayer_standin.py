"""A local stand-in for NCALayer: the `kz.gov.pki.knca.basics` `sign` method over WebSocket.

It greets each connection with `{"result": {"version": ...}}` as NCALayer does, checks the
request the way NCALayer would, and signs `data` as a detached CMS with a PKCS#12 key (RSA,
through `cryptography`) instead of asking a clerk for a PIN. Tests start it in a background
thread and tell it how to answer (`Answer`); it records every request it received.

By hand (a desk pointed at `ws://127.0.0.1:13579/`, or wss:// with `--tls`):

    python -m tests.signing.ncalayer_standin --p12 clerk.p12 --password secret --port 13579
"""

from __future__ import annotations

import argparse
import base64
import binascii
import enum
import ipaddress
import json
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from ozq_desktop.signing.selftest import self_signed

BASICS = "kz.gov.pki.knca.basics"
VERSION = "1.4"  # what the greeting reports


class Answer(enum.Enum):
    SIGN = "sign"  # a detached CMS, as after a correct PIN
    CANCEL = "cancel"  # the clerk closed the dialog: status true, no result
    ERROR = "error"  # status false with `error_code` / `error_message`
    MALFORMED_JSON = "malformed-json"
    NOT_BASE64 = "not-base64"  # a result that is not base64
    NOT_CMS = "not-cms"  # base64 of bytes that are not a CMS
    NO_RESULT = "no-result"  # status true, an empty result list
    SILENT = "silent"  # never answers (the clerk walked away)


@dataclass(frozen=True)
class SigningKey:
    key: Any
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @classmethod
    def from_pkcs12(cls, path: Path, password: str) -> SigningKey:
        key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
        if key is None or cert is None:
            raise ValueError(f"{path} holds no key and certificate")
        return cls(key, cert, tuple(chain))


@dataclass
class NcaLayerStandIn:
    signing_key: SigningKey
    answer: Answer = Answer.SIGN
    error_code: str = "SIGNING_FAILURE"
    error_message: str = "Неверный пароль"
    greet: bool = True
    heartbeat: bool = False  # send "--heartbeat--" before each answer, as some builds do
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: Server | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _tls_dir: tempfile.TemporaryDirectory | None = field(default=None, init=False, repr=False)
    tls_certificate: Path | None = field(default=None, init=False)

    def start(self, *, tls: bool = False, port: int = 0) -> str:
        """Listen on 127.0.0.1 (`port` 0: any free one); the URL to reach the stand-in."""
        context = self._tls_context() if tls else None
        self._server = serve(self._handle, "127.0.0.1", port, ssl=context, max_size=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        bound = self._server.socket.getsockname()[1]
        return f"{'wss' if tls else 'ws'}://127.0.0.1:{bound}/"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tls_dir is not None:
            self._tls_dir.cleanup()
            self._tls_dir = None

    def __enter__(self) -> NcaLayerStandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the protocol ---

    def _handle(self, ws: ServerConnection) -> None:
        try:
            if self.greet:
                ws.send(json.dumps({"result": {"version": VERSION}}))
            for message in ws:
                reply = self._reply(message)
                if self.heartbeat:
                    ws.send("--heartbeat--")
                if reply is not None:
                    ws.send(reply)
        except ConnectionClosed:
            pass

    def _reply(self, message: str | bytes) -> str | None:
        try:
            request = json.loads(message)
        except ValueError:
            return _failure("INVOCATION_ERROR", "request is not JSON")
        if not isinstance(request, dict):
            return _failure("INVOCATION_ERROR", "request is not a JSON object")
        self.requests.append(request)
        if request.get("module", BASICS) != BASICS:  # what a Felix-based NCALayer answers
            return json.dumps({"success": False, "errorCode": "MODULE_NOT_FOUND"})
        if request.get("method") != "sign":
            return _failure("INVOCATION_ERROR", f"no such method: {request.get('method')}")
        args = request.get("args")
        problem = _invalid_sign_args(args)
        if problem:
            return _failure("INVALID_SIGNING_PARAMS", problem)
        return self._scripted(args)

    def _scripted(self, args: dict[str, Any]) -> str | None:
        match self.answer:
            case Answer.SILENT:
                return None
            case Answer.CANCEL:
                return json.dumps({"status": True, "body": {}})
            case Answer.ERROR:
                return _failure(self.error_code, self.error_message)
            case Answer.MALFORMED_JSON:
                return '{"status": true, "body": {"result": ['
            case Answer.NOT_BASE64:
                return _success("this is not base64 at all!")
            case Answer.NOT_CMS:
                return _success(base64.b64encode(b"\x30\x03\x02\x01\x00").decode())
            case Answer.NO_RESULT:
                return json.dumps({"status": True, "body": {"result": []}})
        attached = bool(args.get("signingParams", {}).get("encapsulate", False))
        cms = self.sign(_content(args), attached=attached)
        return _success(base64.b64encode(cms).decode("ascii"))

    def sign(self, content: bytes, *, attached: bool = False) -> bytes:
        """A CMS signature over `content` with the stand-in's key, chain included."""
        options = [pkcs7.PKCS7Options.Binary]
        if not attached:
            options.append(pkcs7.PKCS7Options.DetachedSignature)
        builder = pkcs7.PKCS7SignatureBuilder().set_data(content)
        builder = builder.add_signer(self.signing_key.cert, self.signing_key.key, hashes.SHA256())
        for cert in self.signing_key.chain:
            builder = builder.add_certificate(cert)
        return builder.sign(serialization.Encoding.DER, options)

    # --- TLS ---

    def _tls_context(self) -> ssl.SSLContext:
        self._tls_dir = tempfile.TemporaryDirectory(prefix="ncalayer-standin-")
        cert_path, key_path = _throwaway_tls_certificate(Path(self._tls_dir.name))
        self.tls_certificate = cert_path
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        return context


def _invalid_sign_args(args: Any) -> str | None:
    """Why NCALayer would refuse these `sign` arguments, or None."""
    if not isinstance(args, dict):
        return "args must be an object"
    if args.get("format") != "cms":
        return f"format {args.get('format')!r} is not supported here (cms only)"
    storages = args.get("allowedStorages")
    if storages is not None and not (
        isinstance(storages, list) and all(isinstance(s, str) for s in storages)
    ):
        return "allowedStorages must be a list of storage names"
    params = args.get("signingParams", {})
    if not isinstance(params, dict):
        return "signingParams must be an object"
    if params.get("digested", False):
        return "digested signing is not supported here"
    if not isinstance(args.get("data"), str):
        return "data must be a string"
    try:
        _content(args)
    except (binascii.Error, ValueError):
        return "data is not base64"
    return None


def _content(args: dict[str, Any]) -> bytes:
    """What NCALayer signs: the base64-decoded data when `decode`, else the text itself."""
    data = args["data"]
    if args.get("signingParams", {}).get("decode", False):
        return base64.b64decode(data, validate=True)
    return data.encode("utf-8")


def _success(result: str) -> str:
    return json.dumps({"status": True, "body": {"result": [result]}})


def _failure(code: str, message: str) -> str:
    return json.dumps({"status": False, "code": code, "message": message, "details": ""})


def _throwaway_tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as NCALayer's own."""
    key = ec.generate_private_key(ec.SECP256R1())
    address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    cert = self_signed(
        key,
        "127.0.0.1",
        (x509.SubjectAlternativeName([address]), x509.BasicConstraints(ca=True, path_length=None)),
    )
    cert_path, key_path = folder / "ncalayer.pem", folder / "ncalayer.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p12", type=Path, required=True, help="the clerk's PKCS#12 file")
    parser.add_argument("--password", required=True, help="its password")
    parser.add_argument("--port", type=int, default=13579)
    parser.add_argument("--tls", action="store_true", help="wss:// with a throwaway certificate")
    parser.add_argument("--answer", choices=[a.value for a in Answer], default=Answer.SIGN.value)
    options = parser.parse_args(argv)
    standin = NcaLayerStandIn(
        SigningKey.from_pkcs12(options.p12, options.password), answer=Answer(options.answer)
    )
    url = standin.start(tls=options.tls, port=options.port)
    print(f"NCALayer stand-in at {url} (Ctrl-C stops it)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
