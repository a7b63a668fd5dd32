"""Suite-wide set-up: Qt offscreen, every test on its own data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from ozq_desktop import i18n


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "ozq-data"
    data.mkdir()
    monkeypatch.setenv("OZQ_DATA_DIR", str(data))
    yield data
    i18n.set_language(i18n.DEFAULT_LANGUAGE)
