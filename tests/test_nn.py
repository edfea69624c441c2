"""tinygrad_edu.nn: parameter naming, forward math, init schemes, seeds, and safe save / load."""

from __future__ import annotations

import gc
import json
import math
import os
import random

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value
from tinygrad_edu.nn import (
    GELU,
    MLP,
    Layer,
    LeakyReLU,
    Linear,
    Module,
    Neuron,
    ReLU,
    Sequential,
    Sigmoid,
    SiLU,
    StateDictError,
    Tanh,
)


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------- names and labels
def test_mlp_named_parameters_are_dotted_paths_and_labels():
    model = MLP(2, [3, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    expected = [f"layers.0.neurons.{i}.{p}" for i in range(3) for p in ("w.0", "w.1", "b")]
    expected += [f"layers.1.neurons.0.{p}" for p in ("w.0", "w.1", "w.2", "b")]
    assert names == expected
    assert [p.label for p in model.parameters()] == expected
    assert model.num_parameters() == 3 * 3 + 4
    assert model.layers[0].neurons[2].w[1].label == "layers.0.neurons.2.w.1"
    assert all(p.is_leaf and p.requires_grad for p in model.parameters())


def test_standalone_layer_and_neuron_names():
    assert [n for n, _ in Neuron(2, seed=0).named_parameters()] == ["w.0", "w.1", "b"]
    assert [n for n, _ in Layer(1, 2, seed=0).named_parameters()] == [
        "neurons.0.w.0", "neurons.0.b", "neurons.1.w.0", "neurons.1.b"]


def test_custom_module_discovery_rules():
    class Net(Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.blocks = [Neuron(1, None, seed=1), (Value(0.5), Value(0.25))]
            self.shared = self.scale           # the same Value again: listed once
            self._private = Value(9.0)         # underscore: not a parameter
            self.cached = self.scale * 2       # computed (not a leaf): not a parameter
            self.sizes = [1, 2, 3]             # plain numbers are ignored

        def forward(self, x):
            return self.scale * self.blocks[0](x)

    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "blocks.0.w.0", "blocks.0.b", "blocks.1.0", "blocks.1.1"]
    assert net._private.label == ""


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="must define forward"):
        Module()(1.0)


# ---------------------------------------------------------------- forward
def test_neuron_forward_is_activation_of_one_dot_plus_bias():
    n = Neuron(3, activation="tanh", seed=0)
    for p, v in zip(n.w, [0.5, -1.0, 2.0]):
        p.data = v
    n.b.data = 0.25
    out = n([1.0, 2.0, 0.5])
    z = 0.5 * 1 - 1.0 * 2 + 2.0 * 0.5 + 0.25          # −0.25
    assert out.data == math.tanh(z)
    assert out.op == "tanh" and out.inputs[0].op == "add" and out.inputs[0].inputs[0].op == "dot"
    out.backward()
    dtanh = 1 - math.tanh(z) ** 2
    assert [p.grad for p in n.w] == pytest.approx([dtanh * 1.0, dtanh * 2.0, dtanh * 0.5], rel=1e-15)
    assert n.b.grad == pytest.approx(dtanh, rel=1e-15)


@pytest.mark.parametrize(("name", "f"), [
    ("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh), ("sigmoid", sig),
    ("leaky_relu", lambda z: z if z > 0 else 0.01 * z), ("silu", lambda z: z * sig(z)),
    ("gelu", lambda z: 0.5 * z * math.erfc(-z / math.sqrt(2))), (None, lambda z: z),
    (lambda v: v * v, lambda z: z * z),
])
def test_activations_by_name(name, f):
    n = Neuron(2, activation=name, seed=3)
    n.w[0].data, n.w[1].data, n.b.data = 0.7, -0.4, 0.1
    for x in ([1.0, 2.0], [-2.0, 0.5]):
        z = 0.7 * x[0] - 0.4 * x[1] + 0.1
        assert n(x).data == pytest.approx(f(z), rel=1e-14, abs=1e-15)


def test_mlp_output_shapes_and_linear_last_layer():
    assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    outs = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(outs, list) and len(outs) == 3
    assert all(o.op == "add" for o in outs)                      # no activation on the output layer
    assert MLP(2, [4, 3], output_activation="sigmoid", seed=0)([1.0, 2.0])[0].op == "sigmoid"
    assert MLP(2, [1, 1], seed=0)([1.0, 2.0]).op == "add"        # a width-1 hidden layer feeds on


def test_mlp_gradients_match_finite_differences():
    model = MLP(2, [3, 2], activation="tanh", seed=4)
    x = [0.3, -0.8]

    def loss_value() -> Value:
        a, b = model(x)
        return a * a + b.sigmoid()

    loss = loss_value()
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        old = p.data
        p.data = old + 1e-6
        up = loss_value().data
        p.data = old - 1e-6
        dn = loss_value().data
        p.data = old
        assert abs(p.grad - (up - dn) / 2e-6) <= 1e-7 + 1e-5 * abs(p.grad), p.label
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_forward_input_errors():
    with pytest.raises(ValueError, match="Neuron takes 2 inputs, got 3"):
        Neuron(2, seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer takes 2 inputs, got 1"):
        MLP(2, [2, 1], seed=0)([1.0])
    with pytest.raises(TypeError, match="Layer input"):
        MLP(2, [2, 1], seed=0)([1.0, "a"])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"nin": 0, "nouts": [1]}, ValueError, "MLP\\(nin\\)"),
    ({"nin": 2, "nouts": []}, ValueError, "MLP\\(nouts\\)"),
    ({"nin": 2, "nouts": 3}, ValueError, "MLP\\(nouts\\)"),
    ({"nin": 2, "nouts": [2, 0]}, ValueError, "nouts\\[1\\]"),
    ({"nin": 2, "nouts": [1], "activation": "softplus"}, ValueError, "unknown activation 'softplus'"),
    ({"nin": 2, "nouts": [1], "output_activation": 3}, TypeError, "activation must be"),
    ({"nin": 2, "nouts": [1], "init": "glorot"}, ValueError, "unknown init 'glorot'"),
    ({"nin": 2, "nouts": [1], "seed": 1.5}, TypeError, "seed"),
])
def test_constructor_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)


# ---------------------------------------------------------------- init and seeds
@pytest.mark.parametrize(("init", "bound"), [
    ("uniform", 1.0), ("xavier", math.sqrt(6 / (200 + 50))), ("he", math.sqrt(6 / 200)),
])
def test_init_schemes_bounds_and_variance(init, bound):
    layer = Layer(200, 50, init=init, seed=7)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert all(-bound <= w <= bound for w in ws)
    assert max(abs(w) for w in ws) > 0.95 * bound               # it fills the range
    var = math.fsum(w * w for w in ws) / len(ws)
    assert var == pytest.approx(bound * bound / 3, rel=0.05)     # U(−a, a) has variance a²/3
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_same_seed_same_model_and_no_global_randomness():
    state = random.getstate()
    a, b, c = MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=5), MLP(2, [4, 1], seed=6)
    assert random.getstate() == state
    assert a.state_dict() == b.state_dict() != c.state_dict()
    rng1, rng2 = random.Random(11), random.Random(11)
    first1, second1 = MLP(2, [3], seed=rng1), MLP(2, [3], seed=rng1)
    first2, second2 = MLP(2, [3], seed=rng2), MLP(2, [3], seed=rng2)
    assert first1.state_dict() == first2.state_dict() and second1.state_dict() == second2.state_dict()
    assert first1.state_dict() != second1.state_dict()           # one generator advances


# ---------------------------------------------------------------- state dict, save and load
def _perturbed(model: Module) -> dict[str, float]:
    return {k: v + 0.5 for k, v in model.state_dict().items()}


def test_state_dict_round_trip_and_copy():
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    state["layers.0.neurons.0.w.0"] = 123.0                      # a copy: the model does not change
    assert model.layers[0].neurons[0].w[0].data != 123.0
    other = MLP(2, [3, 1], seed=1)
    other.load_state_dict(model.state_dict())
    assert other.state_dict() == model.state_dict()
    assert other([0.5, -1.0]).data == model([0.5, -1.0]).data


def test_save_and_load_round_trip(tmp_path):
    model = MLP(2, [3, 2], activation="tanh", seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    saved = json.loads(path.read_text())
    assert saved["format"] == "tinygrad_edu.module" and saved["version"] == 1 and saved["module"] == "MLP"
    assert saved["parameters"] == model.state_dict()             # floats round-trip exactly in JSON
    fresh = MLP(2, [3, 2], activation="tanh", seed=99)
    assert fresh.load(str(path)) is fresh
    assert fresh.state_dict() == model.state_dict()
    assert os.listdir(tmp_path) == ["model.json"]                # no temporary file left behind
    assert (os.stat(path).st_mode & 0o777) == 0o644


def test_save_replaces_atomically_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    model = MLP(2, [2, 1], seed=0)
    model.save(path)
    before = path.read_bytes()
    model.load_state_dict(_perturbed(model))

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]                # the temporary file was removed
    monkeypatch.undo()
    model.save(path)
    assert json.loads(path.read_text())["parameters"] == model.state_dict()


def test_save_refuses_non_finite_parameters_before_writing(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    model.layers[1].neurons[0].b.data = math.nan
    with pytest.raises(StateDictError, match=r"layers\.1\.neurons\.0\.b"):
        model.save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == []


def _write(tmp_path, payload, raw=None):
    path = tmp_path / "bad.json"
    path.write_text(raw if raw is not None else json.dumps(payload))
    return path


def _good_payload(model):
    return {"format": "tinygrad_edu.module", "version": 1, "module": "MLP", "parameters": model.state_dict()}


@pytest.mark.parametrize(("case", "match"), [
    ("truncated", "corrupt JSON"),
    ("not_object", "not a tinygrad_edu model file"),
    ("wrong_format", "not a tinygrad_edu model file"),
    ("wrong_version", "version 2 is not supported"),
    ("no_parameters", "no 'parameters'"),
    ("missing", "missing parameter 'layers.1.neurons.0.b'"),
    ("extra", "unexpected parameter 'layers.1.neurons.0.w.9'"),
    ("renamed", "missing parameter 'layers.0.neurons.0.w.0'.*unexpected parameter 'layer.0'"),
    ("shape", "shape mismatch for parameter 'layers.0.neurons.0.w': the state has 3 entries, the model 2"),
    ("width", "shape mismatch for parameter 'layers.0.neurons': the state has 3 entries, the model 2"),
    ("depth", "shape mismatch for parameter 'layers': the state has 3 entries, the model 2"),
    ("nan", "parameter 'layers.0.neurons.1.w.1' is nan"),
    ("infinite", "parameter 'layers.0.neurons.1.b' is inf"),
    ("string", "parameter 'layers.0.neurons.0.b' must be a number, got str"),
    ("bool", "parameter 'layers.0.neurons.0.b' must be a number, got bool"),
    ("not_utf8", "not UTF-8"),
])
def test_load_rejects_bad_files_and_leaves_the_model_untouched(tmp_path, case, match):
    model = MLP(2, [2, 1], seed=0)
    payload = _good_payload(model)
    params = payload["parameters"]
    raw = None
    if case == "truncated":
        raw = json.dumps(payload)[:-20]
    elif case == "not_object":
        payload = [1, 2, 3]
    elif case == "wrong_format":
        payload["format"] = "pickle"
    elif case == "wrong_version":
        payload["version"] = 2
    elif case == "no_parameters":
        del payload["parameters"]
    elif case == "missing":
        del params["layers.1.neurons.0.b"]
    elif case == "extra":
        params["layers.1.neurons.0.w.9"] = 0.0
    elif case == "renamed":
        params["layer.0"] = params.pop("layers.0.neurons.0.w.0")
    elif case == "shape":
        payload["parameters"] = MLP(3, [2, 1], seed=0).state_dict()
    elif case == "width":
        payload["parameters"] = MLP(2, [3, 1], seed=0).state_dict()
    elif case == "depth":
        payload["parameters"] = MLP(2, [2, 2, 1], seed=0).state_dict()
    elif case == "nan":
        raw = json.dumps(payload).replace(repr(params["layers.0.neurons.1.w.1"]), "NaN")
    elif case == "infinite":
        raw = json.dumps(payload).replace('"layers.0.neurons.1.b": 0.0', '"layers.0.neurons.1.b": Infinity')
    elif case == "string":
        params["layers.0.neurons.0.b"] = "0.0"
    elif case == "bool":
        params["layers.0.neurons.0.b"] = True
    path = _write(tmp_path, payload, raw)
    if case == "not_utf8":
        path.write_bytes(b"\xff\xfe{")
    target = MLP(2, [2, 1], seed=1)
    before = target.state_dict()
    with pytest.raises(StateDictError, match=match):
        target.load(path)
    assert target.state_dict() == before


def test_load_state_dict_checks_everything_before_changing_anything():
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    state = _perturbed(model)
    state["layers.1.neurons.0.b"] = math.inf                    # the last parameter is bad
    with pytest.raises(StateDictError, match=r"layers\.1\.neurons\.0\.b"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(StateDictError, match="mapping"):
        model.load_state_dict([1.0, 2.0])


def test_missing_file_is_a_plain_file_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP(2, [1], seed=0).load(tmp_path / "nope.json")


def test_a_loaded_model_trains_like_the_original(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    model.save(tmp_path / "m.json")
    copy = MLP(2, [3, 1], seed=5).load(tmp_path / "m.json")
    for m in (model, copy):
        out = m([0.2, 0.4])
        m.zero_grad()
        out.backward()
    assert [p.grad for p in model.parameters()] == [p.grad for p in copy.parameters()]
    assert tg.grad(model([1.0, 1.0]), model.parameters()[0]).data == tg.grad(
        copy([1.0, 1.0]), copy.parameters()[0]).data


# ---------------------------------------------------------------- PyTorch-style modules
def test_linear_names_shapes_and_math():
    lin = Linear(3, 2, seed=0)
    assert [n for n, _ in lin.named_parameters()] == [
        "weight.0.0", "weight.0.1", "weight.0.2", "weight.1.0", "weight.1.1", "weight.1.2",
        "bias.0", "bias.1"]
    W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]
    for row, values in zip(lin.weight, W):
        for p, v in zip(row, values):
            p.data = v
    lin.bias[0].data, lin.bias[1].data = 0.1, -0.2
    x = [1.0, 2.0, -3.0]
    out = lin(x)
    assert isinstance(out, list) and len(out) == 2
    assert [o.data for o in out] == [0.5 - 2.0 - 6.0 + 0.1, 1.5 + 0.5 + 1.5 - 0.2]
    (out[0] * 2 + out[1] * 3).backward()                          # dL/dW_ij = c_i x_j, dL/db_i = c_i
    assert [[p.grad for p in row] for row in lin.weight] == [[2.0, 4.0, -6.0], [3.0, 6.0, -9.0]]
    assert [b.grad for b in lin.bias] == [2.0, 3.0]
    assert out[0].op == "add" and out[0].inputs[0].op == "dot"    # one dot per row, then the bias
    assert len(Linear(1, 1, seed=0)(2.0)) == 1                   # a lone number is a 1-vector; output a list


def test_linear_without_bias_and_repr_and_errors():
    lin = Linear(2, 3, bias=False, seed=0)
    assert lin.bias is None and lin.num_parameters() == 6
    assert all(o.op == "dot" for o in lin([1.0, 1.0]))
    assert repr(lin) == "Linear(in_features=2, out_features=3, bias=False)"
    assert repr(Linear(2, 1, init="he", seed=0)) == (
        "Linear(in_features=2, out_features=1, bias=True, init='he')")
    with pytest.raises(ValueError, match="Linear takes 2 inputs, got 3"):
        lin([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"Linear\(in_features\)"):
        Linear(0, 1)
    with pytest.raises(TypeError, match=r"Linear\(bias\)"):
        Linear(1, 1, bias=1)
    with pytest.raises(ValueError, match="unknown init"):
        Linear(1, 1, init="glorot")


def test_linear_init_bounds_follow_the_scheme():
    for init, bound in (("uniform", 1.0), ("xavier", math.sqrt(6 / 150)), ("he", math.sqrt(6 / 100))):
        ws = [p.data for row in Linear(100, 50, init=init, seed=3).weight for p in row]
        assert all(-bound <= w <= bound for w in ws) and max(map(abs, ws)) > 0.95 * bound


def test_linear_matches_a_layer_of_linear_neurons_with_the_same_seed():
    lin, layer = Linear(3, 4, seed=9), Layer(3, 4, activation=None, seed=9)
    assert [p.data for row in lin.weight for p in row] == [w.data for n in layer.neurons for w in n.w]
    x = [0.3, -1.2, 2.0]
    assert [o.data for o in lin(x)] == [o.data for o in layer(x)]


ACTIVATION_CASES = [
    (ReLU(), lambda z: max(z, 0.0)), (Tanh(), math.tanh), (Sigmoid(), sig), (SiLU(), lambda z: z * sig(z)),
    (LeakyReLU(0.2), lambda z: z if z > 0 else 0.2 * z), (LeakyReLU(), lambda z: z if z > 0 else 0.01 * z),
    (GELU(), lambda z: 0.5 * z * math.erfc(-z / math.sqrt(2))),
    (GELU("tanh"), lambda z: 0.5 * z * (1 + math.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3)))),
]


@pytest.mark.parametrize(("module", "f"), ACTIVATION_CASES, ids=[repr(m) for m, _ in ACTIVATION_CASES])
def test_activation_modules_apply_elementwise(module, f):
    zs = [-2.0, -0.5, 0.3, 1.7]
    values = [Value(z) for z in zs]
    outs = module(values)
    assert isinstance(outs, list) and [o.data for o in outs] == pytest.approx([f(z) for z in zs], rel=1e-14)
    assert module(Value(0.3)).data == pytest.approx(f(0.3), rel=1e-14)   # a single Value
    assert module(0.3).data == pytest.approx(f(0.3), rel=1e-14)          # a number
    assert module(tuple(values))[1].data == outs[1].data
    assert module.parameters() == []
    tg.sum(outs).backward()
    h = 1e-6
    for v, z in zip(values, zs):
        assert v.grad == pytest.approx((f(z + h) - f(z - h)) / (2 * h), rel=1e-6, abs=1e-9)


def test_activation_module_reprs_and_errors():
    assert repr(ReLU()) == "ReLU()" and repr(LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(GELU("tanh")) == "GELU(approximate='tanh')"
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(math.nan)
    with pytest.raises(ValueError, match="approximate"):
        GELU("fast")
    with pytest.raises(TypeError, match="ReLU input"):
        ReLU()("x")


def test_sequential_names_follow_pytorch_and_forward_chains():
    net = Sequential(Linear(2, 3, seed=0), ReLU(), Linear(3, 1, seed=1))
    names = [n for n, _ in net.named_parameters()]
    assert names[:2] == ["0.weight.0.0", "0.weight.0.1"] and names[-1] == "2.bias.0"
    assert len(names) == 2 * 3 + 3 + 3 + 1
    assert net.parameters()[0].label == "0.weight.0.0"
    x = [0.7, -0.4]
    hidden = [max(o.data, 0.0) for o in net[0](x)]
    assert net(x)[0].data == net[2](hidden)[0].data
    assert len(net) == 3 and list(net)[1] is net[1] and isinstance(net[-1], Linear)
    head = net[:2]
    assert isinstance(head, Sequential) and head[0] is net[0] and len(head) == 2
    assert [o.data for o in head(x)] == hidden
    assert repr(net) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                         "  (1): ReLU()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)")
    assert Sequential()([1.0, 2.0]) == [1.0, 2.0]                # empty: the identity, as in PyTorch


def test_sequential_equals_mlp_with_the_same_weights():
    mlp = MLP(2, [4, 4, 1], activation="tanh", seed=3)
    seq = Sequential(Linear(2, 4), Tanh(), Linear(4, 4), Tanh(), Linear(4, 1))
    for layer, lin in zip(mlp.layers, [seq[0], seq[2], seq[4]]):
        for neuron, row, b in zip(layer.neurons, lin.weight, lin.bias):
            for w, p in zip(neuron.w, row):
                p.data = w.data
            b.data = neuron.b.data
    x = [0.25, -1.5]
    assert seq(x)[0].data == mlp(x).data
    seq(x)[0].backward()
    mlp(x).backward()
    assert seq[0].weight[2][1].grad == mlp.layers[0].neurons[2].w[1].grad


def test_sequential_refuses_non_modules():
    with pytest.raises(TypeError, match=r"argument 1 must be a Module.*call it: nn.ReLU\(\)"):
        Sequential(Linear(1, 1), ReLU)
    with pytest.raises(TypeError, match="argument 0"):
        Sequential(lambda x: x)


def test_nested_sequential_names():
    net = Sequential(Sequential(Linear(1, 1, seed=0)), Linear(1, 1, seed=1))
    assert [n for n, _ in net.named_parameters()] == [
        "0.0.weight.0.0", "0.0.bias.0", "1.weight.0.0", "1.bias.0"]


# ---------------------------------------------------------------- seed=None: the global random module
def test_seed_none_draws_from_global_random_and_int_seeds_stay_isolated():
    random.seed(42)
    a = MLP(2, [3, 1])
    random.seed(42)
    b = MLP(2, [3, 1])
    assert a.state_dict() == b.state_dict()
    random.seed(42)
    expected = [random.uniform(-1, 1) for _ in range(2)]          # the first neuron's two weights
    assert [w.data for w in a.layers[0].neurons[0].w] == expected
    random.seed(42)
    lin = Linear(2, 1)
    assert [p.data for p in lin.weight[0]] == expected
    state = random.getstate()
    MLP(2, [3, 1], seed=5), Linear(2, 2, seed=5), Neuron(2, seed=5)
    assert random.getstate() == state                             # an int seed reads nothing global


def test_random_seed_reproduces_micrograds_initial_weights():
    micrograd_nn = pytest.importorskip("micrograd.nn", reason="the bench extra installs micrograd 0.1.0")
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert random.random() == (random.seed(1337), micrograd_nn.MLP(2, [16, 16, 1]), random.random())[2]


def test_micrograds_demo_loop_gives_micrograds_numbers():
    # micrograd's demo.ipynb training loop (max-margin loss + L2, SGD with a decaying rate) on fixed data,
    # run by both engines from random.seed(1337): the losses agree to rounding at every step
    micrograd_nn = pytest.importorskip("micrograd.nn", reason="the bench extra installs micrograd 0.1.0")
    X, y01 = tg.data.make_moons(30, noise=0.1, seed=0)
    y = [2 * t - 1 for t in y01]

    def run(make_mlp):
        random.seed(1337)
        model = make_mlp(2, [16, 16, 1])
        losses = []
        for k in range(5):
            scores = [model(x) for x in X]
            data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
            reg_loss = 1e-4 * sum(p * p for p in model.parameters())
            loss = data_loss + reg_loss
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= (1.0 - 0.9 * k / 100) * p.grad
            losses.append(loss.data)
        return losses

    collecting = gc.isenabled()
    gc.disable()  # micrograd's graphs are cycles: collecting them is most of its time, and changes no number
    try:
        ours, theirs = run(MLP), run(micrograd_nn.MLP)
    finally:
        if collecting:
            gc.enable()
    assert ours == pytest.approx(theirs, rel=1e-9)
    assert ours[-1] < ours[0]


# ---------------------------------------------------------------- pickle and deepcopy
def _trained(model):
    out = model([0.4, -0.9])
    out = out if isinstance(out, Value) else tg.sum(out)
    out.backward()
    return model


@pytest.mark.parametrize("make", [
    lambda: MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=0),
    lambda: Sequential(Linear(2, 3, seed=0), LeakyReLU(0.2), Linear(3, 2, bias=False, seed=1), GELU("tanh")),
    lambda: Layer(2, 2, activation="silu", seed=0),
], ids=["mlp", "sequential", "layer"])
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_modules_pickle_and_deepcopy_with_data_grads_labels_and_flags(make, how):
    import copy
    import pickle

    model = _trained(make())
    model.parameters()[1].requires_grad = False
    clone = pickle.loads(pickle.dumps(model)) if how == "pickle" else copy.deepcopy(model)
    assert type(clone) is type(model) and repr(clone) == repr(model)
    pairs = list(zip(model.parameters(), clone.parameters()))
    assert len(pairs) == model.num_parameters() and all(a is not b for a, b in pairs)
    assert [(b.data, b.grad, b.label, b.requires_grad) for _, b in pairs] == [
        (a.data, a.grad, a.label, a.requires_grad) for a, _ in pairs]
    assert any(b.grad != 0.0 for _, b in pairs) and not clone.parameters()[1].requires_grad
    x = [0.25, 0.5]
    before = [v.item() for v in (model(x) if isinstance(model(x), list) else [model(x)])]
    clone.parameters()[0].data += 1.0                             # independent weights
    assert [v.item() for v in (model(x) if isinstance(model(x), list) else [model(x)])] == before


def test_a_copied_model_keeps_shared_weights_shared():
    import copy

    class Tied(Module):
        def __init__(self):
            self.a = Linear(1, 1, seed=0)
            self.b = self.a                                       # the same module twice

        def forward(self, x):
            return self.b(self.a(x))

    clone = copy.deepcopy(Tied())
    assert clone.a is clone.b and clone.num_parameters() == 2
