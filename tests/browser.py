"""Debian's chromium driven by Playwright, for the tests that look at a page as a person does.

``.ci/run`` installs chromium with apt-get, so under CI a missing browser fails the tests;
on a developer's machine without it they are skipped, with the command that installs it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts"  # screenshots kept by the tests
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> None:
    """Skip the calling test module when chromium is missing, except under CI."""
    if CHROMIUM is None and not os.environ.get("CI"):
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium)",
            allow_module_level=True,
        )


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless chromium (the system's: Playwright downloads no browser here)."""
    assert CHROMIUM is not None, "chromium is not installed: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
