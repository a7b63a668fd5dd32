"""A real browser: Debian's chromium driven by its chromedriver through Selenium, headless,
one session for the whole module, against a real hub process."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="chromium and chromium-driver are not installed (.ci/run installs them)",
)


@pytest.fixture(scope="module")
def chrome() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ozq-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1366,768",
        "--lang=ru",
    ):
        options.add_argument(argument)
    # Chromium has no Kazakh locale. In Russian (chromium-l10n; headless Chromium takes its
    # locale from the environment) the date fields show 01.12.2026, as a service centre's
    # browser does, not the US 12/01/2026. The pages' language is the console's own choice
    # (a cookie), not the browser's.
    russian = {"LANGUAGE": "ru", "LANG": "ru_RU.UTF-8", "LC_ALL": "ru_RU.UTF-8"}
    service = Service(str(CHROMEDRIVER), env={**os.environ, **russian})
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(5)  # a click that submits a form returns before the next page
    # The page area itself at 1366×768, whatever the headless window's frame takes.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def screenshot_dir() -> Path | None:
    """Screenshots go to docs/console when OZQ_CONSOLE_SCREENSHOTS is set (its value: the folder)."""
    folder = os.environ.get("OZQ_CONSOLE_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
