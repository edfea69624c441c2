"""tinygrad_edu.functional: values and gradients against hand-derived numbers and finite differences.

Expected numbers are either derived by hand (shown next to them) or computed
independently here with plain ``math`` on floats.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as hst

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import DomainError, Value
from tinygrad_edu.ops import REGISTRY
from tinygrad_edu.testing import grad_tolerance

H = 1e-6


def sig(z: float) -> float:
    """Independent logistic function on floats."""
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def ref_softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    es = [math.exp(x - m) for x in xs]
    s = math.fsum(es)
    return [e / s for e in es]


def ref_lse(xs: list[float]) -> float:
    m = max(xs)
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


vectors = hst.lists(hst.floats(-8.0, 8.0, allow_nan=False), min_size=2, max_size=6)


# ---------------------------------------------------------------- scalar activations
@pytest.mark.parametrize(("fn", "x", "value", "deriv"), [
    (F.sigmoid, 0.0, 0.5, 0.25),                         # σ(0) = ½, σ'(0) = ½·½
    (F.tanh, 0.0, 0.0, 1.0),                             # 1 − tanh²0
    (F.relu, 2.0, 2.0, 1.0),
    (F.relu, -2.0, 0.0, 0.0),
    (F.leaky_relu, -2.0, -0.02, 0.01),
    (F.silu, 0.0, 0.0, 0.5),                             # σ(0)(1 + 0)
    (F.gelu, 0.0, 0.0, 0.5),                             # Φ(0) + 0·φ(0)
])
def test_scalar_activations_hand_values(fn, x, value, deriv):
    v = Value(x)
    y = fn(v)
    y.backward()
    assert close(y.data, value) and close(v.grad, deriv)


def test_scalar_activations_accept_numbers_as_constants():
    y = F.sigmoid(2.0)
    assert isinstance(y, Value) and not y.requires_grad
    assert close(y.data, sig(2.0))
    assert close(F.gelu(1.0, approximate="tanh").data,
                 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715))))
    assert close(F.leaky_relu(-1, negative_slope=0.2).data, -0.2)
    with pytest.raises(TypeError, match="sigmoid"):
        F.sigmoid("1.0")


# ---------------------------------------------------------------- softmax family
def test_softmax_learners_worked_example():
    a = [Value(0.7066), Value(0.4845), Value(0.3603)]
    p = F.softmax(a)
    assert [round(x.data, 4) for x in p] == [0.3987, 0.3193, 0.2820]
    p[1].backward()
    assert [round(x.grad, 4) for x in a] == [-0.1273, 0.2173, -0.0900]


def test_softmax_matches_independent_float_math():
    xs = [0.5, -1.25, 3.0, 0.0]
    assert all(close(p.data, r) for p, r in zip(F.softmax(xs), ref_softmax(xs)))
    assert close(F.logsumexp(xs).data, math.log(math.fsum(math.exp(x) for x in xs)))
    assert all(close(v.data, x - ref_lse(xs)) for v, x in zip(F.log_softmax(xs), xs))


def test_softmax_family_is_stable_at_large_inputs():
    assert [p.data for p in F.softmax([1000.0, 0.0])] == [1.0, 0.0]
    assert F.logsumexp([1e4, 1e4]).data == 1e4 + math.log(2.0)
    assert F.logsumexp([-1e300, -1e300]).data == -1e300
    assert [v.data for v in F.log_softmax([1e3, -1e3])] == [0.0, -2000.0]
    for big in (1e3, 1e300):
        xs = [Value(big), Value(-big), Value(0.0)]
        p = F.softmax(xs)
        assert [q.data for q in p] == [1.0, 0.0, 0.0]
        (p[0] + 2 * p[2]).backward()
        assert all(math.isfinite(x.grad) for x in xs)
        lse = F.logsumexp(xs)
        assert lse.data == big
        assert [g.data for g in tg.grad(lse, xs)] == [1.0, 0.0, 0.0]     # ∂LSE/∂x = softmax


def test_softmax_family_refuses_non_finite_and_empty_inputs():
    with pytest.raises(DomainError, match=r"xs\[1\] = inf"):
        F.softmax([0.0, math.inf])
    with pytest.raises(DomainError, match="nan"):
        F.logsumexp([math.nan])
    with pytest.raises(ValueError, match="empty"):
        F.log_softmax([])
    with pytest.raises(TypeError, match="sequence"):
        F.softmax(3.0)


def test_softmax_jacobian_rows_sum_to_zero_and_match_formula():
    xs = [0.3, -1.2, 2.0, 0.7]
    J = tg.jacobian(F.softmax, xs)
    s = ref_softmax(xs)
    for i, row in enumerate(J):
        assert abs(math.fsum(row)) < 1e-15
        for j, entry in enumerate(row):
            assert close(entry, s[i] * ((1.0 if i == j else 0.0) - s[j]), 1e-14)


@given(vectors)
def test_softmax_jacobian_property(xs):
    J = tg.jacobian(F.softmax, xs)
    s = ref_softmax(xs)
    for i, row in enumerate(J):
        assert abs(math.fsum(row)) <= 1e-14
        for j, entry in enumerate(row):
            assert abs(entry - s[i] * ((i == j) - s[j])) <= 1e-14


def _directional(f, xs, u, v):
    """(engine, central difference) of v·J(x)·u for a vector function f."""
    leaves = [Value(x) for x in xs]
    out = f(leaves)
    scalar = tg.dot(v, out)
    g = tg.grad(scalar, leaves, allow_unused=True)
    auto = math.fsum(gi.data * ui for gi, ui in zip(g, u))
    up = [x + H * ui for x, ui in zip(xs, u)]
    dn = [x - H * ui for x, ui in zip(xs, u)]
    fu = [y.data for y in f(up)]
    fd = [y.data for y in f(dn)]
    num = math.fsum(vi * (a - b) / (2 * H) for vi, a, b in zip(v, fu, fd))
    return auto, num, max(abs(y) for y in fu)


@pytest.mark.parametrize("f", [F.softmax, F.log_softmax, lambda xs: [F.logsumexp(xs)]],
                         ids=["softmax", "log_softmax", "logsumexp"])
@given(data=hst.data())
def test_vector_functions_match_finite_differences_in_random_directions(f, data):
    xs = data.draw(vectors)
    n = len(xs)
    unit = hst.floats(-1.0, 1.0, allow_nan=False)
    u = data.draw(hst.lists(unit, min_size=n, max_size=n))
    v = data.draw(hst.lists(unit, min_size=n, max_size=n))
    v = v[: len(f([0.0] * n))]
    auto, num, scale = _directional(f, xs, u, v)
    assert abs(auto - num) <= grad_tolerance(auto, num, scale), (xs, u, v, auto, num)


@given(vectors)
def test_logsumexp_hessian_is_diag_s_minus_ss(xs):
    Hm = tg.hessian(F.logsumexp, xs)
    s = ref_softmax(xs)
    for i in range(len(xs)):
        for j in range(len(xs)):
            assert abs(Hm[i][j] - ((i == j) * s[i] - s[i] * s[j])) <= 1e-13


# ---------------------------------------------------------------- mse
def test_mse_learners_worked_example():
    x, w, t = 1.0, Value(2.0), 1.0
    loss = F.mse_loss(w * x, t)
    loss.backward()
    assert loss.data == 1.0 and w.grad == 2.0                      # (2 − 1)² and 2(wx − t)x
    assert tg.grad(tg.grad(F.mse_loss(w * x, t), w, create_graph=True), w).data == 2.0  # d²L/dw² = 2x²


def test_mse_reductions_and_batches():
    preds = [Value(1.0), Value(2.0), Value(4.0)]
    targets = [0.0, 2.0, 1.0]
    mean = F.mse_loss(preds, targets)
    assert mean.data == (1 + 0 + 9) / 3
    mean.backward()
    assert [p.grad for p in preds] == [2 * 1 / 3, 0.0, 2 * 3 / 3]   # 2(p − t)/N
    assert F.mse_loss(preds, targets, reduction="sum").data == 10.0
    each = F.mse_loss(preds, targets, reduction="none")
    assert [v.data for v in each] == [1.0, 0.0, 9.0]
    assert F.mse_loss([[1, 2], [3, 4]], [[0, 0], [0, 0]]).data == (1 + 4 + 9 + 16) / 4


def test_mse_target_values_get_gradients():
    p, t = Value(3.0), Value(1.0)
    F.mse_loss(p, t).backward()
    assert (p.grad, t.grad) == (4.0, -4.0)


def test_mse_bad_inputs():
    with pytest.raises(ValueError, match="same shape"):
        F.mse_loss([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="same shape"):
        F.mse_loss([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="reduction must be"):
        F.mse_loss([1.0], [1.0], reduction="avg")
    with pytest.raises(ValueError, match="ragged"):
        F.mse_loss([[1.0], [1.0, 2.0]], [[1.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match=r"targets\)\[1\]"):
        F.mse_loss([1.0, 2.0], [1.0, "x"])
    with pytest.raises(ValueError, match="empty"):
        F.mse_loss([], [])


# ---------------------------------------------------------------- binary cross-entropy
def test_bce_matches_the_formula():
    ps, ts = [0.7, 0.2, 0.5], [1.0, 0.0, 0.25]
    ref = [-(t * math.log(p + 1e-8) + (1 - t) * math.log(1 - p + 1e-8)) for p, t in zip(ps, ts)]
    assert close(F.binary_cross_entropy(ps, ts).data, math.fsum(ref) / 3)
    assert close(F.binary_cross_entropy(ps, ts, reduction="sum").data, math.fsum(ref))
    # eps = 1e-8 moves the loss by about eps/p from the exact −log p
    assert abs(F.binary_cross_entropy(0.7, 1.0).data - (-math.log(0.7))) < 2e-8


@pytest.mark.parametrize(("p", "t", "loss", "grad"), [
    (0.0, 1.0, -math.log(1e-8), -1e8),                   # −log(0 + ε), −1/(0 + ε)
    (1.0, 0.0, -math.log(1e-8), 1e8),                    # −log(1 − 1 + ε), 1/(1 − 1 + ε)
    (1.0, 1.0, -math.log(1 + 1e-8), -1 / (1 + 1e-8)),
    (0.0, 0.0, -math.log(1 + 1e-8), 1 / (1 + 1e-8)),
])
def test_bce_is_finite_at_p_0_and_1(p, t, loss, grad):
    v = Value(p)
    out = F.binary_cross_entropy(v, t)
    out.backward()
    assert close(out.data, loss) and close(v.grad, grad)


def test_bce_soft_target_at_the_edges_is_finite():
    for p in (0.0, 1.0):
        v = Value(p)
        out = F.binary_cross_entropy(v, 0.5)
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad)


def test_bce_eps_zero_is_the_exact_formula_and_fails_at_the_edge():
    assert F.binary_cross_entropy(0.25, 1.0, eps=0).data == -math.log(0.25)
    with pytest.raises(DomainError, match="log"):
        F.binary_cross_entropy(0.0, 1.0, eps=0)


def test_bce_eps_zero_draws_no_plus_zero_node():
    # with eps=0 the graph is -log(p) and -log(1 - p), nothing added to p (the picture showed "p + 0")
    p = Value(0.75, label="p")
    for target, expected in ((1.0, ["neg", "log"]), (0.0, ["neg", "log", "sub"])):
        node, ops = F.binary_cross_entropy(p, target, eps=0), []
        while node is not p:
            ops.append(node.op)
            node = next(x for x in node.inputs if x.requires_grad)
        assert ops == expected, (target, ops)
    assert "add" in {v.op for v in F.binary_cross_entropy(p, 1.0).inputs[0].inputs}   # the default eps


@given(hst.floats(-12.0, 12.0), hst.sampled_from([0.0, 1.0]))
def test_sigmoid_output_with_bce_has_dl_dz_equal_yhat_minus_y(z, y):
    zv = Value(z)
    F.binary_cross_entropy(zv.sigmoid(), y, eps=0.0).backward()
    assert abs(zv.grad - (sig(z) - y)) <= 1e-9


def test_bce_bad_inputs():
    with pytest.raises(ValueError, match=r"probs\[1\] = 1.5 is outside \[0, 1\].*with_logits"):
        F.binary_cross_entropy([0.5, 1.5], [1, 0])
    with pytest.raises(ValueError, match=r"targets\[0\] = -1.0"):
        F.binary_cross_entropy([0.5], [-1])
    with pytest.raises(ValueError, match="eps"):
        F.binary_cross_entropy(0.5, 1.0, eps=-1e-8)
    with pytest.raises(ValueError, match="same shape"):
        F.binary_cross_entropy([0.5, 0.5], [1.0])


# ---------------------------------------------------------------- bce with logits
def test_bce_with_logits_matches_the_naive_formula_where_it_is_safe():
    zs, ts = [0.3, -2.0, 4.0, 0.0], [1.0, 0.0, 0.25, 1.0]
    naive = [-(t * math.log(sig(z)) + (1 - t) * math.log(1 - sig(z))) for z, t in zip(zs, ts)]
    got = F.binary_cross_entropy_with_logits(zs, ts, reduction="none")
    assert all(close(g.data, r, 1e-14) for g, r in zip(got, naive))
    assert close(F.binary_cross_entropy_with_logits(zs, ts).data, math.fsum(naive) / 4, 1e-14)


@given(hst.lists(hst.tuples(hst.one_of(hst.floats(-30.0, 30.0), hst.sampled_from([-1e300, -1e3, 1e3, 1e300])),
                            hst.sampled_from([0.0, 1.0, 0.3])), min_size=1, max_size=5))
def test_bce_with_logits_gradient_is_sigmoid_minus_y_over_n(pairs):
    zs = [Value(z) for z, _ in pairs]
    ts = [t for _, t in pairs]
    loss = F.binary_cross_entropy_with_logits(zs, ts)
    loss.backward()
    n = len(pairs)
    assert math.isfinite(loss.data)
    for z, t in zip(zs, ts):
        expected = (sig(z.data) - t) / n
        assert abs(z.grad - expected) <= 1e-15 * max(1.0, abs(expected)) + 1e-300


@pytest.mark.parametrize(("z", "t", "loss", "grad"), [
    (1e300, 1.0, 0.0, 0.0), (1e300, 0.0, 1e300, 1.0), (-1e300, 1.0, 1e300, -1.0), (-1e300, 0.0, 0.0, 0.0),
    (1e3, 1.0, 0.0, 0.0), (-1e3, 1.0, 1e3, -1.0),
])
def test_bce_with_logits_at_huge_logits(z, t, loss, grad):
    v = Value(z)
    out = F.binary_cross_entropy_with_logits(v, t)
    out.backward()
    assert out.data == loss and v.grad == grad


def test_bce_with_logits_keeps_precision_where_sigmoid_rounds_to_one():
    v = Value(40.0)
    F.binary_cross_entropy_with_logits(v, 1.0).backward()
    assert close(v.grad, -math.exp(-40.0) / (1 + math.exp(-40.0)), 1e-14)   # σ(40) − 1 = −σ(−40)


def test_bce_with_logits_is_one_fused_registry_node_with_second_derivative():
    z = Value(0.8)
    out = F.binary_cross_entropy_with_logits(z, 1.0)
    assert out.op_spec is REGISTRY["bce_with_logits"] and out.inputs == (z,) and out.param == 1.0
    d1 = tg.grad(out, z, create_graph=True)
    d2 = tg.grad(d1, z)
    assert close(d1.data, sig(0.8) - 1.0) and close(d2.data, sig(0.8) * (1 - sig(0.8)))


def test_bce_with_logits_target_value_gets_gradient_minus_z():
    assert tg.gradcheck(lambda z, t: F.binary_cross_entropy_with_logits(z, t), [0.7, 0.3])
    z, t = Value(0.7), Value(0.3)
    out = F.binary_cross_entropy_with_logits(z, t)
    out.backward()
    assert close(t.grad, -0.7) and close(z.grad, sig(0.7) - 0.3)
    assert close(out.data, F.binary_cross_entropy_with_logits(0.7, 0.3).data)


def test_bce_with_logits_bad_inputs():
    with pytest.raises(DomainError, match=r"logits\[1\] = inf"):
        F.binary_cross_entropy_with_logits([0.0, math.inf], [1, 0])
    with pytest.raises(ValueError, match=r"targets\[0\] = 2.0"):
        F.binary_cross_entropy_with_logits([0.0], [2])


# ---------------------------------------------------------------- cross-entropy and nll
def test_cross_entropy_single_sample_value_and_gradient():
    z = [Value(2.0), Value(1.0), Value(0.1)]
    loss = F.cross_entropy(z, 0)
    assert close(loss.data, ref_lse([2.0, 1.0, 0.1]) - 2.0)
    loss.backward()
    s = ref_softmax([2.0, 1.0, 0.1])
    assert all(close(v.grad, s[j] - (j == 0), 1e-14) for j, v in enumerate(z))   # softmax − one-hot
    assert round(F.cross_entropy([0.0, 0.0, 0.0, 0.0], 3).data, 12) == round(math.log(4), 12)


def test_cross_entropy_batch_is_the_mean_of_the_samples():
    rows = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    targets = [1, 2]
    single = [F.cross_entropy(r, t).data for r, t in zip(rows, targets)]
    assert close(F.cross_entropy(rows, targets).data, (single[0] + single[1]) / 2)
    assert close(F.cross_entropy(rows, targets, reduction="sum").data, single[0] + single[1])
    assert [v.data for v in F.cross_entropy(rows, targets, reduction="none")] == single


@given(vectors, hst.integers(0, 5))
def test_cross_entropy_gradient_is_softmax_minus_one_hot(xs, k):
    k = k % len(xs)
    leaves = [Value(x) for x in xs]
    g = tg.grad(F.cross_entropy(leaves, k), leaves)
    s = ref_softmax(xs)
    for j, gj in enumerate(g):
        assert abs(gj.data - (s[j] - (j == k))) <= 1e-14


def test_cross_entropy_is_stable_at_huge_logits():
    z = [Value(1e300), Value(0.0), Value(-1e300)]
    loss = F.cross_entropy(z, 0)
    loss.backward()
    assert loss.data == 0.0 and [v.grad for v in z] == [0.0, 0.0, 0.0]
    assert F.cross_entropy([1e300, 0.0, -1e300], 2).data == 2e300
    assert F.cross_entropy([1e3, -1e3], 1).data == 2000.0


def test_nll_of_log_softmax_is_cross_entropy():
    rows = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    nll = F.nll_loss([F.log_softmax(r) for r in rows], [0, 2])
    assert close(nll.data, F.cross_entropy(rows, [0, 2]).data, 1e-14)
    lp = [Value(-0.5), Value(-1.5)]
    F.nll_loss(lp, 1).backward()
    assert [v.grad for v in lp] == [0.0, -1.0]


def test_cross_entropy_bad_targets():
    with pytest.raises(ValueError, match=r"target = 3 is out of range.*3 classes"):
        F.cross_entropy([0.0, 1.0, 2.0], 3)
    with pytest.raises(TypeError, match="class index"):
        F.cross_entropy([0.0, 1.0], 1.0)
    with pytest.raises(TypeError, match="bool"):
        F.cross_entropy([0.0, 1.0], True)
    with pytest.raises(ValueError, match=r"target\[1\] = -1"):
        F.cross_entropy([[0.0, 1.0], [1.0, 0.0]], [0, -1])
    with pytest.raises(ValueError, match="2 rows of logits but 1 targets"):
        F.cross_entropy([[0.0, 1.0], [1.0, 0.0]], [0])
    with pytest.raises(TypeError, match="sequence of class indices"):
        F.nll_loss([[0.0, 1.0], [1.0, 0.0]], 0)
