"""The browser test skips on a machine without Chromium, but fails in CI (issue #21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import test_dashboard_browser as browser


def test_missing_chromium_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI runs the browser test"):
        browser.require_browser()


def test_missing_chromium_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not at"):
        browser.require_browser()
