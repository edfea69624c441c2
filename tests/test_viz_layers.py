"""Layering: the core (ops, engine, functional, nn, optim, data) imports nothing of the upper layers, and the
notebook display reaches the viz layer through the engine's display slot, not an import."""

from __future__ import annotations

import ast
from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.engine import display

PACKAGE = Path(tg.__file__).parent
CORE = ["engine", "ops", "functional.py", "nn.py", "optim.py", "data.py", "functional", "nn", "optim", "data"]
UPPER = ("tinygrad_edu.viz", "tinygrad_edu.plots", "tinygrad_edu.cli", "tinygrad_edu.tour", "graphviz",
         "matplotlib")


def core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        p = PACKAGE / name
        if p.is_dir():
            files += sorted(p.rglob("*.py"))
        elif p.is_file():
            files.append(p)
    return files


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement of ``path`` names (at any depth: lazy imports count too)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: resolve against the file's package
                pkg = path.parent.relative_to(PACKAGE.parent).parts
                base = ".".join([*pkg[: len(pkg) - node.level + 1], *([base] if base else [])])
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return out


def test_core_imports_point_down_the_layers_only():
    files = core_files()
    assert len(files) > 10 and any(f.name == "value.py" for f in files)
    bad = [f"{f.relative_to(PACKAGE)}:{line} imports {mod}"
           for f in files for line, mod in imported_modules(f)
           if any(mod == up or mod.startswith(up + ".") for up in UPPER)]
    assert bad == []


def test_value_display_uses_the_slot_and_falls_back_to_text():
    y = tg.Value(2.0, label="x") * 3
    saved = display.hook
    try:
        display.hook = None
        assert y._repr_mimebundle_() == {"text/plain": repr(y)}
        display.hook = lambda v: {"text/plain": "seen " + repr(v)}
        assert y._repr_mimebundle_() == {"text/plain": "seen " + repr(y)}
    finally:
        display.hook = saved
    assert "image/svg+xml" in y._repr_mimebundle_()   # the hook import tinygrad_edu installs draws it
