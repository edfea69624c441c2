"""The tinygrad-edu command line: rendering, explain, the step page, and hostile expressions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import tinygrad_edu as tg
from tinygrad_edu.cli import main
from tinygrad_edu.viz.expr import ExpressionError, parse_expression

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tinygrad_edu", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def svg_texts(data: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(data).iter(f"{SVG}text")]


def test_graph_command_writes_svg_html_and_explains(tmp_path):
    r = run("graph", "sigmoid(w*x + b)", "--set", "x=1", "w=2", "b=0", "-o", "neuron.svg", "--explain",
            "--html", "steps.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == ["wrote neuron.svg", "wrote steps.html"]   # status lines: stderr
    texts = svg_texts((tmp_path / "neuron.svg").read_bytes())
    assert "data 0.8808" in texts and "grad 0.21" in texts     # dy/dx = σ'(2)·w = 0.105 × 2
    page = (tmp_path / "steps.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "frames-data" in page
    out = r.stdout.splitlines()
    assert out[0] == "y = σ(u2) = 0.8808" and not any(line.startswith("wrote") for line in out)
    assert "dy/dw = dy/du2 · du2/du1 · du1/dw = 0.1050 × 1.0000 × 1.0000 = 0.1050" in out


def test_console_script_is_installed(tmp_path):
    exe = shutil.which("tinygrad-edu") or shutil.which("tinygrad-edu", path=str(Path(sys.executable).parent))
    assert exe, "the console script tinygrad-edu is missing: pip install -e ."
    r = subprocess.run([exe, "graph", "x ** 2", "--set", "x=3", "-o", "sq.png"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "sq.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit) as info:
        main(["graph", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and 'tinygrad-edu graph "sigmoid(w*x + b)" --set x=1 w=2 b=0' in out
    assert main([]) == 2
    assert "graph" in capsys.readouterr().err


def test_dot_source_on_stdout_without_outputs(capsys):
    assert main(["graph", "relu(x) * 2", "--set", "x=-1", "--no-backward"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "graph" {') and "no backward pass yet" in out


def test_reused_variable_is_one_leaf(capsys):
    assert main(["graph", "x*x + x", "--set", "x=3", "--explain"]) == 0
    assert "  dy/dx = 3.0000 + 3.0000 + 1.0000 = 7.0000" in capsys.readouterr().out


# ---------------------------------------------------------------- hostile and bad input
HOSTILE = [
    "__import__('os').system('touch PWNED')",
    "open('PWNED', 'w')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 1",
    "[open('PWNED', 'w') for _ in (1,)]",
    "exp.__globals__",
    "x.__class__",
    "eval('1')",
    "globals()",
    "x if x else x",
    "'PWNED'",
    "x[0]",
    "(y := 1)",
    "x // 2",
    "exp(x=1)",
    "True * x",
]


@pytest.mark.parametrize("expr", HOSTILE[:5])
def test_hostile_expressions_in_a_subprocess(expr, tmp_path):
    r = run("graph", expr, "--set", "x=1", "-o", "out.svg", cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tinygrad-edu graph: error: ")
    assert "allowed: numbers" in lines[0]
    assert r.stdout == ""
    assert list(tmp_path.iterdir()) == []              # nothing ran, nothing was written


@pytest.mark.parametrize("expr", HOSTILE)
def test_hostile_expressions_are_refused(expr, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", expr, "--set", "x=1", "-o", "out.svg"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExpressionError):
        parse_expression(expr, {"x": 1.0})


@pytest.mark.parametrize(("args", "message"), [
    (["x", "--set", "x"], "--set expects NAME=NUMBER"),
    (["x", "--set", "x=abc"], "'abc' is not a number"),
    (["x", "--set", "x=nan"], "finite"),
    (["x", "--set", "x=1", "x=2"], "gives 'x' twice"),
    (["log(x)", "--set", "x=-1"], "log: input must be > 0"),
    (["x / (x - 1)", "--set", "x=1"], "division by zero"),
    (["y + 1", "--set", "x=1"], "unknown name 'y'"),
    (["open(x)", "--set", "x=1"], "unknown function 'open'"),
    (["2 + 3", "--set", "x=1"], "uses no variable"),
    (["x +", "--set", "x=1"], "cannot parse"),
    (["9 ** 9 ** 9 * x", "--set", "x=1"], "overflows"),
    (["x" + " * 1.5" * 300, "--set", "x=1", "-o", "big.svg"], "max_nodes=601"),  # x, 300 constants, 300 ×
])
def test_bad_input_exits_2_with_one_line(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_functions_come_from_the_registry(capsys):
    from tinygrad_edu.ops.registry import REGISTRY

    assert main(["graph", "leaky_relu(x, 0.1) + pow(x, 3) + sum(x, 1, 2) + gelu_tanh(x)",
                 "--set", "x=-2", "--explain"]) == 0
    out = capsys.readouterr().out
    # d/dx = 0.1 + 3x² + 1 + gelu_tanh'(-2) at x = -2
    g = REGISTRY["gelu_tanh"].local_grads(REGISTRY["gelu_tanh"].forward(-2.0), (-2.0,))[0]
    from tinygrad_edu.viz.labels import fixed_number

    assert f"= {fixed_number(0.1 + 12.0 + 1.0 + g)}" in out.splitlines()[-1]


@pytest.mark.parametrize(("text", "same_as"), [
    ("softplus(x, beta=2)", lambda x: x.softplus(2.0)),
    ("softplus(x, 2)", lambda x: x.softplus(beta=2.0)),
    ("leaky_relu(x, negative_slope=0.1)", lambda x: x.leaky_relu(0.1)),
    ("elu(x, alpha=0.5)", lambda x: x.elu(0.5)),
    ("clamp(x, min=-0.5)", lambda x: x.clamp(min=-0.5)),
    ("clamp(x, max=-0.5)", lambda x: x.clamp(max=-0.5)),
    ("clamp(x, -1, max=-0.5)", lambda x: x.clamp(-1.0, -0.5)),
    ("clamp(x, -0.5)", lambda x: x.clamp(-0.5)),                    # torch.clamp(x, min)
])
def test_an_ops_parameter_by_name_as_in_python(text, same_as):
    y, leaves = parse_expression(text, {"x": -0.75})
    want = same_as(tg.Value(-0.75))
    assert (y.op, y.param, y.data) == (want.op, want.param, want.data)
    assert tg.grad(y, leaves["x"]).data == tg.grad(want, want.inputs[0]).data


@pytest.mark.parametrize(("text", "message"), [
    ("exp(x, base=2)", "exp() does not take the keyword base= in 'exp(x, base=2)': it takes no keyword"),
    ("leaky_relu(x, slope=0.1)", "it takes negative_slope="),
    ("clamp(x, lo=0)", "it takes min=, max="),
    ("softplus(x, **d)", "does not take ** unpacking"),
    ("leaky_relu(x, 0.1, negative_slope=0.2)", "got negative_slope twice"),
    ("clamp(x)", "clamp() takes x and up to 2 numbers (min, max), got 1"),
    ("softplus(beta=2)", "softplus() needs its input first"),
    ("elu(x, alpha=x)", "its alpha must be a number"),
    ("softplus(x, beta=-1)", "softplus(beta=...) must be a positive finite number"),  # the method's check
    ("softplus(2, beta=-1) * x", "softplus(beta=...) must be a positive finite number"),
])
def test_bad_keywords_are_refused_with_one_line(text, message, capsys):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_expression(text, {"x": 1.0})
    assert main(["graph", text, "--set", "x=1", "--explain"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_missing_dot_exits_1_and_keeps_the_source(tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    r = run("graph", "tanh(x)", "--set", "x=0.5", "-o", "t.svg", cwd=tmp_path,
            env={**os.environ, "PATH": str(empty)})
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "apt-get install graphviz" in r.stderr
    assert (tmp_path / "t.dot").exists() and not (tmp_path / "t.svg").exists()


def test_readme_image_is_current(tmp_path):
    """docs/images/neuron.svg is what the README's command draws (same labels and numbers)."""
    committed = REPO / "docs" / "images" / "neuron.svg"
    assert main(["graph", "sigmoid(w*x + b)", "--set", "x=1", "w=2", "b=0",
                 "-o", str(tmp_path / "neuron.svg")]) == 0
    assert svg_texts(committed.read_bytes()) == svg_texts((tmp_path / "neuron.svg").read_bytes())


# ---------------------------------------------------------------- names as Python reads them (NFKC)
def test_two_set_names_that_python_reads_alike_are_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "x*ｘ", "--set", "x=1", "ｘ=2", "--explain"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--set gives 'x' and 'ｘ', which Python reads as the same name 'x' (NFKC" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExpressionError, match="are one name to Python, which reads both as 'fi'"):
        parse_expression("ﬁ * 2", {"fi": 1.0, "ﬁ": 2.0})


@pytest.mark.parametrize("expr", ["ｘ*3", "x*3"])
def test_a_fullwidth_set_name_is_the_name_python_reads(expr: str, capsys):
    assert main(["graph", expr, "--set", "ｘ=2", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "y = ｘ × 3 = 6.0000"  # the leaf keeps the spelling given to --set
    assert "with ｘ = 2.0000" in out and "dy/dｘ = 3.0000" in out
    y, leaves = parse_expression(expr, {"ｘ": 2.0})
    assert y.data == 6.0 and list(leaves) == ["ｘ"] and leaves["ｘ"].label == "ｘ"


def test_an_unknown_fullwidth_name_is_shown_as_typed_and_as_read(capsys):
    assert main(["graph", "ｙ*3", "--set", "x=2"]) == 2
    assert "unknown name 'ｙ' (read as 'y'): give it a value" in capsys.readouterr().err


def test_the_result_is_not_named_like_a_fullwidth_variable(capsys):
    assert main(["graph", "x*ｙ", "--set", "x=1", "ｙ=3", "--explain"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "f = x × ｙ = 3.0000"


# ---------------------------------------------------------------- one notation with explain
def test_max_and_min_as_explain_prints_them(capsys):
    assert main(["graph", "max(a, b) + min(a, b)", "--set", "a=1", "b=2", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "u1 = max(a, b) = 2.0000" in out and "u2 = min(a, b) = 1.0000" in out
    assert "dy/da = 0.0000 + 1.0000 = 1.0000" in out and "dy/db = 1.0000 + 0.0000 = 1.0000" in out


def test_every_function_name_explain_prints_parses_back_to_the_same_graph():
    """explain's text of a node, typed back as an expression, gives the same op and value."""
    from tinygrad_edu.engine.autograd import topological_order
    from tinygrad_edu.viz.labels import node_names, op_text

    a, b = tg.Value(0.7, label="a"), tg.Value(-1.3, label="b")
    for node in [tg.maximum(a, b), tg.minimum(a, b), a.sigmoid(), a.relu(), a.silu(), a.gelu(), a.elu(0.5),
                 tg.sum([a, b, a]), a.leaky_relu(0.25), a.clamp(max=0.5), b.clamp(-1, 1), a.softplus(2)]:
        order = topological_order(node)
        text = op_text(node, node_names(order))
        y, _ = parse_expression(text, {"a": 0.7, "b": -1.3})
        assert y.op == node.op and y.data == node.data, (text, y, node)


def test_the_max_and_min_legend_lists_both_partial_derivatives(capsys):
    assert main(["graph", "max(a, b)", "--set", "a=1", "b=2"]) == 0
    dot = capsys.readouterr().out
    assert "∂f/∂a = 1 if a &gt; b, ½ if a = b, else 0; ∂f/∂b = 1 if b &gt; a, ½ if a = b, else 0" in dot \
        or "∂f/∂a = 1 if a > b, ½ if a = b, else 0; ∂f/∂b = 1 if b > a, ½ if a = b, else 0" in dot
    assert main(["graph", "min(a, b)", "--set", "a=1", "b=2", "--explain"]) == 0
    assert "∂f/∂a = 1 if a < b, ½ if a = b, else 0; ∂f/∂b = 1 if b < a, ½ if a = b, else 0" \
        in capsys.readouterr().out


# ---------------------------------------------------------------- an expression may start with a minus
@pytest.mark.parametrize(("expr", "value"), [("-x*2", -2.0), ("-exp(x)", -2.718281828459045),
                                             ("-(x)", -1.0), ("-1*x", -1.0)])
def test_an_expression_that_starts_with_a_minus_is_the_expression(expr: str, value: float, tmp_path):
    r = run("graph", expr, "--set", "x=1", "--explain", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("y = ") and first.endswith(f"= {value:.4f}")
    r = run("graph", "--set", "x=1", "--explain", "--", expr, cwd=tmp_path)  # after options, with --
    assert r.returncode == 0, r.stderr


def test_options_still_read_as_options_beside_a_minus_expression(tmp_path):
    r = run("graph", "-x*2", "--set", "x=1", "-o", "g.dot", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith('digraph "graph"')
    r = run("graph", "x", "--set", "x=1", "-x*2", cwd=tmp_path)  # a second expression: refused clearly
    assert r.returncode == 2 and "--set expects NAME=NUMBER pairs such as x=1.5, got '-x*2'" in r.stderr
    r = run("graph", "-h", cwd=tmp_path)
    assert r.returncode == 0 and "An expression may start with a minus" in r.stdout
