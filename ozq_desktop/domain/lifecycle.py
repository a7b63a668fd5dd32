"""A package's life as an explicit state machine.

    draft → accepted → queued → sent → received → decision_granted | decision_refused → issued
    draft → refused_at_counter (terminal)

accepted: written on the desk. queued: in the outbox, waiting for the network.
sent: the hub has the declaration and is taking its scans. received: the hub committed it
and it is with the committee. decision_*: the committee's result came back ("result ready").
issued: handed to the applicant.
"""

from __future__ import annotations

from enum import StrEnum

from ozq_desktop.errors import IllegalTransitionError
from ozq_desktop.i18n import N_, LazyText, lazy, tr


class PackageStatus(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENT = "sent"
    RECEIVED = "received"
    DECISION_GRANTED = "decision_granted"
    DECISION_REFUSED = "decision_refused"
    ISSUED = "issued"
    REFUSED_AT_COUNTER = "refused_at_counter"


S = PackageStatus

TRANSITIONS: dict[PackageStatus, frozenset[PackageStatus]] = {
    S.DRAFT: frozenset({S.ACCEPTED, S.REFUSED_AT_COUNTER}),
    S.ACCEPTED: frozenset({S.QUEUED}),
    S.QUEUED: frozenset({S.SENT}),
    # The hub's reply to a commit can be lost; the change feed then tells the desk it was received.
    S.SENT: frozenset({S.RECEIVED, S.QUEUED}),
    S.RECEIVED: frozenset({S.DECISION_GRANTED, S.DECISION_REFUSED}),
    # A decision may be revised by the committee before the result is handed over.
    S.DECISION_GRANTED: frozenset({S.ISSUED, S.DECISION_REFUSED}),
    S.DECISION_REFUSED: frozenset({S.ISSUED, S.DECISION_GRANTED}),
    S.ISSUED: frozenset(),
    S.REFUSED_AT_COUNTER: frozenset(),
}

TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
RESULT_READY = frozenset({S.DECISION_GRANTED, S.DECISION_REFUSED})
OPEN = frozenset({S.ACCEPTED, S.QUEUED, S.SENT, S.RECEIVED})

STATUS_LABELS: dict[PackageStatus, str] = {
    S.DRAFT: N_("Draft"),
    S.ACCEPTED: N_("Accepted"),
    S.QUEUED: N_("Waiting to be sent"),
    S.SENT: N_("Being sent"),
    S.RECEIVED: N_("With the committee"),
    S.DECISION_GRANTED: N_("Result ready: granted"),
    S.DECISION_REFUSED: N_("Result ready: refused"),
    S.ISSUED: N_("Issued to the applicant"),
    S.REFUSED_AT_COUNTER: N_("Refused at the counter"),
}


def can_move(current: PackageStatus | str, target: PackageStatus | str) -> bool:
    return PackageStatus(target) in TRANSITIONS[PackageStatus(current)]


def check_transition(current: PackageStatus | str, target: PackageStatus | str) -> PackageStatus:
    """The target state, or IllegalTransitionError when the lifecycle does not connect them."""
    if not can_move(current, target):
        raise IllegalTransitionError(
            "A package cannot go from «{current}» to «{target}».",
            current=status_text(current),
            target=status_text(target),
        )
    return PackageStatus(target)


def status_text(status: PackageStatus | str) -> LazyText:
    return lazy(STATUS_LABELS[PackageStatus(status)])


def status_label(status: PackageStatus | str, lang: str | None = None) -> str:
    return tr(STATUS_LABELS[PackageStatus(status)], lang)


# The way a package travels to the committee; the hub's answers can skip steps the desk
# never saw (a lost reply, a change feed read before the push finished).
PUSH_CHAIN: tuple[PackageStatus, ...] = (S.QUEUED, S.SENT, S.RECEIVED)


def advance_along_push(current: PackageStatus | str, target: PackageStatus) -> PackageStatus:
    """`current` moved forward along queued → sent → received up to `target`, through every
    step in between. A package already at or past `target`, or off that way, stays as it is."""
    state = PackageStatus(current)
    if state not in PUSH_CHAIN or target not in PUSH_CHAIN:
        return state
    for step in PUSH_CHAIN[PUSH_CHAIN.index(state) + 1 : PUSH_CHAIN.index(target) + 1]:
        state = check_transition(state, step)
    return state
