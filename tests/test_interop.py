"""tinygrad_edu.interop against PyTorch 2.13 (float64): same forward values, same gradients, same weights."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.interop import from_torch, to_torch

torch = pytest.importorskip("torch", reason="the dev extra installs PyTorch")


def _batch(n_in: int, size: int = 6, seed: int = 0) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(n_in)] for _ in range(size)]


def _outputs(out) -> list:
    return list(out) if isinstance(out, list) else [out]


def _compare(ours: nn.Module, theirs, X: list[list[float]], rtol: float = 1e-12) -> None:
    """Forward values, d(loss)/d(every weight) and d(loss)/d(every input) agree.

    loss = Σ over the batch and the outputs of cⱼ·outⱼ with fixed coefficients,
    so each output's gradient is checked, not only their sum.
    """
    xs = [[tg.Value(v) for v in row] for row in X]
    outs = [_outputs(ours(row)) for row in xs]
    coeffs = [0.5 + 0.75 * j for j in range(len(outs[0]))]
    loss = tg.sum([c * o for row in outs for c, o in zip(coeffs, row)])
    ours.zero_grad()
    loss.backward()

    tx = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    tout = theirs(tx)
    tloss = (tout * torch.tensor(coeffs, dtype=torch.float64)).sum()
    theirs.zero_grad()
    tloss.backward()

    flat_out = tout.reshape(-1).tolist()
    assert [o.data for row in outs for o in row] == pytest.approx(flat_out, rel=rtol, abs=1e-14)
    assert loss.data == pytest.approx(tloss.item(), rel=rtol)
    flat_grad = tx.grad.reshape(-1).tolist()
    assert [v.grad for row in xs for v in row] == pytest.approx(flat_grad, rel=1e-10, abs=1e-13)
    ours_grads = _grads_by_torch_name(ours)
    theirs_grads = {name: p.grad.reshape(-1).tolist() for name, p in theirs.named_parameters()}
    assert ours_grads.keys() == theirs_grads.keys()
    for name in theirs_grads:
        assert ours_grads[name] == pytest.approx(theirs_grads[name], rel=1e-10, abs=1e-13), name


def _grads_by_torch_name(model: nn.Module) -> dict[str, list[float]]:
    """Our gradients grouped as PyTorch's flattened parameters (names from to_torch's layout)."""
    groups: dict[str, list[float]] = {}
    for name, p in _torch_named_values(model):
        groups.setdefault(name, []).append(p.grad)
    return groups


def _torch_named_values(model: nn.Module, prefix: str = ""):
    """(PyTorch parameter name, Value) in PyTorch's order for the layout to_torch builds."""
    if isinstance(model, nn.Sequential):
        for index, part in enumerate(model):
            yield from _torch_named_values(part, f"{prefix}{index}.")
    elif isinstance(model, nn.Linear):
        for row in model.weight:
            for w in row:
                yield f"{prefix}weight", w
        for b in model.bias or []:
            yield f"{prefix}bias", b
    elif isinstance(model, nn.MLP):
        index = 0
        for layer in model.layers:
            for n in layer.neurons:
                for w in n.w:
                    yield f"{index}.weight", w
            for n in layer.neurons:
                yield f"{index}.bias", n.b
            index += 2 if layer.neurons[0].activation is not None else 1


MODELS = {
    "mlp_relu": lambda: nn.MLP(3, [5, 4, 2], seed=0),
    "mlp_tanh_sigmoid": lambda: nn.MLP(2, [6, 1], activation="tanh", output_activation="sigmoid", seed=1),
    "mlp_every_activation": lambda: nn.MLP(2, [3, 3, 3, 3, 3, 2], activation="silu", output_activation="gelu",
                                           seed=2),
    "mlp_leaky": lambda: nn.MLP(2, [4, 3], activation="leaky_relu", seed=3),
    "sequential": lambda: nn.Sequential(
        nn.Linear(3, 5, seed=4), nn.LeakyReLU(0.2), nn.Linear(5, 4, bias=False, seed=5), nn.GELU("tanh"),
        nn.Linear(4, 4, seed=6), nn.SiLU(), nn.Linear(4, 3, seed=7), nn.Sigmoid(),
        nn.Sequential(nn.Linear(3, 2, seed=8), nn.Tanh()), nn.Linear(2, 2, seed=9), nn.ReLU(), nn.GELU()),
}


@pytest.mark.parametrize("name", MODELS)
def test_to_torch_computes_the_same_values_and_gradients(name):
    model = MODELS[name]()
    for i, p in enumerate(model.parameters()):                     # biases away from 0, like a trained model
        if p.data == 0.0:
            p.data = 0.1 * (i % 7 - 3)
    net = to_torch(model)
    assert all(p.dtype == torch.float64 and p.requires_grad for p in net.parameters())
    assert sum(p.numel() for p in net.parameters()) == model.num_parameters()
    n_in = model.nin if isinstance(model, nn.MLP) else model[0].in_features
    _compare(model, net, _batch(n_in, seed=list(MODELS).index(name)))


def test_to_torch_layouts():
    net = to_torch(nn.MLP(2, [3, 1], activation="tanh", seed=0))
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear"]
    lin = to_torch(nn.Linear(2, 3, bias=False, seed=0))
    assert isinstance(lin, torch.nn.Linear) and lin.bias is None
    leaky = to_torch(nn.LeakyReLU(0.3))
    assert isinstance(leaky, torch.nn.LeakyReLU) and leaky.negative_slope == 0.3
    assert to_torch(nn.GELU("tanh")).approximate == "tanh"
    layer = to_torch(nn.Layer(2, 3, activation="sigmoid", seed=0))
    assert [type(m).__name__ for m in layer] == ["Linear", "Sigmoid"]
    neuron = nn.Neuron(2, activation=None, seed=0)
    tn = to_torch(neuron)
    assert [type(m).__name__ for m in tn] == ["Linear"]
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    assert tn(x).item() == pytest.approx(neuron([0.5, -1.0]).data)


def test_weights_are_copied_not_shared():
    model = nn.Linear(2, 1, seed=0)
    net = to_torch(model)
    model.weight[0][0].data += 1.0
    assert net.weight[0, 0].item() == model.weight[0][0].data - 1.0


def test_from_torch_builds_the_same_network_one_value_per_weight():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(3, 6), torch.nn.ReLU(), torch.nn.Linear(6, 4, bias=False), torch.nn.Tanh(),
        torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LeakyReLU(0.1)), torch.nn.Identity(),
        torch.nn.Linear(4, 3), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(3, 2), torch.nn.SiLU(),
        torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.GELU(),
    ).double()
    model = from_torch(net)
    assert isinstance(model, nn.Sequential) and len(model) == len(net)
    state = model.state_dict()
    for name, tensor in net.state_dict().items():                 # the same names, PyTorch's layout
        prefix, flat = name + ".", tensor.reshape(-1).tolist()
        assert [v for k, v in state.items() if k.startswith(prefix)] == flat
    assert len(state) == sum(t.numel() for t in net.state_dict().values())
    _compare(model, net, _batch(3, seed=5))


def test_from_torch_converts_float32_exactly_and_keeps_requires_grad():
    lin = torch.nn.Linear(2, 2)
    lin.bias.requires_grad_(False)
    model = from_torch(lin)
    assert isinstance(model, nn.Linear)
    assert [p.data for p in model.weight[1]] == lin.weight[1].double().tolist()
    assert all(p.requires_grad for row in model.weight for p in row)
    assert not any(b.requires_grad for b in model.bias)


def test_round_trip_keeps_the_weights_and_the_function():
    model = nn.MLP(2, [4, 3], activation="tanh", seed=4)
    back = from_torch(to_torch(model))
    assert list(back.state_dict().values()) == _values_in_torch_order(model)
    x = [0.3, -0.6]
    assert [o.data for o in back(x)] == pytest.approx([o.data for o in model(x)], rel=1e-14)


def _values_in_torch_order(model: nn.MLP) -> list[float]:
    return [v.data for _, v in _torch_named_values(model)]


def test_unsupported_layers_are_named():
    net = torch.nn.Sequential(torch.nn.Linear(2, 2),
                              torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Dropout(0.5)))
    match = r"the module\[1\]\[1\] is a torch\.nn\.Dropout.*supported: Sequential, Linear"
    with pytest.raises(TypeError, match=match):
        from_torch(net)
    with pytest.raises(TypeError, match=r"takes a torch\.nn\.Module, got list"):
        from_torch([torch.nn.ReLU()])

    class Square(nn.Module):
        def forward(self, x):
            return [v * v for v in x]

    with pytest.raises(TypeError, match=r"the model\[1\] is a Square, which has no PyTorch counterpart"):
        to_torch(nn.Sequential(nn.Linear(1, 1), Square()))
    with pytest.raises(TypeError, match=r"the model.layers\[0\] uses the activation <function"):
        to_torch(nn.MLP(1, [2, 1], activation=lambda v: v * v, seed=0))
    with pytest.raises(TypeError, match=r"takes a tinygrad_edu\.nn\.Module"):
        to_torch(torch.nn.ReLU())


def test_torch_is_imported_lazily_and_a_missing_torch_says_how_to_install(monkeypatch):
    code = "import sys, tinygrad_edu, tinygrad_edu.interop; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    monkeypatch.setitem(sys.modules, "torch", None)                # import torch now raises ImportError
    with pytest.raises(ImportError, match="pip install torch"):
        to_torch(nn.Linear(1, 1, seed=0))
    with pytest.raises(ImportError, match="pip install torch"):
        from_torch(object())


# ---------------------------------------------------------------- the hostile round
@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_a_complex_linear_is_refused_not_stripped_of_its_imaginary_parts(dtype: str):
    torch = pytest.importorskip("torch")
    layer = torch.nn.Linear(2, 1, dtype=getattr(torch, dtype))
    with pytest.raises(TypeError, match=rf"from_torch: the module\[1\] \(Linear\) has the parameter 'weight' "
                                        rf"of dtype torch\.{dtype}; tinygrad_edu computes with real numbers"):
        from_torch(torch.nn.Sequential(torch.nn.Tanh(), layer))


def test_subclasses_that_redefine_forward_are_refused_by_name():
    torch = pytest.importorskip("torch")

    class Doubled(torch.nn.Linear):
        def forward(self, x):
            return 2 * super().forward(x)

    class Reversed(torch.nn.Sequential):
        def forward(self, x):
            for m in reversed(self):
                x = m(x)
            return x

    with pytest.raises(TypeError, match=r"the module\[0\] is a Doubled, a subclass of torch\.nn\.Linear that "
                                        r"redefines forward\(\)"):
        from_torch(torch.nn.Sequential(Doubled(2, 1)))
    with pytest.raises(TypeError, match=r"the module is a Reversed, a subclass of torch\.nn\.Sequential"):
        from_torch(Reversed(torch.nn.Linear(2, 2), torch.nn.Tanh()))

    class OursDoubled(nn.Linear):
        def forward(self, x):
            return [2 * y for y in super().forward(x)]

    class OursSkip(nn.Sequential):
        def __call__(self, x):
            return x

    doubled = r"to_torch: the model\[1\] is a OursDoubled, a subclass of nn\.Linear that redefines forward"
    with pytest.raises(TypeError, match=doubled):
        to_torch(nn.Sequential(nn.ReLU(), OursDoubled(2, 1, seed=0)))
    skip = r"is a OursSkip, a subclass of nn\.Sequential that redefines __call__"
    with pytest.raises(TypeError, match=skip):
        to_torch(OursSkip(nn.Linear(1, 1, seed=0)))


def test_a_subclass_that_keeps_forward_converts_and_computes_the_same():
    torch = pytest.importorskip("torch")

    class Named(torch.nn.Linear):  # only a new name: the computation is Linear's
        pass

    torch.manual_seed(0)
    layer = Named(2, 1, dtype=torch.float64)
    ours = from_torch(layer)
    x = [0.3, -1.2]
    assert ours(x)[0].data == pytest.approx(layer(torch.tensor(x, dtype=torch.float64)).item(), abs=1e-15)


def test_a_torch_module_with_forward_hooks_is_refused():
    torch = pytest.importorskip("torch")
    layer = torch.nn.Linear(2, 1)
    handle = layer.register_forward_hook(lambda m, i, o: o * 3)
    with pytest.raises(TypeError, match="has forward hooks"):
        from_torch(layer)
    handle.remove()
    assert isinstance(from_torch(layer), nn.Linear)
