"""Shared test set-up: hypothesis profiles and a non-interactive matplotlib.

Profiles (choose with HYPOTHESIS_PROFILE=...): ``dev`` (default on a laptop),
``ci`` (derandomized, no example database; the default when CI is set) and
``thorough`` (many more examples, for a long run by hand).
"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    settings = None

if settings is not None:
    settings.register_profile("dev", max_examples=60, deadline=None)
    settings.register_profile(
        "ci", max_examples=60, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("thorough", max_examples=2000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


if os.environ.get("CI"):
    import pytest

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
        """In CI every optional dependency is installed: a skipped test is a failure there."""
        outcome = yield
        report = outcome.get_result()
        if report.skipped and not hasattr(report, "wasxfail"):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI, where nothing may be skipped: {report.longrepr}"

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(collector):  # type: ignore[no-untyped-def]
        """A whole module skipped (importorskip) in CI is a failure too."""
        outcome = yield
        report = outcome.get_result()
        if report.skipped:
            report.outcome = "failed"
            report.longrepr = f"module skipped in CI, where nothing may be skipped: {report.longrepr}"
