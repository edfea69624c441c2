"""Shared test set-up: hypothesis profiles and a non-interactive matplotlib.

Profiles (choose with HYPOTHESIS_PROFILE=...): ``dev`` (default on a laptop),
``ci`` (derandomized, no example database; the default when CI is set) and
``thorough`` (many more examples, for a long run by hand).

The rules for skips (a missing extra skips with a reason; in CI any skip fails)
live in the conftest.py at the top of the repository, so they cover the
doctests of the package, the README and docs/ as well as tests/.
"""

from __future__ import annotations

import os

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
