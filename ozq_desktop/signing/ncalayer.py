"""Signing through NCALayer, the НУЦ РК service on the clerk's PC (GOST keys, tokens, ID cards).

The protocol, as NCALayer clients and stand-ins in public use speak it (sigex-kz's
ncalayer-js-client and ncalayer-mocker):

- NCALayer listens on `wss://127.0.0.1:13579/`. Right after the WebSocket opens it sends a
  greeting `{"result": {"version": "..."}}`; we skip it (and a bare `--heartbeat--` text).
- One request per signing, JSON `{"module": "kz.gov.pki.knca.basics", "method": "sign",
  "args": {...}}`; `args.data` is the content in base64 and `signingParams.decode = true` makes
  NCALayer sign the decoded bytes; `encapsulate = false` asks for a detached CMS.
- The answer: `{"status": true, "body": {"result": [<base64 CMS>]}}` (some builds send the
  string, not a one-element list); `{"status": false, "code": ..., "message": ...}` on failure;
  `{"status": true, "body": {}}` (no `result`) when the clerk closed the dialog. An NCALayer
  without the `basics` module answers `{"success": false, "errorCode": "MODULE_NOT_FOUND"}`.

TLS. NCALayer serves wss:// with a certificate of its own for 127.0.0.1, not one a public CA
issued. By default we therefore do not verify the certificate, and only when the URL's host is a
loopback address (127.0.0.1, ::1, localhost): the traffic never leaves the machine, and the
signature we get back is checked by the hub against the НУЦ certificate chain, so a program
impersonating NCALayer cannot make a signature the hub accepts. Any other host is verified
against the system's CAs. Pass `ssl_context` to choose otherwise (e.g. trust NCALayer's own
certificate file).

No proxy is ever used: the desk talks to the local service directly.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from ozq_desktop.i18n import N_, lazy
from ozq_desktop.signing import Signature, SigningError

DEFAULT_URL = "wss://127.0.0.1:13579/"
BASICS_MODULE = "kz.gov.pki.knca.basics"
OPEN_TIMEOUT = 5.0  # seconds to reach NCALayer; the clerk's PIN entry has its own `timeout`
HEARTBEAT = "--heartbeat--"
LOCALES = ("kk", "ru", "en")  # the interface languages NCALayer offers

NOT_RUNNING = N_("NCALayer is not running on this computer. Start NCALayer and sign again.")
NOT_RESPONDING = N_("NCALayer does not respond. Restart NCALayer and sign again.")
NOT_NCALAYER = N_("The program at {url} is not NCALayer.")
TLS_FAILED = N_("The secure connection to NCALayer failed: its certificate was not accepted.")
TIMED_OUT = N_(
    "No signature came from NCALayer within {seconds} seconds; signing was stopped. "
    "Sign again when ready."
)
CLOSED = N_("NCALayer closed the connection before answering.")
CANCELLED = N_("Signing was cancelled in NCALayer.")
REFUSED = N_("NCALayer could not sign (code {code}): {message}")
TOO_OLD = N_(
    "This NCALayer is too old: it lacks the signing module {module}. "
    "Update NCALayer from pki.gov.kz."
)
UNUSABLE = N_("NCALayer's answer cannot be used: {reason}")
NOT_JSON = N_("it is not JSON")
NO_SIGNATURE = N_("it carries no signature")
NOT_BASE64 = N_("the signature is not base64")
NOT_CMS = N_("the signature is not a CMS signature carrying the signer's certificate")

_PEM_ARMOUR = re.compile(r"-----(BEGIN|END)[^-]*-----")


class NcaLayerSigner:
    """A `Signer` that asks NCALayer for a detached CMS; the clerk picks the key and types
    the PIN in NCALayer's own window. Thread-safe: each `sign` opens its own connection."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        lang: str = "ru",
        storages: tuple[str, ...] = ("PKCS12",),
        timeout: float = 300.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if urlsplit(url).scheme not in ("ws", "wss"):
            raise ValueError(f"NCALayer URL must be ws:// or wss://, not {url!r}")
        if lang not in LOCALES:
            raise ValueError(f"NCALayer has no interface language {lang!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.url = url
        self.lang = lang
        self.storages = tuple(storages)
        self.timeout = timeout
        self.ssl_context = tls_context_for(url, ssl_context)

    def sign(self, content: bytes) -> Signature:
        answer = self._exchange(json.dumps(self.request_for(content)))
        cms = _cms_from(answer)
        return Signature(cms=cms, signer=signer_of(cms))

    def request_for(self, content: bytes) -> dict[str, Any]:
        """The `basics.sign` request for a detached CMS over `content`. No `tsaProfile`: a
        timestamp would make NCALayer call a TSA over the network, and a mobile clerk signs
        offline; the signing time is in the CMS's signed attributes."""
        return {
            "module": BASICS_MODULE,
            "method": "sign",
            "args": {
                "allowedStorages": list(self.storages),
                "format": "cms",
                "data": base64.b64encode(content).decode("ascii"),
                "signingParams": {
                    "decode": True,
                    "encapsulate": False,
                    "digested": False,
                },
                "signerParams": {"extKeyUsageOids": [], "chain": []},
                "locale": self.lang,
            },
        }

    def _exchange(self, request: str) -> dict[str, Any]:
        """Send the request; the first answer that is not a greeting or a heartbeat."""
        with self._open() as ws:
            deadline = time.monotonic() + self.timeout
            try:
                ws.send(request)
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError
                    answer = _parse(ws.recv(timeout=remaining))
                    if answer is not None:
                        return answer
            except TimeoutError:
                raise SigningError(TIMED_OUT, seconds=f"{self.timeout:g}") from None
            except ConnectionClosed:
                raise SigningError(CLOSED) from None

    def _open(self) -> ClientConnection:
        secure = urlsplit(self.url).scheme == "wss"
        try:
            return connect(
                self.url,
                ssl=self.ssl_context if secure else None,
                proxy=None,
                open_timeout=OPEN_TIMEOUT,
                close_timeout=2,
                max_size=16 * 1024 * 1024,
            )
        except ssl.SSLError:
            raise SigningError(TLS_FAILED) from None
        except (InvalidHandshake, InvalidURI):
            raise SigningError(NOT_NCALAYER, url=self.url) from None
        except TimeoutError:
            raise SigningError(NOT_RESPONDING) from None
        except OSError:  # connection refused, host unreachable
            raise SigningError(NOT_RUNNING) from None


def tls_context_for(url: str, given: ssl.SSLContext | None) -> ssl.SSLContext | None:
    """The TLS context to reach `url` with: `given`, else NCALayer's own certificate trusted
    on loopback only, else the system's CAs (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme != "wss":
        return None
    if given is not None:
        return given
    if not _is_loopback(parts.hostname or ""):
        return ssl.create_default_context()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse(message: str | bytes) -> dict[str, Any] | None:
    """An answer as a dict, or None for the greeting and heartbeats."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    if message.strip() == HEARTBEAT:
        return None
    try:
        answer = json.loads(message)
    except ValueError:
        raise SigningError(UNUSABLE, reason=lazy(NOT_JSON)) from None
    if not isinstance(answer, dict):
        raise SigningError(UNUSABLE, reason=lazy(NOT_JSON))
    result = answer.get("result")
    if "status" not in answer and isinstance(result, dict) and "version" in result:
        return None
    return answer


def _cms_from(answer: dict[str, Any]) -> bytes:
    """The DER CMS in a `basics` answer, or the SigningError the answer stands for."""
    if answer.get("errorCode") == "MODULE_NOT_FOUND":
        raise SigningError(TOO_OLD, module=BASICS_MODULE)
    if "errorCode" in answer:
        raise SigningError(REFUSED, code=str(answer["errorCode"]), message="")
    status = answer.get("status")
    if status is False:
        raise SigningError(
            REFUSED, code=str(answer.get("code", "")), message=str(answer.get("message", ""))
        )
    body = answer.get("body")
    if status is not True or not isinstance(body, dict):
        raise SigningError(UNUSABLE, reason=lazy(NO_SIGNATURE))
    if "result" not in body:
        raise SigningError(CANCELLED)
    result = body["result"]
    if isinstance(result, list) and len(result) == 1:
        result = result[0]
    if not isinstance(result, str) or not result.strip():
        raise SigningError(UNUSABLE, reason=lazy(NO_SIGNATURE))
    return _der_from_base64(result)


def _der_from_base64(text: str) -> bytes:
    """Base64 as NCALayer sends it: sometimes wrapped in lines or in PEM armour."""
    compact = "".join(_PEM_ARMOUR.sub("", text).split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise SigningError(UNUSABLE, reason=lazy(NOT_BASE64)) from None


def signer_of(cms: bytes) -> str:
    """The signer as people read it: the end-entity certificate's CN and serialNumber (for
    Kazakh certificates «IIN…» or «BIN…»), e.g. «Жұмабаев Нұрлан (IIN900101300001)»."""
    try:
        certs = pkcs7.load_der_pkcs7_certificates(cms)
    except ValueError:
        raise SigningError(UNUSABLE, reason=lazy(NOT_CMS)) from None
    cert = _end_entity(certs)
    if cert is None:
        raise SigningError(UNUSABLE, reason=lazy(NOT_CMS))
    cn = _attribute(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string()
    serial = _attribute(cert.subject, NameOID.SERIAL_NUMBER)
    return f"{cn} ({serial})" if serial else cn


def _end_entity(certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The certificate that issued none of the others and is not a CA."""
    issuers = {c.issuer for c in certs if c.issuer != c.subject}
    for cert in certs:
        if cert.subject not in issuers and not _is_ca(cert):
            return cert
    return None


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except (x509.ExtensionNotFound, ValueError):  # none, or extensions cryptography can't read
        return False


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None
