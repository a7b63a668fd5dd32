"""The supervisor signed in on a desk with one clerk."""

from __future__ import annotations

import pytest

from tests.ui.conftest import set_up_desk, sign_in, start_app


@pytest.fixture
def boss_app(qtbot, data_folder):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    yield app
    app.shutdown()


@pytest.fixture
def boss_window(qtbot, boss_app):
    return sign_in(qtbot, boss_app, "boss", "supersecret")
