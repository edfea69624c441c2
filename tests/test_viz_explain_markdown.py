"""explain() in a notebook: a str that also displays as Markdown with LaTeX math.

The plain text is checked in test_viz_explain.py; here: the result stays a
plain ``str`` for every string use, and its Markdown writes the same chain rule
with fractions, the numbers computed here from the graph.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import re
from contextlib import redirect_stdout

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.viz import Explanation, explain
from tinygrad_edu.viz.labels import fixed_number


def d(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def tex(x: float) -> str:
    """A number as the Markdown writes it (the numbers used here need no scientific notation)."""
    text = fixed_number(x)
    assert "e" not in text
    return text


def sci(text: str) -> str:
    """fixed_number's scientific notation (``2.2647e+45``) as LaTeX (``2.2647 \\times 10^{45}``)."""
    mantissa, _, exponent = text.partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else text


def neuron(w0=0.5, x0=-2.0, b0=0.3):
    w, x, b = tg.Value(w0, label="w"), tg.Value(x0, label="x"), tg.Value(b0, label="b")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return w, x, b, y


def test_it_is_the_plain_text_in_every_string_use():
    *_, y = neuron()
    e = explain(y)
    assert isinstance(e, str) and isinstance(e, Explanation)
    plain = str(e)
    assert type(plain) is str and plain == e and e == plain and hash(e) == hash(plain)
    out = io.StringIO()
    with redirect_stdout(out):
        print(e)
    assert out.getvalue() == plain + "\n"
    assert "$" not in plain and "\\frac" not in plain       # no LaTeX leaks into the text
    assert all(type(s) is str for s in e.splitlines())
    assert type(e + "") is str and type(e.upper()) is str and type(e[:5]) is str
    assert f"{e}" == plain and f"{e!s}" == plain and e.join(["", ""]) == plain
    assert json.loads(json.dumps({"t": e})) == {"t": plain}
    back = pickle.loads(pickle.dumps(e))
    assert back == plain and back.markdown == e.markdown
    assert e._repr_markdown_() == e.markdown != plain


def test_neuron_markdown_by_hand():
    w, x, b, y = neuron()
    md = explain(y).markdown
    z = w.data * x.data + b.data                      # z = 0.5 · (−2) + 0.3 = −0.7
    s = 1 / (1 + math.exp(-z))
    ds = s * (1 - s)                                  # σ'(z)
    # the definitions, output first, as aligned equations
    assert rf"y &= \sigma(u_{{2}}) = {tex(s)}" in md
    assert rf"u_{{2}} &= u_{{1}} + b = {tex(z)}" in md
    assert rf"u_{{1}} &= w \times x = {tex(w.data * x.data)}" in md
    assert rf"with $w = {tex(w.data)}$, $x = {tex(x.data)}$, $b = {tex(b.data)}$" in md
    # dy/dw = σ'(z) · 1 · x: the negative factor x = −2 is parenthesised in the product
    assert (rf"$${d('y', 'w')} = {d('y', 'u_{2}')} \cdot {d('u_{2}', 'u_{1}')} \cdot {d('u_{1}', 'w')}"
            rf" = {tex(ds)} \times 1.0000 \times ({tex(x.data)}) = {tex(ds * x.data)}$$") in md
    assert (rf"$${d('y', 'x')} = {d('y', 'u_{2}')} \cdot {d('u_{2}', 'u_{1}')} \cdot {d('u_{1}', 'x')}"
            rf" = {tex(ds)} \times 1.0000 \times {tex(w.data)} = {tex(ds * w.data)}$$") in md
    assert (rf"$${d('y', 'b')} = {d('y', 'u_{2}')} \cdot {d('u_{2}', 'b')}"
            rf" = {tex(ds)} \times 1.0000 = {tex(ds)}$$") in md
    # the registry's rules, as code
    assert "- `σ` `f(x) = 1/(1 + e⁻ˣ)`: `f'(x) = σ(x)(1 − σ(x))`" in md


def test_reused_input_markdown_lists_the_paths_and_their_sum():
    x = tg.Value(3.0, label="x")
    y = x * x + x            # dy/dx = 2x + 1
    y.label = "y"
    md = explain(y).markdown
    assert rf"${d('y', 'x')}$ = sum over 3 paths, as $x$ is used more than once:" in md
    for k in (1, 2):
        assert (rf"&{d('y', 'u_{1}')} \cdot \left.{d('u_{1}', 'x')}\right|_{{\text{{argument }}{k}}}"
                rf" = 1.0000 \times {tex(x.data)} = {tex(x.data)}") in md
    assert rf"&{d('y', 'x')} = 1.0000" in md
    assert rf"$${d('y', 'x')} = {tex(x.data)} + {tex(x.data)} + 1.0000 = {tex(2 * x.data + 1)}$$" in md


def test_subtraction_small_numbers_and_the_output_itself():
    x = tg.Value(2.0, label="x")
    y = x * 3.0 - x
    y.label = "y"
    assert rf"$${d('y', 'x')} = 3.0000 - 1.0000 = 2.0000$$" in explain(y).markdown
    q = tg.Value(1.0, label="q")
    r = q * 1.5e-3
    r.label = "r"
    # dr/dq = 0.0015, in scientific notation as the text writes 1.5000e-03
    assert fixed_number(1.5e-3) == "1.5000e-03"
    assert sci(fixed_number(1.5e-3)) == r"1.5000 \times 10^{-3}"
    assert rf"$${d('r', 'q')} = 1.5000 \times 10^{{-3}}$$" in explain(r).markdown
    assert rf"${d('r', 'r')} = 1.0000$ ($r$ is the output itself)" in explain(r, wrt=r).markdown


def test_elided_paths_and_path_cap_in_markdown():
    x = tg.Value(0.3, label="x")
    h = x
    for _ in range(3000):
        h = h * 1.0001
    h.label = "y"
    md = explain(h).markdown
    assert r"\cdots\ (\text{2990 more})" in md
    assert md.rstrip().endswith(f"= {sci(fixed_number(1.0001 ** 3000))}$$")
    x = tg.Value(1.1, label="x")
    h = x
    for _ in range(10):
        h = h * h
    h.label = "y"
    md = explain(h, max_paths=5).markdown
    assert "… 1,019 more paths not printed (`explain(..., max_paths=1024)` prints them all)" in md
    assert f"$${d('y', 'x')} = {sci(fixed_number(1024 * 1.1 ** 1023))}$$ over all 1,024 paths" in md


def _math_blocks(md: str) -> list[str]:
    return re.findall(r"\$\$(.*?)\$\$", md, re.S)


@pytest.mark.parametrize("label", ["$x", "a}b{", "\\frac", "x_1^2", "<b>&", "权重 w", "50%#~"])
def test_any_label_keeps_the_math_well_formed(label):
    v = tg.Value(1.0, label=label)
    y = (v * 2.0).exp()
    md = explain(y).markdown
    unescaped_dollars = re.findall(r"(?<!\\)\$", md)
    assert len(unescaped_dollars) % 2 == 0
    for block in _math_blocks(md):
        depth = 0
        for m in re.finditer(r"(?<!\\)[{}]", block):
            depth += 1 if m.group() == "{" else -1
            assert depth >= 0, block
        assert depth == 0, block
        assert "<" not in block and ">" not in block      # no HTML a Markdown renderer could act on


def test_constant_output_is_an_explanation_too():
    e = explain(tg.Value(2.0, requires_grad=False))
    assert isinstance(e, Explanation) and "is a constant" in e and "is a constant" in e.markdown


def test_ipython_displays_markdown_and_the_plain_lines():
    core = pytest.importorskip("IPython.core.interactiveshell", reason="needs IPython (notebook extra)")
    *_, y = neuron()
    e = explain(y)
    data, _ = core.InteractiveShell.instance().display_formatter.format(e)
    assert data["text/markdown"] == e.markdown
    assert data["text/plain"] == str(e)          # the lines, not a quoted repr with \n
    assert repr(e) == repr(str(e))                 # repr in a plain REPL stays the str repr


@given(st.floats(-2, 2), st.floats(0.3, 3), st.floats(-2, 2))
def test_markdown_totals_match_grad(a0, c0, b0):
    a, c, b = tg.Value(a0, label="a"), tg.Value(c0, label="c"), tg.Value(b0, label="b")
    h = a * c + b
    y = (h.tanh() * h + (c.log() - a) ** 2).sigmoid()
    y.label = "y"
    md = explain(y, max_paths=100).markdown
    for name, g in zip("acb", tg.grad(y, [a, c, b])):
        totals = [blk for blk in _math_blocks(md) if blk.startswith(f"{d('y', name)} = ")]
        assert totals, name
        got = totals[-1].rsplit("= ", 1)[1]
        assert got == sci(fixed_number(g.data))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_label_with_operators_is_bracketed_in_the_latex(lang):
    x1, w1, o = _lecture_neuron()
    md = explain(o, wrt=w1, lang=lang).markdown
    s = r"\left(\mathrm{x1*w1\ +\ x2*w2}\right)"
    p = r"\left(\mathrm{x1*w1}\right)"
    dtanh = 1 - math.tanh(o.inputs[0].data) ** 2
    chain = (rf"$${d('o', 'w_{1}')} = {d('o', 'n')} \cdot {d('n', s)} \cdot {d(s, p)} "
             rf"\cdot {d(p, 'w_{1}')} = "
             rf"{tex(dtanh)} \times 1.0000 \times 1.0000 \times {tex(x1.data)} = {tex(dtanh * x1.data)}$$")
    assert chain in md.split("\n\n")
    assert rf"n &= {s} + b = 0.8814 \\" in md
    assert rf"\mathrm{{x1*w1\ +\ x2*w2}} &= {p} + \left(\mathrm{{x2*w2}}\right) = -6.0000 \\" in md
    assert r"\left(w_{1}\right)" not in md and r"\left(n\right)" not in md


def _lecture_neuron():
    x1, x2 = tg.Value(2.0, label="x1"), tg.Value(0.0, label="x2")
    w1, w2 = tg.Value(-3.0, label="w1"), tg.Value(1.0, label="w2")
    b = tg.Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return x1, w1, o
