"""Rules for skipped tests, for every test pytest collects here (tests/, doctests, README, docs/).

Whatever needs an optional package that is not installed is skipped with a
reason naming the extra to install, so ``pip install -e ".[test]"`` then
``pytest`` runs the core and skips the rest: a module (or doctest module) whose
import fails for a missing optional package, and a test that fails with an
``ImportError`` for one, become skips.

When ``CI`` is set every extra is installed and *any* skip is a failure. The CI
step that runs the core tests against an engine-only install leaves ``CI``
unset (tests that insist on their tools under ``CI`` would refuse to skip) and
sets ``TINYGRAD_EDU_ALLOW_MISSING_EXTRAS=1`` instead: skips are failures there
too, except those whose reason names an optional package (or its extra) that
really is missing.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
from collections.abc import Generator
from typing import Any

import pytest

# Optional import name -> the extra of pyproject.toml that installs it.
OPTIONAL_PACKAGES = {
    "graphviz": "viz", "matplotlib": "viz", "numpy": "viz", "tqdm": "viz",  # numpy comes with matplotlib
    "hypothesis": "test", "playwright": "test",
    "micrograd": "bench", "torch": "torch",
    "jupyterlab": "notebook", "ipykernel": "notebook", "IPython": "notebook",
    "nbclient": "notebook", "nbformat": "notebook",
    "pdoc": "dev",
}
ALLOW_MISSING_EXTRAS = os.environ.get("TINYGRAD_EDU_ALLOW_MISSING_EXTRAS") == "1"
STRICT = bool(os.environ.get("CI")) or ALLOW_MISSING_EXTRAS
_IMPORT_ERROR_LINE = re.compile(r"^E?\s*(?:ModuleNotFoundError|ImportError): (.*)$", flags=re.M)


def _missing(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is None
    except (ImportError, ValueError):
        return True


def _missing_optional(module_name: str | None) -> str | None:
    """The optional package behind a failed import of ``module_name``, if it is really not installed."""
    root = (module_name or "").split(".")[0]
    return root if root in OPTIONAL_PACKAGES and _missing(root) else None


def _missing_optional_in(message: str) -> str | None:
    """The missing optional package an import error's message names (``No module named 'matplotlib'``,
    or the package's own ``tinygrad_edu.plots needs matplotlib ...``), if any."""
    for package in OPTIONAL_PACKAGES:
        if re.search(rf"(?<![\w.]){re.escape(package)}(?![\w])", message) and _missing(package):
            return package
    return None


def _optional_behind(error: BaseException) -> str | None:
    """The missing optional package that made ``error`` (an ImportError, or a doctest's wrapper of one)."""
    if isinstance(error, doctest.UnexpectedException):
        error = error.exc_info[1]
    if not isinstance(error, ImportError):
        return None
    return _missing_optional(error.name) or _missing_optional_in(str(error))


def _reason(package: str) -> str:
    extra = OPTIONAL_PACKAGES[package]
    return f"needs {package}, which is not installed (pip install -e \".[{extra}]\")"


def _skip_is_for_a_missing_extra(reason: str) -> bool:
    """True when a skip's reason names an optional package, or an extra, that is not installed here."""
    for package, extra in OPTIONAL_PACKAGES.items():
        if not _missing(package):
            continue
        if re.search(rf"\b{re.escape(package)}\b", reason) or re.search(rf"\b{extra}\b extra", reason):
            return True
    return False


def _allowed(reason: str) -> bool:
    return not STRICT or (ALLOW_MISSING_EXTRAS and _skip_is_for_a_missing_extra(reason))


def _skip_reason_text(longrepr: Any) -> str:
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    """A module that cannot be imported for a missing optional package is skipped, with the reason."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        errors = _IMPORT_ERROR_LINE.findall(str(report.longrepr))
        package = next((p for p in map(_missing_optional_in, errors) if p is not None), None)
        if package is not None:
            report.outcome = "skipped"
            report.longrepr = (str(collector.path), 0, f"Skipped: {_reason(package)}")
    if report.skipped and not _allowed(_skip_reason_text(report.longrepr)):
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI, where nothing may be skipped: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """A test (or doctest) failing on an import of a missing optional package is a skip, with the reason."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        package = _optional_behind(call.excinfo.value)
        if package is not None:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {_reason(package)}")
    xfailed = hasattr(report, "wasxfail")
    if report.skipped and not xfailed and not _allowed(_skip_reason_text(report.longrepr)):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {report.longrepr}"
