"""Run by the kill test: accepts packages in a loop until it is killed."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ozq_desktop.domain import acceptance
from ozq_desktop.models import User
from ozq_desktop.storage.engine import make_engine, make_session_factory, transaction
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import clerk_signer, sign_draft


def main(db: str) -> None:
    factory = make_session_factory(make_engine(Path(db)))
    catalog = load_catalog()
    with factory() as s:
        clerk = s.scalars(select(User).where(User.login == "clerk")).one()
    codes = ["application", "declaration", "expert_conclusion"]
    n = 0
    clerk_signer()  # the test key is made before the first kill can come
    print("ready", flush=True)
    while True:
        n += 1
        # Every other package lacks a document, so both outcomes are exercised.
        draft = draft_for(
            "declaration-registration", "legal_entity", VALID_BIN, codes if n % 2 else codes[:1]
        )
        with transaction(factory) as s:
            acceptance.accept_package(
                session=s,
                catalog=catalog,
                draft=draft,
                clerk=clerk,
                at=datetime(2026, 11, 25, 12, 0),
                signature=sign_draft(draft),
            )


if __name__ == "__main__":
    main(sys.argv[1])
