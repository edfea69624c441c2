"""Packaging: one version, the licence metadata, a public surface that tools and ``import *`` can use."""

from __future__ import annotations

import builtins
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import tinygrad_edu as tg

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
SUBMODULES = {
    "engine", "checking", "functional", "nn", "optim", "data", "training", "viz", "plots", "testing",
}
OPTIONAL_PACKAGES = ("matplotlib", "graphviz", "hypothesis", "torch", "micrograd", "tqdm")


def _run(code: str, *, isolated_from_site: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter; ``isolated_from_site`` hides every installed package
    (``python -S``), which is what an engine-only install looks like to tinygrad_edu."""
    env = dict(os.environ)
    cmd = [sys.executable]
    if isolated_from_site:
        cmd.append("-S")
        env["PYTHONPATH"] = str(Path(tg.__file__).resolve().parent.parent)
    return subprocess.run([*cmd, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_the_version_is_written_once_and_the_metadata_agrees():
    # (read as text: tomllib is 3.11+, and the floor is 3.10)
    project = PYPROJECT.read_text(encoding="utf-8").split("[project]")[1].split("\n[")[0]
    assert not re.search(r"^version\s*=", project, flags=re.M), "pyproject.toml states a version itself"
    assert re.search(r'^dynamic\s*=\s*\["version"\]', project, flags=re.M)
    assert importlib.metadata.version("tinygrad_edu") == tg.__version__, (
        "the installed metadata and tinygrad_edu.__version__ differ: reinstall (pip install -e .)"
    )
    parts = tg.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_the_licence_is_mit_in_a_file_and_in_pep_639_metadata():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 the tinygrad_edu authors" in text
    meta = importlib.metadata.metadata("tinygrad_edu")
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in meta.get_all("Classifier"))  # PEP 639 forbids both


def test_the_classifiers_declare_every_supported_python():
    meta = importlib.metadata.metadata("tinygrad_edu")
    classifiers = set(meta.get_all("Classifier"))
    assert meta["Requires-Python"] == ">=3.10"
    assert {f"Programming Language :: Python :: 3.{m}" for m in (10, 11, 12, 13)} <= classifiers
    assert {"Intended Audience :: Education", "Operating System :: OS Independent"} <= classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)


def test_all_lists_every_submodule_and_only_names_that_exist():
    # plots is listed only where matplotlib is installed (import * must work on an engine-only install)
    importable = SUBMODULES if importlib.util.find_spec("matplotlib") else SUBMODULES - {"plots"}
    assert set(tg.__all__) >= importable, importable - set(tg.__all__)
    for name in tg.__all__:
        assert hasattr(tg, name), name
    for name in importable:
        assert isinstance(getattr(tg, name), types.ModuleType)
        assert getattr(tg, name).__name__ == f"tinygrad_edu.{name}"
    assert len(tg.__all__) == len(set(tg.__all__))


def test_all_lists_every_public_name_except_those_that_shadow_a_builtin():
    shadows = {name for name in vars(tg) if hasattr(builtins, name) and not name.startswith("_")}
    assert "sum" in shadows and tg.sum is tg.engine.sum
    assert not shadows & set(tg.__all__), f"{shadows & set(tg.__all__)} would replace builtins on import *"
    public = {
        name for name, obj in vars(tg).items()
        if not name.startswith("_") and not isinstance(obj, types.ModuleType)
    }
    missing = public - shadows - set(tg.__all__)
    assert not missing, f"public names left out of tinygrad_edu.__all__: {sorted(missing)}"


def test_star_import_keeps_the_builtins():
    result = _run(
        "import builtins\n"
        "from tinygrad_edu import *\n"
        "assert sum is builtins.sum and sum([1, 2]) == 3\n"
        "assert compile is builtins.compile\n"
        "import tinygrad_edu\n"
        "missing = [n for n in tinygrad_edu.__all__ if n not in globals()]\n"
        "assert not missing, missing\n"
        "print(Value(2.0) * 3)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Value(data=6" in result.stdout


def test_import_loads_no_optional_package_and_no_upper_layer():
    result = _run(
        "import sys, tinygrad_edu\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {OPTIONAL_PACKAGES!r}"
        " or m.startswith(('tinygrad_edu.viz', 'tinygrad_edu.plots', 'tinygrad_edu.testing'))))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_engine_only_install_imports_and_star_imports_and_lists_what_works():
    """With no third-party package at all (``python -S``): the package and ``import *`` work, viz
    (explain, DOT text) and testing are listed, plots (matplotlib) is not."""
    result = _run(
        "import tinygrad_edu as tg\n"
        "from tinygrad_edu import *\n"
        "assert 'plots' not in tg.__all__ and {'viz', 'testing'} <= set(tg.__all__), tg.__all__\n"
        "x = Value(3.0, label='x'); y = x * x; y.backward()\n"
        "print(x.grad, tg.viz.__name__, tg.testing.__name__)\n"
        "try:\n"
        "    tg.plots\n"
        "except ImportError:\n"
        "    print('plots: ImportError')\n",
        isolated_from_site=True,
    )
    assert result.returncode == 0, result.stderr
    expected = ["6.0", "tinygrad_edu.viz", "tinygrad_edu.testing", "plots:", "ImportError"]
    assert result.stdout.split() == expected


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'plot'"):
        tg.plot  # noqa: B018
    assert {"viz", "plots", "testing"} <= set(dir(tg))


def test_pdoc_documents_every_submodule_without_a_warning(tmp_path):
    pytest.importorskip("pdoc", reason="pdoc is in the dev extra")
    result = subprocess.run(
        [sys.executable, "-m", "pdoc", "-o", str(tmp_path), "tinygrad_edu"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"pdoc warned:\n{result.stderr}"
    for name in SUBMODULES:
        page = tmp_path / "tinygrad_edu" / f"{name}.html"
        assert page.exists(), f"pdoc wrote no page for tinygrad_edu.{name}"
    index = (tmp_path / "tinygrad_edu.html").read_text(encoding="utf-8")
    assert "Value" in index and "gradcheck" in index
