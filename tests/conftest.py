"""Shared test set-up: hypothesis profiles, a non-interactive matplotlib, and a headless browser.

Profiles (choose with HYPOTHESIS_PROFILE=...): ``dev`` (default on a laptop),
``ci`` (derandomized, no example database; the default when CI is set) and
``thorough`` (many more examples, for a long run by hand).

The rules for skips (a missing extra skips with a reason; in CI any skip fails)
live in the conftest.py at the top of the repository, so they cover the
doctests of the package, the README and docs/ as well as tests/.
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is in the test extra; without it the property tests skip
    settings = None

if settings is not None:
    settings.register_profile("dev", max_examples=60, deadline=None)
    settings.register_profile(
        "ci", max_examples=60, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("thorough", max_examples=2000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


#: Headless Chromium with nothing that would reach the network or a desktop session.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright: skipped with a reason when missing, a failure under CI."""
    exe = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if exe is None or sync_playwright is None:
        missing = "Debian's chromium (apt-get install chromium)" if exe is None else "pip install playwright"
        if os.environ.get("CI"):
            pytest.fail(f"the browser test needs {missing}; CI must install it")
        pytest.skip(f"needs {missing}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
