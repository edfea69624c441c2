"""The docs say what the code does: the generated ops table, the guide's pages, their links and pictures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tinygrad_edu
from tinygrad_edu import docs_tables
from tinygrad_edu.ops.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_ZH = ROOT / "README.zh-CN.md"
DOCS = ROOT / "docs"
CONCEPTS = DOCS / "concepts.md"
ENGINE = DOCS / "engine.md"  # the guide's page with the table of every op
PICTURES = DOCS / "pictures.md"
GUIDE = ["engine", "training", "seeing", "pictures", "notebooks", "from-pytorch", "compile", "speed",
         "contributing", "concepts"]


def test_engine_page_ops_table_is_the_generated_one():
    current = docs_tables.extract_table(ENGINE.read_text(encoding="utf-8"))
    assert current == docs_tables.ops_table(), (
        "docs/engine.md's ops table is out of date: "
        "run python -m tinygrad_edu.docs_tables --write docs/engine.md")


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


def test_pictures_page_shows_the_key_images_and_links_the_concepts():
    pytest.importorskip("matplotlib")
    from tinygrad_edu.tour import KEY_IMAGES

    text = PICTURES.read_text(encoding="utf-8")
    for name in KEY_IMAGES:
        assert f"(images/{name}.png)" in text, name
        png = DOCS / "images" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    assert "[concepts.md](concepts.md)" in text
    assert "tinygrad-edu tour --out gallery --docs docs/images" in text  # how the images are remade


def _markdown_pages() -> list[Path]:
    return sorted([*ROOT.glob("README*.md"), *DOCS.glob("*.md")])


def _anchors(text: str) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_link_between_the_pages_resolves():
    pages = _markdown_pages()
    assert len(pages) >= 1 + len(GUIDE)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.exists(), f"broken link in {page.name}: {target}"
            if anchor and linked.suffix == ".md":
                assert anchor in _anchors(linked.read_text(encoding="utf-8")), (
                    f"{page.name} links to #{anchor}, which is no heading of {linked.name}")


@pytest.mark.parametrize("readme", [README, README_ZH], ids=["en", "zh"])
def test_readme_is_short_and_maps_the_whole_guide(readme):
    text = readme.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    assert "(docs/images/neuron.svg)" in text
    for name in GUIDE:
        assert f"(docs/{name}.md)" in text, f"{readme.name} does not link docs/{name}.md"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"(notebooks/{notebook.name})" in text, f"{readme.name} does not list {notebook.name}"
    if readme.name == "README.zh-CN.md":  # a Chinese reader is sent to the Chinese twins first
        for twin in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")):
            assert f"(notebooks/zh/{twin.name})" in text, f"{readme.name} does not list zh/{twin.name}"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_chinese_readme_is_the_whole_readme_in_chinese():
    en, zh = README.read_text(encoding="utf-8"), README_ZH.read_text(encoding="utf-8")
    first_lines = [text.split("\n## ")[0] for text in (en, zh)]
    assert "[中文](README.zh-CN.md)" in first_lines[0] and "[English](README.md)" in first_lines[1]
    assert _blocks(zh, "bash") == _blocks(en, "bash")  # the same commands, character for character
    code = [[line.split("  #")[0].rstrip() for line in block.splitlines()] for block in _blocks(en, "python")]
    assert code == [[line.split("  #")[0].rstrip() for line in block.splitlines()]
                    for block in _blocks(zh, "python")]  # the same examples (comments translated)
    headings = [re.findall(r"^## ", text, flags=re.M) for text in (en, zh)]
    assert headings[0] == headings[1]  # section for section
    assert len(re.findall(r"^\| \[", zh, flags=re.M)) == len(re.findall(r"^\| \[", en, flags=re.M))
    for term in ("净活性值", "激活函数", "梯度消失", "死亡ReLU", "二分类交叉熵", "误差反向传播", "梯度下降"):
        assert term in zh, term


@pytest.mark.parametrize("name", GUIDE)
def test_guide_pages_are_cross_linked_and_not_too_long(name):
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"docs/{name}.md is over 400 lines: split it"
    assert "(../README.md)" in text
    for other in GUIDE:
        if other != name:
            assert f"({other}.md" in text, f"docs/{name}.md does not link {other}.md"


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


TIMING = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|µs|s|seconds?|minutes?|毫秒|秒|分钟)(?![\w/])"
                    r"|\d(?:\.\d+)?\s?[×x]\s?(?:faster|slower|the|micrograd)|快\s?\d|about a second")


def test_timings_are_stated_only_on_the_speed_page():
    """One measured table (docs/speed.md, each row with its command and machine) or no timing at all."""
    from tinygrad_edu.strings import en, zh

    texts = {page.name: page.read_text(encoding="utf-8") for page in _markdown_pages()
             if page.name != "speed.md"}
    for module in (en, zh):
        strings = [v for v in vars(module).values() if isinstance(v, dict)]
        texts[module.__name__] = "\n\n".join(str(s) for table in strings for s in table.values())
    for name, text in texts.items():
        for paragraph in re.split(r"\n\s*\n", text):
            if "timeout" in paragraph.lower():  # a time limit one can set is no claim of speed
                continue
            claim = TIMING.search(paragraph)
            assert not claim, f"{name} states a timing ({claim[0]!r}): move it to the table in docs/speed.md"
    speed = (DOCS / "speed.md").read_text(encoding="utf-8")
    table = speed[speed.index("<!-- timings -->"):speed.index("<!-- /timings -->")]
    rows = [row for row in table.splitlines() if row.startswith("| ")][2:]  # after the header
    command = re.compile(r"\| `[^`]*(python3|pytest|bash .ci/run)[^`]*` \|")  # each row: how to measure it
    assert rows and all(command.search(row) for row in rows), rows
