"""explain(): the chain rule as text, path by path, checked against hand derivations and grad()."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.viz import explain
from tinygrad_edu.viz.labels import fixed_number


def joined(text: str) -> list[str]:
    """The lines of an explanation with each long chain-rule line put back together
    (explain continues a line longer than MAX_LINE on the next one, starting with its "=")."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("= ") and lines:
            lines[-1] += " " + line.lstrip()
        else:
            lines.append(line)
    return lines


def neuron():
    w, x, b = tg.Value(2.0, label="w"), tg.Value(1.0, label="x"), tg.Value(0.0, label="b")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return w, x, b, y


def test_neuron_paths_by_hand():
    *_, y = neuron()
    text = explain(y)
    # z = wx + b = 2, σ'(z) = σ(2)(1 − σ(2)) = 0.8808 × 0.1192 = 0.1050
    s = 1 / (1 + math.exp(-2.0))
    assert fixed_number(s * (1 - s)) == "0.1050"
    lines = text.splitlines()
    assert lines[:3] == ["y = σ(u2) = 0.8808", "u2 = u1 + b = 2.0000", "u1 = w × x = 2.0000"]
    assert "with w = 2.0000, x = 1.0000, b = 0.0000" in lines
    assert "dy/dw = dy/du2 · du2/du1 · du1/dw = 0.1050 × 1.0000 × 1.0000 = 0.1050" in lines  # ∂u1/∂w = x
    assert "dy/dx = dy/du2 · du2/du1 · du1/dx = 0.1050 × 1.0000 × 2.0000 = 0.2100" in lines  # ∂u1/∂x = w
    assert "dy/db = dy/du2 · du2/db = 0.1050 × 1.0000 = 0.1050" in lines
    # the local derivative rules come from the registry
    assert "  σ  f(x) = 1/(1 + e⁻ˣ):  f'(x) = σ(x)(1 − σ(x))" in lines


def test_reused_node_sums_over_paths():
    x = tg.Value(3.0, label="x")
    y = x * x + x            # dy/dx = 2x + 1 = 7
    y.label = "y"
    lines = explain(y).splitlines()
    i = lines.index("dy/dx = sum over 3 paths, as x is used more than once:")
    assert lines[i + 1:i + 5] == [
        "  dy/du1 · du1/dx (argument 1) = 1.0000 × 3.0000 = 3.0000",
        "  dy/du1 · du1/dx (argument 2) = 1.0000 × 3.0000 = 3.0000",
        "  dy/dx = 1.0000",
        "  dy/dx = 3.0000 + 3.0000 + 1.0000 = 7.0000",
    ]


def test_negative_terms_are_subtracted():
    x = tg.Value(2.0, label="x")
    y = x * 3.0 - x          # dy/dx = 3 − 1 = 2
    y.label = "y"
    assert "  dy/dx = 3.0000 − 1.0000 = 2.0000" in explain(y).splitlines()


def test_wrt_selects_inputs_and_the_output_itself():
    *_, b, y = neuron()
    text = explain(y, wrt=[b, y])
    assert "dy/dw" not in text
    assert "dy/db = dy/du2 · du2/db = 0.1050 × 1.0000 = 0.1050" in text
    assert "dy/dy = 1.0000 (y is the output itself)" in text
    # an intermediate value is a valid wrt too
    u2 = y.inputs[0]
    assert "dy/du2 = 0.1050" in explain(y, wrt=u2)


def test_wrt_errors_name_the_problem():
    w, *_, y = neuron()
    stranger = tg.Value(1.0, label="q")
    with pytest.raises(ValueError, match=r"wrt\[1\] \('q'\).*not part of the graph"):
        explain(y, wrt=[w, stranger])
    c = tg.Value(5.0, label="c", requires_grad=False)
    with pytest.raises(ValueError, match=r"wrt \('c'\) is a constant"):
        explain(w * c, wrt=c)
    with pytest.raises(TypeError, match="must be a Value"):
        explain(y, wrt=[1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="max_paths"):
        explain(y, max_paths=0)


def test_constant_output():
    assert "is a constant" in explain(tg.Value(2.0, requires_grad=False))


def test_path_cap_prints_a_summary_with_the_true_total():
    x = tg.Value(1.1, label="x")
    h = x
    for _ in range(10):
        h = h * h            # every level doubles the paths: 2**10 = 1024 paths to x
    h.label = "y"
    lines = explain(h, max_paths=5).splitlines()
    assert "dy/dx = sum over 1,024 paths, as x is used more than once:" in lines
    assert sum(1 for ln in lines if ln.startswith("  dy/du9 (argument 1) · du9/du8")) == 5
    assert "  … 1,019 more paths not printed (explain(..., max_paths=1024) prints them all)" in lines
    # y = x^(2^10), dy/dx = 1024 x^1023
    total = 1024 * 1.1 ** 1023
    assert lines[-1] == (f"  dy/dx = {fixed_number(total)} over all 1,024 paths (the backpropagation "
                         "result, which adds the paths up node by node)")
    assert float(lines[-1].split("= ")[1].split(" ")[0]) == pytest.approx(total, rel=1e-4)


def test_deep_chain_is_elided_and_needs_no_recursion():
    x = tg.Value(0.3, label="x")
    h = x
    for _ in range(3000):
        h = h * 1.0001
    h.label = "y"
    text = explain(h)
    line = next(ln for ln in text.splitlines() if ln.startswith("dy/dx"))
    assert "… (2990 more)" in line          # the factors' names on the first line ...
    line = next(ln for ln in joined(text) if ln.startswith("dy/dx"))
    assert line.endswith(fixed_number(1.0001 ** 3000))   # ... their numbers on the next


def test_explain_leaves_grads_alone():
    w, x, b, y = neuron()
    explain(y)
    assert (w.grad, x.grad, b.grad, y.grad) == (0.0, 0.0, 0.0, 0.0)
    y.backward()
    before = (w.grad, x.grad, b.grad)
    explain(y)
    assert (w.grad, x.grad, b.grad) == before


@given(st.floats(-2, 2), st.floats(0.3, 3), st.floats(-2, 2))
def test_totals_match_grad(a0, c0, b0):
    a, c, b = tg.Value(a0, label="a"), tg.Value(c0, label="c"), tg.Value(b0, label="b")
    h = a * c + b
    y = (h.tanh() * h + (c.log() - a) ** 2).sigmoid()
    y.label = "y"
    text = explain(y, max_paths=100)
    expected = tg.grad(y, [a, c, b])
    for name, g in zip("acb", expected):
        block = text.split(f"dy/d{name} = ")[1]
        if block.startswith("sum over"):
            total = re.search(rf"\n  dy/d{name} = .* = (\S+)\n?", text).group(1)
        else:
            total = block.splitlines()[0].rsplit("= ", 1)[1]
        assert total == fixed_number(g.data)


# ---------------------------------------------------------------- names never shared by two Values
def test_a_label_that_looks_like_a_disambiguated_name_is_not_shared():
    a, b, c = tg.Value(1.0, label="x"), tg.Value(2.0, label="x"), tg.Value(3.0, label="x#2")
    text = explain(a * b + c)
    assert "with x = 1.0000, x#3 = 2.0000, x#2 = 3.0000" in text
    assert "dout/dx#2 = 1.0000" in text and "dout/dx#3 = dout/du1" in text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["x", "x#2", "x#3", "u1", "out", "\x1b", "\\x1b", "y" * 70, "y" * 71, ""]),
                 min_size=1, max_size=6))
def test_every_value_of_a_graph_gets_its_own_name_whatever_the_labels(labels):
    from tinygrad_edu.engine.autograd import topological_order
    from tinygrad_edu.viz.labels import node_names, shown_names

    leaves = [tg.Value(float(i + 1), label=lab) for i, lab in enumerate(labels)]
    out = tg.sum([v * v for v in leaves])
    order = topological_order(out)
    for names in (node_names(order), shown_names(order)):
        given_names = [names[id(v)] for v in order]
        assert len(set(given_names)) == len(given_names), given_names
    for v in order:  # a label is kept as it is by its first bearer
        if v.label and v is next(w for w in order if w.label == v.label):
            assert node_names(order)[id(v)] == v.label


def lecture_neuron():
    """The micrograd lecture's neuron, its intermediates labelled with the expressions they hold."""
    x1, x2 = tg.Value(2.0, label="x1"), tg.Value(0.0, label="x2")
    w1, w2 = tg.Value(-3.0, label="w1"), tg.Value(1.0, label="w2")
    b = tg.Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return x1, w1, o


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_label_with_operators_is_bracketed_where_explain_composes_it(lang):
    x1, w1, o = lecture_neuron()
    lines = joined(explain(o, wrt=w1, lang=lang))
    # do/dw1 = tanh'(n) · 1 · 1 · x1, with tanh'(n) = 1 - o²
    dtanh = 1 - math.tanh(o.inputs[0].data) ** 2
    assert (f"do/dw1 = do/dn · dn/d(x1*w1 + x2*w2) · d(x1*w1 + x2*w2)/d(x1*w1) · d(x1*w1)/dw1 = "
            f"{fixed_number(dtanh)} × 1.0000 × 1.0000 × {fixed_number(x1.data)} = "
            f"{fixed_number(dtanh * x1.data)}") in lines
    # in the definitions the name on the left stands alone; inside a formula it is bracketed
    assert "n = (x1*w1 + x2*w2) + b = 0.8814" in lines
    assert "x1*w1 + x2*w2 = (x1*w1) + (x2*w2) = -6.0000" in lines
    assert "x1*w1 = x1 × w1 = -6.0000" in lines
    # a plain name is never bracketed, the root with operators is (as the output and as the input)
    text = explain(o * 1.0, lang=lang)
    assert "(o)" not in text and "(w1)" not in text
    y = w1 * 2.0
    y.label = "2*w1"
    assert "d(2*w1)/dw1 = 2.0000" in explain(y, lang=lang).splitlines()


def test_a_long_chain_rule_line_continues_at_an_equals_sign():
    from tinygrad_edu.viz.explain import MAX_LINE

    _, w1, o = lecture_neuron()
    lines = explain(o, wrt=w1).splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("do/dw1 = "))
    # 117 characters in one line would be soft-wrapped inside a number ("1.00" / "00") in a notebook
    assert lines[first] == "do/dw1 = do/dn · dn/d(x1*w1 + x2*w2) · d(x1*w1 + x2*w2)/d(x1*w1) · d(x1*w1)/dw1"
    assert lines[first + 1] == " " * len("do/dw1") + " = 0.5000 × 1.0000 × 1.0000 × 2.0000 = 1.0000"
    assert all(len(ln) <= MAX_LINE for ln in lines[first:])
    # a short line stays whole
    *_, y = neuron()
    assert "dy/db = dy/du2 · du2/db = 0.1050 × 1.0000 = 0.1050" in explain(y).splitlines()
