"""The clerk's PKCS#12 key signs detached CMS that the hub and OpenSSL both verify; every way
a key file can fail gives the clerk a message in Kazakh and Russian."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ozq_desktop.signing import Signer, SigningError
from ozq_desktop.signing.pkcs12 import Pkcs12Signer
from ozq_hub.service.signatures import SignatureInvalid, verify_detached
from tests.signing.pki import make_pki

CONTENT = '{"package_uuid":"…","manifest":[]} Қазақ'.encode()


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture
def signer(pki, tmp_path) -> Pkcs12Signer:
    return Pkcs12Signer.from_file(pki.pkcs12(tmp_path / "clerk.p12", "pässwörd"), "pässwörd")


def test_a_signature_verifies_against_the_root_and_names_the_clerk(pki, signer):
    assert isinstance(signer, Signer)
    signature = signer.sign(CONTENT)
    assert signature.signer == "Клерк Тестовый, IIN900101300001"
    info = verify_detached(signature.cms, CONTENT, [pki.root.cert], datetime.now(UTC))
    assert "IIN900101300001" in info.subject and "Клерк Тестовый" in info.subject
    assert info.serial == format(pki.clerk.cert.serial_number, "x")
    assert CONTENT not in signature.cms  # detached: the content is not inside
    with pytest.raises(SignatureInvalid, match="digest"):
        verify_detached(signature.cms, CONTENT + b" ", [pki.root.cert], datetime.now(UTC))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_verifies_the_signature_too(pki, signer, tmp_path):
    (tmp_path / "content").write_bytes(CONTENT)
    (tmp_path / "sig.der").write_bytes(signer.sign(CONTENT).cms)
    root = pki.root_pem(tmp_path / "root.pem")

    def verify(content_file: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
             "-in", str(tmp_path / "sig.der"), "-content", str(tmp_path / content_file),
             "-CAfile", str(root), "-purpose", "any", "-out", "/dev/null"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    good = verify("content")
    assert good.returncode == 0, good.stderr
    (tmp_path / "changed").write_bytes(CONTENT.replace(b"manifest", b"Manifest"))
    assert verify("changed").returncode != 0


def _message(exc: SigningError) -> tuple[str, str]:
    kk, ru = exc.message("kk"), exc.message("ru")
    assert kk and ru and kk != ru and kk != exc.msgid
    return kk, ru


def test_a_missing_file(tmp_path):
    with pytest.raises(SigningError) as caught:
        Pkcs12Signer.from_file(tmp_path / "absent.p12", "x")
    assert caught.value.msgid.startswith("The key file {path} cannot be read")
    assert "absent.p12" in _message(caught.value)[0]


def test_a_file_that_is_not_pkcs12(tmp_path):
    for name, data in [("cert.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n"), ("e.p12", b"")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(SigningError) as caught:
            Pkcs12Signer.from_file(tmp_path / name, "secret")
        assert caught.value.msgid == "The file {path} is not a PKCS#12 key file."
        _message(caught.value)


def test_a_wrong_password(pki, tmp_path):
    path = pki.pkcs12(tmp_path / "clerk.p12", "right")
    with pytest.raises(SigningError) as caught:
        Pkcs12Signer.from_file(path, "wrong")
    assert caught.value.msgid == "The key file's password is wrong."
    _message(caught.value)


def test_an_ec_key_is_sent_to_ncalayer(tmp_path):
    ec_pki = make_pki(key=ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(SigningError) as caught:
        Pkcs12Signer.from_file(ec_pki.pkcs12(tmp_path / "ec.p12"), "secret")
    assert "NCALayer" in caught.value.msgid
    kk, ru = _message(caught.value)
    assert "NCALayer" in kk and "NCALayer" in ru


def test_an_expired_certificate(tmp_path):
    old = make_pki(not_before=datetime.now(UTC) - timedelta(days=400), days=30)
    with pytest.raises(SigningError) as caught:
        Pkcs12Signer.from_file(old.pkcs12(tmp_path / "old.p12"), "secret")
    assert caught.value.msgid == "The signing certificate expired on {date}."
    assert old.clerk.cert.not_valid_after_utc.date().isoformat() in _message(caught.value)[1]


def test_a_certificate_not_valid_yet(tmp_path):
    future = make_pki(not_before=datetime.now(UTC) + timedelta(days=10))
    with pytest.raises(SigningError) as caught:
        Pkcs12Signer.from_file(future.pkcs12(tmp_path / "future.p12"), "secret")
    assert caught.value.msgid == "The signing certificate is not valid yet: it starts on {date}."
    _message(caught.value)
