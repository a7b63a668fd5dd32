"""The NCALayer signer against a local stand-in that speaks NCALayer's WebSocket protocol."""

from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ozq_desktop.i18n import LANGUAGES, lazy, tr
from ozq_desktop.signing import Signature, Signer, SigningError, ncalayer
from ozq_desktop.signing.ncalayer import NcaLayerSigner
from tests.signing.ncalayer_standin import Answer, NcaLayerStandIn, SigningKey
from tests.signing.pki import make_pki

MANIFEST = b'{"receipt": "ALA01-2026-000123", "files": ["a.pdf"]}'


@pytest.fixture(scope="module")
def pki():
    return make_pki("Жұмабаев Нұрлан")


@pytest.fixture(scope="module")
def clerk_key(pki, tmp_path_factory):
    p12 = pki.pkcs12(tmp_path_factory.mktemp("keys") / "RSA256_clerk.p12", "secret")
    return SigningKey.from_pkcs12(p12, "secret")


@pytest.fixture
def standin(clerk_key):
    with NcaLayerStandIn(clerk_key) as running:
        yield running


def _fails_with(signer: NcaLayerSigner, msgid: str, **params) -> SigningError:
    with pytest.raises(SigningError) as caught:
        signer.sign(MANIFEST)
    error = caught.value
    assert error.msgid == msgid
    for lang in LANGUAGES:
        text = error.message(lang)
        assert text == tr(msgid, lang, **params)
        assert text != msgid  # really translated
    assert error.message("kk") != error.message("ru")
    return error


def _openssl_verifies(
    cms: bytes, content: bytes, root_pem, tmp_path
) -> subprocess.CompletedProcess:
    (tmp_path / "sig.der").write_bytes(cms)
    (tmp_path / "content.bin").write_bytes(content)
    return subprocess.run(
        [
            shutil.which("openssl") or "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "sig.der"),
            "-content",
            str(tmp_path / "content.bin"),
            "-CAfile",
            str(root_pem),
            "-purpose",
            "any",
            "-out",
            str(tmp_path / "verified.bin"),
        ],
        capture_output=True,
        text=True,
    )


def test_signs_a_detached_cms_that_openssl_verifies(standin, pki, tmp_path):
    signer = NcaLayerSigner(standin.start(), lang="kk")
    assert isinstance(signer, Signer)

    signature = signer.sign(MANIFEST)

    assert isinstance(signature, Signature)
    assert signature.signer == "Жұмабаев Нұрлан (IIN900101300001)"
    root = pki.root_pem(tmp_path / "root.pem")
    checked = _openssl_verifies(signature.cms, MANIFEST, root, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert (tmp_path / "verified.bin").read_bytes() == MANIFEST
    # detached: the content is not inside, and other content does not verify
    assert MANIFEST not in signature.cms
    forged = _openssl_verifies(signature.cms, MANIFEST + b" ", root, tmp_path)
    assert forged.returncode != 0


def test_the_request_has_the_shape_ncalayer_expects(standin):
    signer = NcaLayerSigner(standin.start(), lang="kk", storages=("PKCS12", "AKKZIDCardStore"))
    signer.sign(MANIFEST)

    [request] = standin.requests
    assert request["module"] == "kz.gov.pki.knca.basics"
    assert request["method"] == "sign"
    args = request["args"]
    assert args["format"] == "cms"
    assert args["allowedStorages"] == ["PKCS12", "AKKZIDCardStore"]
    assert base64.b64decode(args["data"], validate=True) == MANIFEST
    assert args["signingParams"] == {
        "decode": True,
        "encapsulate": False,
        "digested": False,
    }  # no tsaProfile: a timestamp needs the network, and a mobile clerk signs offline
    assert args["signerParams"] == {"extKeyUsageOids": [], "chain": []}
    assert args["locale"] == "kk"


def test_works_without_the_greeting_of_older_versions(standin):
    standin.greet = False
    signature = NcaLayerSigner(standin.start()).sign(MANIFEST)
    assert signature.signer.startswith("Жұмабаев Нұрлан")


def test_heartbeats_are_not_answers(standin):
    standin.heartbeat = True
    assert NcaLayerSigner(standin.start()).sign(MANIFEST).cms


def test_each_signing_is_its_own_connection(standin):
    signer = NcaLayerSigner(standin.start())
    first, second = signer.sign(b"one"), signer.sign(b"two")
    assert first.cms != second.cms
    assert len(standin.requests) == 2


def test_the_clerk_cancelling_has_its_own_message(standin):
    standin.answer = Answer.CANCEL
    _fails_with(NcaLayerSigner(standin.start()), ncalayer.CANCELLED)


def test_an_ncalayer_error_shows_its_code_and_message(standin):
    standin.answer = Answer.ERROR
    standin.error_code, standin.error_message = "SIGNING_FAILURE", "Неверный пароль"
    error = _fails_with(
        NcaLayerSigner(standin.start()),
        ncalayer.REFUSED,
        code="SIGNING_FAILURE",
        message="Неверный пароль",
    )
    for lang in LANGUAGES:
        assert "SIGNING_FAILURE" in error.message(lang)
        assert "Неверный пароль" in error.message(lang)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer.MALFORMED_JSON, ncalayer.NOT_JSON),
        (Answer.NO_RESULT, ncalayer.NO_SIGNATURE),
        (Answer.NOT_BASE64, ncalayer.NOT_BASE64),
        (Answer.NOT_CMS, ncalayer.NOT_CMS),
    ],
)
def test_a_malformed_answer_says_what_is_wrong(standin, answer, reason):
    standin.answer = answer
    error = _fails_with(NcaLayerSigner(standin.start()), ncalayer.UNUSABLE, reason=lazy(reason))
    for lang in LANGUAGES:
        assert tr(reason, lang) in error.message(lang)


def test_the_clerk_not_answering_in_time_stops_the_signing(standin):
    standin.answer = Answer.SILENT
    signer = NcaLayerSigner(standin.start(), timeout=1.0)
    _fails_with(signer, ncalayer.TIMED_OUT, seconds="1")
    assert len(standin.requests) == 1  # the request did arrive; the answer did not


def test_ncalayer_not_running(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _fails_with(NcaLayerSigner(f"wss://127.0.0.1:{port}/"), ncalayer.NOT_RUNNING)
    _fails_with(NcaLayerSigner(f"ws://127.0.0.1:{port}/"), ncalayer.NOT_RUNNING)


def test_another_program_on_the_port_is_not_taken_for_ncalayer():
    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_error(404)

        def log_message(self, *args):
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), NotFound) as web:
        threading.Thread(target=web.serve_forever, daemon=True).start()
        url = f"ws://127.0.0.1:{web.server_address[1]}/"
        try:
            _fails_with(NcaLayerSigner(url), ncalayer.NOT_NCALAYER, url=url)
        finally:
            web.shutdown()


def test_an_ncalayer_without_the_basics_module_is_too_old(standin):
    signer = NcaLayerSigner(standin.start())
    signer.request_for = lambda content: {"module": "kz.gov.pki.knca.applet.Applet"}  # type: ignore[method-assign]
    _fails_with(signer, ncalayer.TOO_OLD, module="kz.gov.pki.knca.basics")


def test_the_standin_refuses_what_ncalayer_would_refuse(standin):
    signer = NcaLayerSigner(standin.start())
    good = signer.request_for(MANIFEST)
    bad_requests = {
        "INVOCATION_ERROR": {**good, "method": "signXml"},
        "INVALID_SIGNING_PARAMS": {**good, "args": {**good["args"], "data": "не base64"}},
    }
    for code, request in bad_requests.items():
        signer.request_for = lambda content, r=request: r  # type: ignore[method-assign]
        error = _fails_with(signer, ncalayer.REFUSED, code=code, message=_standin_message(code))
        assert code in error.message("ru")


def _standin_message(code: str) -> str:
    return {
        "INVOCATION_ERROR": "no such method: signXml",
        "INVALID_SIGNING_PARAMS": "data is not base64",
    }[code]


def test_wss_with_ncalayers_self_signed_certificate(standin):
    url = standin.start(tls=True)
    assert url.startswith("wss://127.0.0.1:")

    # by default: NCALayer's own certificate, trusted on loopback
    assert NcaLayerSigner(url).sign(MANIFEST).signer.startswith("Жұмабаев Нұрлан")

    # pinned: trust exactly the stand-in's certificate
    pinned = ssl.create_default_context(cafile=str(standin.tls_certificate))
    assert NcaLayerSigner(url, ssl_context=pinned).sign(MANIFEST).cms

    # the system's CAs do not know it
    _fails_with(NcaLayerSigner(url, ssl_context=ssl.create_default_context()), ncalayer.TLS_FAILED)


def test_certificates_are_verified_for_any_host_but_loopback():
    remote = ncalayer.tls_context_for("wss://signer.example.kz:13579/", None)
    assert remote is not None
    assert remote.verify_mode == ssl.CERT_REQUIRED and remote.check_hostname
    for url in ("wss://127.0.0.1:13579/", "wss://[::1]:13579/", "wss://localhost:13579/"):
        local = ncalayer.tls_context_for(url, None)
        assert local is not None and local.verify_mode == ssl.CERT_NONE
    assert ncalayer.tls_context_for("ws://127.0.0.1:13579/", None) is None


def test_bad_settings_are_refused_at_once():
    with pytest.raises(ValueError):
        NcaLayerSigner("http://127.0.0.1:13579/")
    with pytest.raises(ValueError):
        NcaLayerSigner(lang="de")
    with pytest.raises(ValueError):
        NcaLayerSigner(timeout=0)
