"""When the hub refuses the desk's audit trail (409 audit_conflict, issue 12), the sync keeps
the fact; Desk → Needs attention… says it in the supervisor's language, with the row."""

from __future__ import annotations

import json

from ozq_desktop.storage.engine import transaction
from ozq_desktop.sync import state
from ozq_desktop.sync.audit_sync import CONFLICT
from ozq_desktop.ui.actions import ActionId
from tests.ui.conftest import idle, set_up_desk, sign_in, start_app


def test_needs_attention_names_the_audit_conflict(qtbot, data_folder):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        with transaction(app.desk.factory) as s:  # as sync.audit_sync keeps a refusal
            state.put(s, CONFLICT, json.dumps({"seq": 17, "detail": "row 17 differs"}))
        main = sign_in(qtbot, app, "boss", "supersecret")
        main.actions[ActionId.NEEDS_ATTENTION].trigger()
        idle(qtbot, app)
        hint = main.attention_dialog.hint.text()
        assert "аудит журналы" in hint.lower() and "17" in hint
        main.attention_dialog.close()
    finally:
        app.shutdown()
