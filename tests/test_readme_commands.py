"""The README's two set-up commands are the ones CI runs, and they stay consistent."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _install_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section:install -->")[1].split("<!-- /section:install -->")[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_readme_has_a_main_job_and_a_test_command():
    main_job, tests = _install_commands()
    assert "apt-get install -y graphviz" in main_job and "tinygrad_edu tour --out" in main_job
    assert "apt-get install -y graphviz chromium" in tests and "pytest" in tests
    assert '".[dev]"' in tests and '".[viz]"' in main_job


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = _install_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_core_layers_import_only_the_standard_library():
    import ast
    import sys

    core = ["ops", "engine", "checking", "errors.py", "functional.py", "nn.py", "optim.py", "data.py"]
    allowed = set(sys.stdlib_module_names) | {"tinygrad_edu", "__future__"}
    for name in core:
        path = ROOT / "tinygrad_edu" / name
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for f in files:
            if not f.exists():
                continue
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    roots = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    roots = [node.module.split(".")[0]]
                else:
                    continue
                for r in roots:
                    assert r in allowed, f"{f.relative_to(ROOT)} imports {r}, outside the standard library"
