"""The system's headless Chromium for tests that open a page an instructor or a TA opens.

Debian's chromium and chromium-driver, driven by Selenium (no browser download), with
name resolution switched off so a page can fetch nothing.  Missing: the test is skipped
on a developer's machine and fails in CI (.ci/run installs them and sets
AUTOGRADER_REQUIRE_BROWSER=1).  Use the ``browser`` fixture (conftest.py imports it).
"""
import os
import shutil
from pathlib import Path

import pytest

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,2400"]


def no_browser(reason):
    """Skip where the browser is missing; fail in CI, which installs it (.ci/run)."""
    if os.environ.get("AUTOGRADER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BROWSER REQUIRED but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
    except ImportError:
        no_browser("selenium is not installed (pip install -e '.[dev]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or not CHROMEDRIVER.is_file():
        no_browser("Chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def page_source(driver):
    """The HTML as the browser holds it after scripts ran."""
    return driver.execute_script("return document.documentElement.outerHTML")
