"""Values and gradients against PyTorch (float64): every registry op, the losses, the optimizers.

PyTorch is the reference the learners' notes use.  Each registry op is compared
on points drawn from the domain it declares: value, first derivative (backward)
and second derivative (create_graph), to within a few units in the last place
of max(|value|, 1): the two libraries may round differently in the last bits,
and where they differ PyTorch is sometimes the less exact one - e.g. its
gradient of BCE-with-logits at z = 2, y = 1 is σ(2) − 1 = −0.11920292202211769
(cancellation), ours −σ(−2) = −0.11920292202211755, the correctly rounded value.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as hst

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Value, optim
from tinygrad_edu.engine.value import apply_op
from tinygrad_edu.ops import REGISTRY, Op
from tinygrad_edu.testing import strategies as st

torch = pytest.importorskip("torch")  # the `torch` extra (in `dev`); CI turns a skip into a failure
TF = torch.nn.functional

ULPS = 8  # allowed difference, in units of the last place


def _close(ours: float, theirs: float, ulps: int = ULPS, abs_tol: float = 0.0, scale: float = 1.0) -> bool:
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    scale = max(abs(ours), abs(theirs), scale)
    return abs(ours - theirs) <= ulps * math.ulp(scale) + abs_tol


def _torch_apply(op: Op, xs: list, p: object):
    """The same op in PyTorch, on float64 tensors."""
    name = op.name
    if name == "sum":
        return torch.stack(xs).sum()
    if name == "max_shift":  # max with its gradient cut (PyTorch: detach), kept in the graph by 0·Σx
        return torch.stack(xs).detach().max() + 0.0 * torch.stack(xs).sum()
    if name == "dot":
        n = len(xs) // 2
        return torch.dot(torch.stack(xs[:n]), torch.stack(xs[n:]))
    unary = {
        "neg": lambda x: -x, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs,
        "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "silu": TF.silu, "erf": torch.erf,
        "gelu": TF.gelu, "gelu_tanh": lambda x: TF.gelu(x, approximate="tanh"),
        "pow": lambda x: x**p, "leaky_relu": lambda x: TF.leaky_relu(x, p),
        "bce_with_logits": lambda z: TF.binary_cross_entropy_with_logits(z, _t(p, False)),
        "sin": torch.sin, "cos": torch.cos, "log1p": torch.log1p, "expm1": torch.expm1,
        # threshold=inf: PyTorch's softplus returns x itself beyond βx > 20; ours is exact there too
        "softplus": lambda x: TF.softplus(x, beta=p, threshold=math.inf), "elu": lambda x: TF.elu(x, p),
        "clamp": lambda x: torch.clamp(x, min=p[0], max=p[1]),
    }
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow_value": torch.pow,
              "maximum": torch.maximum, "minimum": torch.minimum,
              "tie": lambda a, b: a + 0.0 * b}  # a, with b recorded at derivative 0
    if name in unary:
        return unary[name](xs[0])
    return binary[name](xs[0], xs[1])


OPS = sorted(REGISTRY.values(), key=lambda op: op.name)


def test_every_registry_op_has_a_torch_counterpart():
    for op in OPS:
        n = op.domain.nary if op.arity == -1 else op.arity
        xs = [torch.tensor(0.5 + 0.1 * i, dtype=torch.float64) for i in range(n)]
        _torch_apply(op, xs, op.domain.params[0])


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_value_first_and_second_derivative_match_torch(op: Op):
    @given(st.op_inputs(op))
    def check(case):
        xs, p = case
        ours_in = [Value(x) for x in xs]
        y = apply_op(op, ours_in, p)
        d1 = tg.grad(y, ours_in, create_graph=True, allow_unused=True)
        t_in = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        ty = _torch_apply(op, t_in, p)
        td1 = torch.autograd.grad(ty, t_in, create_graph=True, allow_unused=True)
        # rounding errors scale with the size of the terms summed (dot: products of two
        # inputs; PyTorch sums them naively, we with math.fsum), so measure against that
        size = max(1.0, max(abs(x) for x in xs) ** 2)
        assert _close(y.data, ty.item(), scale=size), (op.name, xs, p, y.data, ty.item())
        for i, (g, tg_) in enumerate(zip(d1, td1)):
            tval = 0.0 if tg_ is None else tg_.item()
            assert _close(g.data, tval, scale=size), (op.name, xs, p, i, g.data, tval)
            # second derivatives: row i of the Hessian
            ours2 = [h.data for h in tg.grad(g, ours_in, allow_unused=True)] if g.requires_grad \
                else [0.0] * len(xs)
            if tg_ is None or not tg_.requires_grad:
                theirs2 = [0.0] * len(xs)
            else:
                theirs2 = [0.0 if h is None else h.item()
                           for h in torch.autograd.grad(tg_, t_in, retain_graph=True, allow_unused=True)]
            # a second derivative sums terms of size up to about x² too (gelu_tanh: x²·sech²)
            for j, (a, b) in enumerate(zip(ours2, theirs2)):
                assert _close(a, b, ulps=64, scale=size), (op.name, xs, p, i, j, a, b)

    check()


@pytest.mark.parametrize(
    "name, x, expected_grad",
    [("relu", 0.0, 0.0), ("abs", 0.0, 0.0), ("sqrt", 0.0, math.inf)],
)
def test_kink_and_edge_conventions_match_torch(name, x, expected_grad):
    v = Value(x)
    apply_op(REGISTRY[name], [v]).backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    _torch_apply(REGISTRY[name], [t], None).backward()
    assert v.grad == t.grad.item() == expected_grad


def test_leaky_relu_at_zero_and_pow_at_zero_base_match_torch():
    v = Value(0.0)
    v.leaky_relu(0.2).backward()
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    TF.leaky_relu(t, 0.2).backward()
    assert v.grad == t.grad.item()
    a, b = Value(0.0), Value(2.5)
    (a**b).backward()
    ta = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
    (ta**tb).backward()
    assert (a.grad, b.grad) == (ta.grad.item(), tb.grad.item())


# ---------------------------------------------------------------- functional
def _t(xs, grad=True):
    return torch.tensor(xs, dtype=torch.float64, requires_grad=grad)


@given(st.points(4, -30.0, 30.0))
def test_softmax_family_matches_torch(zs):
    vs = [Value(z) for z in zs]
    t = _t(zs)
    for ours, theirs in [(F.softmax(vs), torch.softmax(t, 0)), (F.log_softmax(vs), torch.log_softmax(t, 0))]:
        assert all(_close(o.data, th.item(), ulps=16, abs_tol=1e-300) for o, th in zip(ours, theirs))
        # gradient of a weighted sum of the outputs, the same weights on both sides
        w = [0.3, -1.1, 0.7, 2.0]
        got = tg.grad(tg.dot(w, ours), vs)
        want = torch.autograd.grad((theirs * torch.tensor(w, dtype=torch.float64)).sum(), t)[0]
        assert all(_close(g.data, h.item(), ulps=64, abs_tol=1e-15) for g, h in zip(got, want))
    lse = F.logsumexp(vs)
    tl = torch.logsumexp(t, 0)
    assert _close(lse.data, tl.item(), ulps=16)
    got = tg.grad(lse, vs)
    want = torch.autograd.grad(tl, t)[0]
    assert all(_close(g.data, h.item(), ulps=16, abs_tol=1e-300) for g, h in zip(got, want))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_match_torch(reduction):
    preds, targets = [0.3, -1.2, 2.5, 0.05], [0.0, 1.0, 1.0, 0.0]
    probs = [0.2, 0.9, 0.999, 0.01]
    logits = [[1.0, -2.0, 0.5], [0.1, 0.2, 3.0]]
    classes = [2, 0]
    cases = [
        (lambda v: F.mse_loss(v, targets, reduction=reduction), preds,
         lambda t: TF.mse_loss(t, _t(targets, False), reduction=reduction)),
        (lambda v: F.binary_cross_entropy(v, targets, eps=0.0, reduction=reduction), probs,
         lambda t: TF.binary_cross_entropy(t, _t(targets, False), reduction=reduction)),
        (lambda v: F.binary_cross_entropy_with_logits(v, targets, reduction=reduction), preds,
         lambda t: TF.binary_cross_entropy_with_logits(t, _t(targets, False), reduction=reduction)),
    ]
    for ours_f, xs, torch_f in cases:
        vs = [Value(x) for x in xs]
        t = _t(xs)
        ours, theirs = ours_f(vs), torch_f(t)
        assert _close(ours.data, theirs.item(), ulps=16), (ours.data, theirs.item())
        got = tg.grad(ours, vs)
        want = torch.autograd.grad(theirs, t)[0]
        assert all(_close(g.data, h.item(), ulps=16, abs_tol=1e-300) for g, h in zip(got, want))
    rows = [[Value(z) for z in row] for row in logits]
    t = _t(logits)
    ce, tce = F.cross_entropy(rows, classes, reduction=reduction), TF.cross_entropy(
        t, torch.tensor(classes), reduction=reduction)
    assert _close(ce.data, tce.item(), ulps=16)
    got = tg.grad(ce, [v for row in rows for v in row])
    want = torch.autograd.grad(tce, t)[0].flatten()
    assert all(_close(g.data, h.item(), ulps=16, abs_tol=1e-300) for g, h in zip(got, want))


def test_bce_with_logits_is_stable_like_torch_at_huge_logits():
    for z, y in [(1e300, 0.0), (-1e300, 1.0), (800.0, 1.0), (-800.0, 0.0)]:
        v = Value(z)
        loss = F.binary_cross_entropy_with_logits([v], [y])
        loss.backward()
        t = _t([z])
        tl = TF.binary_cross_entropy_with_logits(t, _t([y], False))
        tl.backward()
        assert _close(loss.data, tl.item()) and _close(v.grad, t.grad[0].item())


# ---------------------------------------------------------------- optimizers
def _run_optimizer(make_ours, make_theirs, steps=5):
    start = [0.5, -1.5, 2.0]
    ours = [Value(x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    o, t = make_ours(ours), make_theirs(theirs)
    for _ in range(steps):
        o.zero_grad()
        loss = tg.sum([(p - 0.3) ** 2 * (i + 1) + p.tanh() for i, p in enumerate(ours)])
        loss.backward()
        o.step()
        t.zero_grad()
        tloss = sum((p - 0.3) ** 2 * (i + 1) + torch.tanh(p) for i, p in enumerate(theirs))
        tloss.backward()
        t.step()
    return [p.data for p in ours], [p.item() for p in theirs]


SGD_SETTINGS = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
                dict(lr=0.1, momentum=0.5, weight_decay=0.01)]


@pytest.mark.parametrize("kw", SGD_SETTINGS)
def test_sgd_matches_torch(kw):
    ours, theirs = _run_optimizer(lambda ps: optim.SGD(ps, **kw), lambda ps: torch.optim.SGD(ps, **kw))
    assert all(_close(a, b, ulps=64) for a, b in zip(ours, theirs)), (ours, theirs)


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)])
def test_adam_matches_torch(kw):
    ours, theirs = _run_optimizer(lambda ps: optim.Adam(ps, **kw), lambda ps: torch.optim.Adam(ps, **kw))
    assert all(_close(a, b, ulps=64) for a, b in zip(ours, theirs)), (ours, theirs)


# ------------------------------------------------------------ second derivatives where the first is constant
KINKED = {
    "relu": (lambda v: v.relu(), torch.relu),
    "elu": (lambda v: v.elu(0.5), lambda t: TF.elu(t, 0.5)),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), lambda t: TF.leaky_relu(t, 0.1)),
    "abs": (abs, torch.abs),
    "clamp": (lambda v: v.clamp(-1.0, 1.0), lambda t: torch.clamp(t, -1.0, 1.0)),
    "maximum": (lambda v: tg.maximum(v, 0.25), lambda t: torch.maximum(t, torch.tensor(0.25, dtype=t.dtype))),
    "minimum": (lambda v: tg.minimum(v * v, 2.0),
                lambda t: torch.minimum(t * t, torch.tensor(2.0, dtype=t.dtype))),
}


@pytest.mark.parametrize("name", sorted(KINKED))
def test_second_derivative_through_a_kinked_op_matches_torch(name: str):
    """tg.grad(tg.grad(f(x), x, create_graph=True), x) equals torch's (a first derivative that torch does not
    record, e.g. clamp's, is constant: its derivative is 0) and needs no allow_unused."""
    ours_f, torch_f = KINKED[name]

    kinks = (-1.4142, -1.0, 0.0, 0.25, 1.0, 1.4142)

    @given(hst.floats(-3.0, 3.0).filter(lambda v: min(abs(v - k) for k in kinks) > 1e-3))
    def check(x: float):
        v = Value(x)
        d1 = tg.grad(ours_f(v), v, create_graph=True)
        d2 = tg.grad(d1, v).data
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        (td1,) = torch.autograd.grad(torch_f(t), t, create_graph=True)
        td2 = torch.autograd.grad(td1, t, allow_unused=True)[0] if td1.requires_grad else None
        assert _close(d1.data, td1.item()), (name, x, d1.data, td1.item())
        theirs = 0.0 if td2 is None else td2.item()
        assert _close(d2, theirs, ulps=64, scale=max(1.0, x * x)), (name, x, d2, theirs)

    check()
