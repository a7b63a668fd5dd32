from __future__ import annotations

import itertools

import pytest

from ozq_desktop.domain.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    PackageStatus,
    can_move,
    check_transition,
    status_label,
)
from ozq_desktop.errors import IllegalTransitionError

S = PackageStatus
LEGAL = [
    (S.DRAFT, S.ACCEPTED),
    (S.DRAFT, S.REFUSED_AT_COUNTER),
    (S.ACCEPTED, S.QUEUED),
    (S.QUEUED, S.SENT),
    (S.SENT, S.RECEIVED),
    (S.SENT, S.QUEUED),
    (S.RECEIVED, S.DECISION_GRANTED),
    (S.RECEIVED, S.DECISION_REFUSED),
    (S.DECISION_GRANTED, S.ISSUED),
    (S.DECISION_REFUSED, S.ISSUED),
    (S.DECISION_GRANTED, S.DECISION_REFUSED),
    (S.DECISION_REFUSED, S.DECISION_GRANTED),
]


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_every_legal_transition_is_allowed(current, target):
    assert check_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in itertools.product(S, S) if pair not in LEGAL],
)
def test_every_other_transition_raises(current, target):
    with pytest.raises(IllegalTransitionError) as err:
        check_transition(current, target)
    assert status_label(current, "ru") in err.value.message("ru")
    assert status_label(target, "kk") in err.value.message("kk")


def test_the_table_is_exactly_the_documented_graph():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == set(LEGAL)


def test_refused_at_counter_and_issued_are_terminal():
    assert {S.REFUSED_AT_COUNTER, S.ISSUED} == TERMINAL
    assert not can_move(S.REFUSED_AT_COUNTER, S.ACCEPTED)


def test_every_state_is_reachable_from_draft():
    seen, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(S)


def test_labels_exist_in_both_languages_and_differ():
    for status in S:
        assert status_label(status, "kk") != status_label(status, "ru")
