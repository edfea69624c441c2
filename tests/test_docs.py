"""The docs say what the code does: the generated ops table, the concepts page and its pictures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tinygrad_edu
from tinygrad_edu import docs_tables
from tinygrad_edu.ops.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CONCEPTS = ROOT / "docs" / "concepts.md"


def test_readme_ops_table_is_the_generated_one():
    current = docs_tables.extract_table(README.read_text(encoding="utf-8"))
    assert current == docs_tables.ops_table(), (
        "README's ops table is out of date: run python -m tinygrad_edu.docs_tables --write README.md")


def test_ops_table_has_one_row_per_registered_op_with_its_math():
    rows = docs_tables.ops_table().splitlines()[2:]
    assert len(rows) == len(REGISTRY)
    for row, op in zip(rows, REGISTRY.values()):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[0] == f"`{op.name}`"
        assert cells[3] == op.formula.replace("|", "\\|")
        assert cells[4] == op.derivative.replace("|", "\\|")
    abs_row = next(r for r in rows if r.startswith("| `abs`"))
    assert "f(x) = \\|x\\|" in abs_row  # a pipe inside a cell is escaped


def test_call_syntax_is_real_code():
    import tinygrad_edu.functional as F

    tg = tinygrad_edu
    names = {"tg": tg, "F": F, "x": tg.Value(0.7), "a": tg.Value(1.5), "b": tg.Value(2.0),
             "xs": [tg.Value(1.0), tg.Value(2.0)], "ws": [tg.Value(3.0), tg.Value(4.0)],
             "p": 3.0, "negative_slope": 0.1}
    for op in REGISTRY.values():
        call = docs_tables.call_syntax(op)
        if call.endswith("(...)"):
            assert callable(eval(call.split("(")[0], names)), call  # the function exists
            continue
        result = eval(call, names)  # every spelled-out call runs and makes a node of that op
        assert isinstance(result, tg.Value) and result.op == op.name, (call, result)


def test_docs_tables_command_line(tmp_path, capsys):
    stale = tmp_path / "README.md"
    stale.write_text("intro\n<!-- ops-table -->\n| old |\n<!-- /ops-table -->\noutro\n", encoding="utf-8")
    assert docs_tables.main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs_tables.main(["--write", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("intro\n<!-- ops-table -->\n| op | symbol |")
    assert text.endswith("<!-- /ops-table -->\noutro\n")
    assert docs_tables.main(["--check", str(stale)]) == 0
    no_markers = tmp_path / "x.md"
    no_markers.write_text("nothing here\n", encoding="utf-8")
    assert docs_tables.main(["--write", str(no_markers)]) == 2
    assert "markers" in capsys.readouterr().err
    assert no_markers.read_text(encoding="utf-8") == "nothing here\n"  # untouched after the error
    assert docs_tables.main([]) == 0
    assert capsys.readouterr().out.startswith("| op | symbol | how to call it |")


def test_readme_shows_the_key_images_and_links_the_concepts():
    pytest.importorskip("matplotlib")
    from tinygrad_edu.tour import KEY_IMAGES

    text = README.read_text(encoding="utf-8")
    section = text[text.index("<!-- section:plots -->"):text.index("<!-- /section:plots -->")]
    for name in KEY_IMAGES:
        assert f"(docs/images/{name}.png)" in section, name
        png = ROOT / "docs" / "images" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    assert "[docs/concepts.md](docs/concepts.md)" in section
    assert "tinygrad-edu tour --out gallery --docs docs/images" in section  # how the images are remade


def test_concepts_page_links_resolve_and_covers_every_demo():
    text = CONCEPTS.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    assert targets
    for target in targets:
        assert (CONCEPTS.parent / target).resolve().exists(), f"broken link in concepts.md: {target}"
    demos = {p.stem for p in (ROOT / "demos").glob("*.py") if not p.name.startswith("_")}
    linked = {Path(t).stem for t in targets if t.startswith("../demos/")}
    assert linked == demos


def test_concepts_glossary_has_the_notes_terms():
    text = CONCEPTS.read_text(encoding="utf-8")
    glossary = text[text.index("## Glossary"):]
    terms = [("净活性值", "net input"), ("活性值", "activation"), ("梯度消失", "vanishing gradient"),
             ("死亡ReLU", "dead ReLU"), ("二分类交叉熵", "binary cross-entropy"),
             ("误差反向传播", "back-propagation"), ("梯度下降", "gradient descent")]
    for chinese, english in terms:
        assert re.search(rf"\| {re.escape(chinese)} \| {re.escape(english)}", glossary), chinese


def test_concepts_api_names_exist():
    pytest.importorskip("matplotlib")
    from tinygrad_edu import data, functional, nn, optim, plots, training, viz

    spaces = {"tg": tinygrad_edu, "F": functional, "plots": plots, "nn": nn, "optim": optim,
              "training": training, "data": data, "viz": viz}
    text = CONCEPTS.read_text(encoding="utf-8")
    names = set(re.findall(r"`(tg|F|plots|nn|optim|training|data|viz)\.(\w+)", text))
    assert len(names) > 25
    for space, attr in names:
        assert hasattr(spaces[space], attr), f"docs/concepts.md mentions {space}.{attr}, which does not exist"
