"""The clerk's EDS (ЭЦҚ): one interface, two ways to sign.

Seed: applications are certified by the clerk's EDS. A signer turns the package's signed
content (bytes) into a CMS (PKCS#7) *detached* signature, DER-encoded, that carries the
signer's certificate. Implementations:

- `ozq_desktop.signing.pkcs12.Pkcs12Signer`: an RSA key from a PKCS#12 file, through
  `cryptography`;
- `ozq_desktop.signing.ncalayer.NcaLayerSigner`: the NCALayer service on the clerk's PC
  (WebSocket JSON, module `kz.gov.pki.knca.basics`, method `sign`, format `cms`).

Qt-free: the UI asks for a password (PKCS#12) and runs `sign` through its task helper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ozq_desktop.errors import OzqError


class SigningError(OzqError):
    """The package could not be signed: a wrong key password, a key that cannot sign, an
    expired certificate, NCALayer not running or the clerk cancelled."""


@dataclass(frozen=True)
class Signature:
    cms: bytes  # DER ContentInfo(SignedData), detached: the content is not inside
    signer: str  # the signer certificate's subject, as people read it (for display)


@runtime_checkable
class Signer(Protocol):
    def sign(self, content: bytes) -> Signature:
        """Sign `content`; raise SigningError with a message for the clerk on failure."""
        ...
