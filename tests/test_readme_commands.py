"""The README's two set-up commands are the ones CI runs, and they stay consistent."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _install_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section:install -->")[1].split("<!-- /section:install -->")[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def _apt_packages(command: str) -> set[str]:
    match = re.search(r"apt-get install -y ([\w. -]+?) &&", command)
    assert match, f"no apt-get install in {command!r}"
    return set(match.group(1).split())


def test_readme_has_a_main_job_and_a_test_command():
    main_job, tests = _install_commands()
    assert _apt_packages(main_job) == {"graphviz", "fonts-wqy-microhei"}  # dot; a CJK font for --lang zh
    assert _apt_packages(tests) == {"graphviz", "chromium", "fonts-wqy-microhei"}
    assert "tinygrad_edu tour --out" in main_job and tests.endswith("python3 -m pytest")
    assert '".[dev]"' in tests and '".[viz]"' in main_job


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = _install_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_core_layers_import_only_the_standard_library():
    import ast
    import sys

    import tinygrad_edu

    # the package that is imported: the checkout's sources, or an installed wheel when CI tests one
    package = Path(tinygrad_edu.__file__).resolve().parent
    core = ["ops", "engine", "checking", "errors.py", "functional.py", "nn.py", "optim.py", "data.py"]
    allowed = set(sys.stdlib_module_names) | {"tinygrad_edu", "__future__"}
    for name in core:
        path = package / name
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        assert files and all(f.exists() for f in files), f"{path} is missing"
        for f in files:
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    roots = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    roots = [node.module.split(".")[0]]
                else:
                    continue
                for r in roots:
                    assert r in allowed, f"{f.relative_to(package)} imports {r}, outside the standard library"
