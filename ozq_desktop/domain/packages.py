"""Finding packages: one search box for words of the name, a receipt number, an IIN/BIN (whole
or in part); by receipt number and by id; one day's listing.

A number the clerk types (digits, or a receipt number's part like «ALA01» or «D1-0500001») is
looked up first where clerks mean it: the start of an IIN/BIN, the start or the end of a
receipt number, each through its own index. Anything else, and a number found nowhere there,
goes to `package_search`, an SQLite FTS5 table with the trigram tokenizer (migration 0007),
which a trigger fills from each new package with its searchable text: the name as
domain/search_text.fold gives it, the receipt number and the identifiers. Every query word of
three or more characters is matched as a substring anywhere in that text; a shorter word
filters what those found, and a query of short words only finds names starting with them.
Newest packages come first, at most SEARCH_RESULTS of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ozq_desktop.domain.search_text import fold, query_words
from ozq_desktop.errors import NotFoundError
from ozq_desktop.models import Package
from ozq_desktop.models.package import reversed_receipt

SEARCH_LIMIT = 200
SEARCH_RESULTS = 50  # the search box shows the newest; more words narrow it
MIN_SUBSTRING = 3  # the trigram index finds substrings of three characters or more
_NUMBER = re.compile(r"(?=.*\d.*\d.*\d)[0-9a-z]+(-[0-9a-z]*)*")


@dataclass(frozen=True)
class PackageSummary:
    id: str
    receipt_no: str
    service_id: str
    status: str
    applicant_name: str
    applicant_idn: str
    accepted_at: object
    result_date: date | None
    clerk_id: int
    promised_date: date | None = None  # the date on the applicant's receipt
    training: bool = False

    @property
    def promise_differs(self) -> bool:
        """The receipt gave the applicant another date than the one the package is due on."""
        return self.promised_date is not None and self.promised_date != self.result_date


def _summary(p: Package) -> PackageSummary:
    return PackageSummary(
        p.id,
        p.receipt_no,
        p.service_id,
        p.status,
        p.applicant_name,
        p.applicant_idn,
        p.accepted_at,
        p.result_date,
        p.clerk_id,
        p.promised_date,
        bool(p.training),
    )


COLUMNS = (
    Package.id,
    Package.receipt_no,
    Package.service_id,
    Package.status,
    Package.applicant_name,
    Package.applicant_idn,
    Package.accepted_at,
    Package.result_date,
    Package.clerk_id,
    Package.promised_date,
    Package.training,
)


def rows_of(session: Session, stmt) -> list[PackageSummary]:
    return [PackageSummary(*row) for row in session.execute(stmt)]


def by_id(*, session: Session, package_id: str) -> Package:
    package = session.get(Package, package_id)
    if package is None:
        raise NotFoundError("No such package.")
    return package


def by_receipt(*, session: Session, receipt_no: str) -> Package:
    package = session.scalars(
        select(Package).where(Package.receipt_no == receipt_no.strip().upper())
    ).first()
    if package is None:
        raise NotFoundError("No package has the receipt number {number}.", number=receipt_no)
    return package


def by_idn(*, session: Session, idn: str, limit: int = SEARCH_LIMIT) -> list[PackageSummary]:
    stmt = (
        select(*COLUMNS)
        .where(Package.applicant_idn == idn.strip())
        .order_by(Package.accepted_at.desc())
        .limit(limit)
    )
    return rows_of(session, stmt)


def by_name(*, session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[PackageSummary]:
    """Applicants whose name starts with the text, folded as names are stored (the index of
    the folded name): the search for a query too short for the trigram index."""
    prefix = fold(text)
    if not prefix:
        return []
    stmt = (
        select(*COLUMNS)
        .where(
            Package.applicant_name_fold >= prefix,
            Package.applicant_name_fold < prefix + "\U0010ffff",
        )
        .order_by(Package.applicant_name_fold)
        .limit(limit)
    )
    return rows_of(session, stmt)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _prefix(column, value: str):
    return (column >= value, column < value + "\U0010ffff")


def by_number(*, session: Session, number: str, limit: int) -> list[PackageSummary]:
    """Packages whose IIN/BIN starts with `number`, or whose receipt number starts or ends
    with it; each through its index, newest first."""
    found: dict[str, PackageSummary] = {}
    for conditions in (
        _prefix(Package.applicant_idn, number),
        _prefix(Package.receipt_no, number.upper()),
        _prefix(Package.receipt_rev, reversed_receipt(number)),
    ):
        stmt = select(*COLUMNS).where(*conditions).order_by(Package.accepted_at.desc()).limit(limit)
        for row in rows_of(session, stmt):
            found.setdefault(row.id, row)
    newest = sorted(found.values(), key=lambda r: r.accepted_at, reverse=True)
    return newest[:limit]


def search(*, session: Session, text: str, limit: int = SEARCH_RESULTS) -> list[PackageSummary]:
    """One box for everything: words anywhere in the name (any case, quotes and legal forms
    ignored, Kazakh letters equal to their Russian look-alikes), or a receipt number, IIN or
    BIN, whole or in part. Newest first."""
    found = query_words(text)
    if len(found) == 1 and _NUMBER.fullmatch(found[0]):
        rows = by_number(session=session, number=found[0], limit=limit)
        if rows:
            return rows
    long = [w for w in found if len(w) >= MIN_SUBSTRING]
    short = [w for w in found if len(w) < MIN_SUBSTRING]
    if not long:
        return by_name(session=session, text=" ".join(short), limit=limit) if short else []
    params: dict[str, object] = {"match": " AND ".join(map(_quoted, long)), "limit": limit}
    filters = ""
    for n, word in enumerate(short):
        params[f"short{n}"] = _like(word)
        filters += f" AND s.text LIKE :short{n} ESCAPE '\\'"
    ids = [
        row[0]
        for row in session.execute(
            sql(
                "SELECT s.package_id FROM package_search AS s"
                f" WHERE package_search MATCH :match{filters}"
                " ORDER BY s.rowid DESC LIMIT :limit"
            ),
            params,
        )
    ]
    if not ids:
        return []
    rows = {row.id: row for row in rows_of(session, select(*COLUMNS).where(Package.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def day_listing(
    *, session: Session, day: date, clerk_id: int | None = None
) -> list[PackageSummary]:
    stmt = select(*COLUMNS).where(Package.accepted_day == day)
    if clerk_id is not None:
        stmt = stmt.where(Package.clerk_id == clerk_id)
    return rows_of(session, stmt.order_by(Package.accepted_at))
