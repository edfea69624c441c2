"""Model files: the architecture saved beside the weights, load_model, hostile files, links, paths."""

from __future__ import annotations

import json
import math
import os
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import model_file as nn_model_file
from tinygrad_edu import nn
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
    load_model,
)


def _same_model(a: Module, b: Module, x: list[float]) -> None:
    assert type(a) is type(b) and repr(a) == repr(b)
    assert a.state_dict() == b.state_dict()
    out_a, out_b = a(x), b(x)
    if isinstance(out_a, list):
        assert [getattr(o, "data", o) for o in out_a] == [getattr(o, "data", o) for o in out_b]
    else:
        assert out_a.data == out_b.data


@pytest.mark.parametrize("model", [
    MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", init="xavier", seed=0),
    MLP(3, [1], seed=1),
    Layer(2, 3, activation="gelu", init="he", seed=2),
    Neuron(2, activation=None, seed=3, fan_out=4),
    Linear(2, 3, seed=4),
    Linear(2, 2, bias=False, seed=5),
    Sequential(Linear(2, 4, seed=6), LeakyReLU(0.2), Linear(4, 4, seed=7), GELU("tanh"), Linear(4, 1, seed=8),
               Sigmoid()),
    Sequential(Sequential(Linear(2, 2, seed=9), SiLU()), Tanh(), Sequential(), Linear(2, 1, seed=10), ReLU()),
], ids=repr)
def test_load_model_rebuilds_every_built_in_model(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    saved = json.loads(path.read_text())
    assert saved["architecture"]["type"] == type(model).__name__ and saved["module"] == type(model).__name__
    state = random.getstate()
    rebuilt = load_model(path)
    assert random.getstate() == state                              # rebuilding draws nothing global
    _same_model(model, rebuilt, [0.3, -1.1, 0.7][: _nin(model)])


def _nin(model: Module) -> int:
    while isinstance(model, Sequential):
        model = model[0]
    return model.in_features if isinstance(model, Linear) else model.nin  # type: ignore[attr-defined]


def test_architecture_is_null_for_custom_modules_and_functions(tmp_path):
    class Scale(Module):
        def __init__(self):
            self.s = nn.Linear(1, 1, seed=0)

        def forward(self, x):
            return self.s(x)

    class Wider(MLP):
        pass

    for model in (Scale(), MLP(2, [2], activation=lambda v: v * v, seed=0), Wider(2, [1], seed=0),
                  Sequential(Linear(1, 1, seed=0), Scale())):
        path = tmp_path / "custom.json"
        model.save(path)
        assert json.loads(path.read_text())["architecture"] is None
        match = r"custom\.json: the file stores no architecture.*model\.load"
        with pytest.raises(StateDictError, match=match):
            load_model(path)
        copy = model.load(path)                                   # the weights still load into a built model
        assert copy is model


def test_a_model_changed_after_construction_saves_its_weights_only(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    model.layers.append(Layer(1, 1, seed=1))                      # the architecture no longer describes it
    model.save(tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())["architecture"] is None
    assert MLP(2, [2, 1], seed=3).state_dict().keys() < model.state_dict().keys()


def test_load_called_on_the_class_points_to_load_model(tmp_path):
    # the habit the issue names: nn.MLP.load(path) - a file holds the architecture, load_model builds it
    MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    with pytest.raises(TypeError, match=r"model\.load\(path\).*nn\.load_model\(path\)"):
        MLP.load(tmp_path / "m.json")
    assert isinstance(nn.load_model(tmp_path / "m.json"), MLP)


def test_old_files_without_architecture_still_load(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "tinygrad_edu.module", "version": 1, "module": "MLP",
                                "parameters": model.state_dict()}))
    assert MLP(2, [2, 1], seed=1).load(path).state_dict() == model.state_dict()
    with pytest.raises(StateDictError, match="no architecture"):
        load_model(path)


def _payload(arch, params):
    return {"format": "tinygrad_edu.module", "version": 1, "module": "X", "architecture": arch,
            "parameters": params}


GOOD = Linear(2, 1, seed=0)
GOOD_ARCH = GOOD.architecture()


@pytest.mark.parametrize(("arch", "match"), [
    ([1, 2], "architecture must be an object describing a module, got list"),
    ({"type": "Conv2d"}, "architecture.type must be one of MLP, Layer"),
    ({**GOOD_ARCH, "in_features": 0}, "architecture.in_features must be a positive int, got int 0"),
    ({**GOOD_ARCH, "in_features": 2.0}, "in_features must be a positive int, got float"),
    ({**GOOD_ARCH, "in_features": True}, "in_features must be a positive int, got bool"),
    ({**GOOD_ARCH, "bias": 1}, "bias must be true or false"),
    ({**GOOD_ARCH, "init": "glorot"}, "init must be one of uniform, xavier, he"),
    ({**GOOD_ARCH, "dropout": 0.5}, "unknown field 'dropout' for a Linear"),
    ({"type": "Linear", "in_features": 2, "out_features": 1, "init": "uniform"}, "needs the field 'bias'"),
    ({**GOOD_ARCH, "out_features": 2}, "the architecture has 6 parameters but the file stores 3"),
    ({**GOOD_ARCH, "in_features": 10**30}, "has 1000000000000000000000000000001 parameters"),
    ({"type": "Sequential", "modules": [GOOD_ARCH, {"type": "LeakyReLU", "negative_slope": "x"}]},
     r"architecture.modules\[1\].negative_slope must be a finite number"),
    ({"type": "Sequential", "modules": [GOOD_ARCH, {"type": "GELU", "approximate": "fast"}]},
     "approximate must be 'none' or 'tanh'"),
    ({"type": "MLP", "nin": 2, "nouts": [], "activation": "relu", "output_activation": None, "init": "he"},
     "nouts must be a non-empty list of positive ints"),
    ({"type": "MLP", "nin": 2, "nouts": [1], "activation": "softplus", "output_activation": None,
      "init": "he"}, "activation must be one of gelu, leaky_relu, relu, sigmoid, silu, tanh or null"),
    ({"type": "Sequential", "modules": [{"type": "Linear", "in_features": 2, "out_features": 1, "bias": True,
                                         "init": "uniform"}]},
     "missing parameter '0.weight.0.0'"),
])
def test_load_model_checks_the_architecture_before_building(tmp_path, arch, match):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_payload(arch, GOOD.state_dict())))
    with pytest.raises(StateDictError, match=match) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: ")


def test_deeply_nested_architecture_is_refused_cleanly(tmp_path):
    arch: dict = GOOD_ARCH
    for _ in range(nn.MAX_NESTING + 5):
        arch = {"type": "Sequential", "modules": [arch]}
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(_payload(arch, GOOD.state_dict())))
    with pytest.raises(StateDictError, match=f"nested more than {nn.MAX_NESTING} deep"):
        load_model(path)


# ---------------------------------------------------------------- hostile files (issue 13 §5)
def _with_bias(raw_value: str) -> str:
    text = json.dumps(_payload(GOOD_ARCH, {"weight.0.0": 0.5, "weight.0.1": 0.25, "bias.0": 0.0}))
    return text.replace('"bias.0": 0.0', f'"bias.0": {raw_value}')


@pytest.mark.parametrize(("raw", "match"), [
    (_with_bias(str(10**400)), "parameter 'bias.0' is <an integer of 401 digits>, far too large for a float"),
    (_with_bias("9" * 309), "parameter 'bias.0' is an integer of 309 digits, too large for a float"),
    (_with_bias("1" * 5001), "an integer of 5001 digits"),
    (_with_bias("-" + "1" * 5001), "an integer of 5001 digits"),
    (_with_bias("1e999"), "parameter 'bias.0' is inf"),
    ("[" * 100000, "JSON nested too deeply"),
    ('{"a": ' * 100000, "JSON nested too deeply|corrupt JSON"),
    (json.dumps(_payload(None, {})).replace('"version": 1', '"version": true'),
     r"version True \(a bool, not an int\) is not supported"),
    (json.dumps(_payload(None, {})).replace('"version": 1', '"version": 1.0'),
     r"version 1.0 \(a float, not an int\) is not supported"),
    (json.dumps(_payload(None, {})).replace('"version": 1', '"version": ' + "1" * 5000),
     "version <an integer of 5000 digits>"),
    (json.dumps(_payload(None, {})).replace(', "version": 1', ""), r"version \(none given\)"),
    (json.dumps(_payload(GOOD_ARCH, {"1" * 5000 + ".w": 1.0, "weight.0.1": 0.0, "bias.0": 0.0})),
     r"missing parameter 'weight.0.0'; unexpected parameter '1{60}…'"),
], ids=["int_10e400", "int_309_digits", "int_5001_digits", "negative_5001_digits", "float_1e999",
        "brackets_100000", "objects_100000", "version_true", "version_1.0", "version_5000_digits",
        "no_version", "name_5000_digits"])
def test_hostile_model_files_are_state_dict_errors_naming_the_file(tmp_path, raw, match):
    path = tmp_path / "hostile.json"
    path.write_text(raw)
    model = Linear(2, 1, seed=0)
    before = model.state_dict()
    for load in (model.load, load_model):
        with pytest.raises(StateDictError, match=match) as info:
            load(path)
        assert str(info.value).startswith(f"{path}: ")
    assert model.state_dict() == before


# ---------------------------------------------------------------- writing: links, permissions, paths
def test_save_over_a_symlink_replaces_the_link_not_its_target(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("precious")
    link = tmp_path / "model.json"
    link.symlink_to(target)
    model = MLP(2, [1], seed=0)
    model.save(link)
    assert not link.is_symlink() and link.is_file()
    assert target.read_text() == "precious"                        # never written through the link
    assert load_model(link).state_dict() == model.state_dict()
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    model.save(dangling)
    assert not dangling.is_symlink() and not (tmp_path / "nowhere").exists()
    assert sorted(os.listdir(tmp_path)) == ["dangling.json", "model.json", "shared.json"]


def test_save_keeps_the_mode_of_an_existing_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{}")
    os.chmod(path, 0o600)
    MLP(2, [1], seed=0).save(path)
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("case", ["missing_dir", "parent_is_file", "is_dir"])
def test_save_errors_name_the_users_path_never_a_temporary_file(tmp_path, case):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    path = {"missing_dir": tmp_path / "missing" / "m.json", "parent_is_file": tmp_path / "afile" / "m.json",
            "is_dir": tmp_path / "adir"}[case]
    with pytest.raises(OSError) as info:
        MLP(2, [1], seed=0).save(path)
    message = str(info.value)
    assert str(path) in message and ".tmp" not in message
    if case == "parent_is_file":
        assert "not a directory" in message
    if case == "missing_dir":
        assert isinstance(info.value, FileNotFoundError) and "does not exist (it is not created)" in message
    assert sorted(os.listdir(tmp_path)) == ["adir", "afile"] and os.listdir(tmp_path / "adir") == []


# ---------------------------------------------------------------- property: random architectures round-trip
ACTS = st.sampled_from([None, "relu", "tanh", "sigmoid", "leaky_relu", "silu", "gelu"])
INIT = st.sampled_from(["uniform", "xavier", "he"])
ACT_MODULES = st.one_of(st.just(ReLU()), st.just(Tanh()), st.just(Sigmoid()), st.just(SiLU()),
                        st.builds(LeakyReLU, st.floats(-1, 1)),
                        st.builds(GELU, st.sampled_from(["none", "tanh"])))


@st.composite
def sequentials(draw, nin: int, depth: int = 0):
    parts: list[Module] = []
    width = nin
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 2 if depth < 2 else 1))
        if choice == 0:
            out = draw(st.integers(1, 3))
            parts.append(Linear(width, out, bias=draw(st.booleans()), init=draw(INIT),
                                seed=draw(st.integers(0, 9))))
            width = out
        elif choice == 1:
            parts.append(draw(ACT_MODULES))
        else:
            inner = draw(sequentials(width, depth + 1))
            parts.append(inner)
            width = _out_width(inner, width)
    return Sequential(*parts)


def _out_width(seq: Sequential, width: int) -> int:
    for m in seq:
        if isinstance(m, Linear):
            width = m.out_features
        elif isinstance(m, Sequential):
            width = _out_width(m, width)
    return width


MODELS = st.one_of(
    st.builds(lambda nin, nouts, a, oa, init, seed: MLP(nin, nouts, a, oa, init=init, seed=seed),
              st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3), ACTS, ACTS, INIT,
              st.integers(0, 9)),
    st.integers(1, 3).flatmap(lambda n: sequentials(n)),
)


@given(model=MODELS, x=st.lists(st.floats(-3, 3), min_size=3, max_size=3))
def test_save_then_load_model_round_trips_random_architectures(tmp_path_factory, model, x):
    path = tmp_path_factory.mktemp("rt") / "m.json"
    model.load_state_dict({k: v + 0.125 for k, v in model.state_dict().items()})   # not the built-in init
    model.save(path)
    rebuilt = load_model(path)
    nin = _first_width(model)
    _same_model(model, rebuilt, x[:nin] if nin else x)
    assert all(math.isfinite(v) for v in rebuilt.state_dict().values())


def _first_width(model: Module) -> int:
    if isinstance(model, MLP):
        return model.nin
    assert isinstance(model, Sequential)
    for m in model:
        if isinstance(m, Linear):
            return m.in_features
        if isinstance(m, Sequential):
            width = _first_width(m)
            if width:
                return width
    return 0


# ---------------------------------------------------------------- the hostile round
def _file(tmp_path, payload_text: str) -> str:
    path = tmp_path / "m.json"
    path.write_text(payload_text, encoding="utf-8")
    return str(path)


def test_a_parameter_given_twice_in_the_file_is_refused_and_changes_nothing(tmp_path):
    model = Linear(1, 1, seed=0)
    before = model.state_dict()
    text = ('{"format": "tinygrad_edu.module", "version": 1, "module": "Linear", "architecture": null, '
            '"parameters": {"weight.0.0": 0.5, "bias.0": 0.25, "weight.0.0": 9.0}}')
    path = _file(tmp_path, text)
    twice = r"m\.json: .*the key 'weight\.0\.0' is given twice in one object"
    with pytest.raises(StateDictError, match=twice):
        model.load(path)
    assert model.state_dict() == before
    with pytest.raises(StateDictError, match="given twice"):
        load_model(path)
    once = text.replace(', "weight.0.0": 9.0', "")  # the same file without the repeat loads
    assert model.load(_file(tmp_path, once)).state_dict() == {"weight.0.0": 0.5, "bias.0": 0.25}


def test_the_files_module_field_is_escaped_in_the_error(tmp_path):
    evil = "Net\x1b[2J\x1b]0;owned\x07\nline"
    payload = {"format": "tinygrad_edu.module", "version": 1, "module": evil, "architecture": None,
               "parameters": {}}
    path = _file(tmp_path, json.dumps(payload))
    with pytest.raises(StateDictError) as e:
        load_model(path)
    msg = str(e.value)
    assert "\x1b" not in msg and "\x07" not in msg and "\n" not in msg
    assert "saved from a 'Net\\x1b[2J\\x1b]0;owned\\x07\\nline'" in msg
    payload["module"] = "MyNet"  # a plain name reads as it is
    with pytest.raises(StateDictError, match="saved from a MyNet that is not a built-in model"):
        load_model(_file(tmp_path, json.dumps(payload)))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs a /dev/zero device")
def test_a_model_path_linked_to_an_endless_device_is_refused_after_a_bounded_read(tmp_path):
    link = tmp_path / "model.json"
    link.symlink_to("/dev/zero")
    model = Linear(2, 1, seed=0)
    before = model.state_dict()
    limit = f"larger than {nn_model_file.MAX_FILE_BYTES // 2**20} MiB"
    with pytest.raises(StateDictError, match=limit):
        model.load(link)
    with pytest.raises(StateDictError, match=limit):
        load_model(link)
    assert model.state_dict() == before


def test_a_model_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    model = Linear(2, 1, seed=0)
    path = tmp_path / "big.json"
    model.save(path)
    size = path.stat().st_size
    monkeypatch.setattr(nn_model_file, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(StateDictError, match="the largest model file this library reads"):
        model.load(path)
    monkeypatch.setattr(nn_model_file, "MAX_FILE_BYTES", size)  # exactly at the limit: fine
    assert load_model(path).state_dict() == model.state_dict()


def test_save_and_load_with_an_empty_path_say_the_path_is_empty(tmp_path):
    model = Linear(1, 1, seed=0)
    with pytest.raises(ValueError, match="the path is empty"):
        model.save("")
    with pytest.raises(ValueError, match="path is empty"):
        model.load("")
    with pytest.raises(ValueError, match="path is empty"):
        load_model("")
