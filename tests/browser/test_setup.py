"""How the browser tests find Debian's Chromium (never a downloaded one)."""

from __future__ import annotations

import os
import shutil

from tests.browser import conftest


def test_koshiki_chromium_names_the_browser_first(monkeypatch, tmp_path):
    own = tmp_path / "chromium-for-tests"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.setenv("KOSHIKI_CHROMIUM", str(own))
    assert conftest.find_chromium() == str(own)


def test_no_executable_chromium_means_none(monkeypatch, tmp_path):
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    monkeypatch.setenv("KOSHIKI_CHROMIUM", str(not_executable))
    monkeypatch.setattr(conftest, "CHROMIUM_PATHS", (str(tmp_path / "missing"),))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert conftest.find_chromium() is None


def test_the_tests_launch_the_system_chromium(browser_type_launch_args):
    path = browser_type_launch_args["executable_path"]
    assert path == conftest.CHROMIUM and os.access(path, os.X_OK)
    assert "ms-playwright" not in path  # not a browser Playwright downloaded
