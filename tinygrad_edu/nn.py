"""Neural-network modules made of Values: Neuron, Layer, MLP, and saving them safely.

A neuron computes its *net input* z = w·x + b (one ``dot`` node plus the bias)
and then its *activation* a = f(z).  A layer is a list of neurons that read the
same input; an MLP is a chain of layers.  Every weight is a leaf Value, so after
``loss.backward()`` each one holds dL/dw in ``.grad``.

:class:`Module` finds parameters the way PyTorch does, from the attributes:
a Value attribute is a parameter, a Module attribute a sub-module, and lists or
tuples of them are numbered.  That gives dotted names such as
``layers.0.neurons.3.w.1`` (layer 0, neuron 3, weight 1), which
:meth:`Module.named_parameters` also writes into each Value's ``label`` so a
drawn graph says which weight is which.  Attributes starting with ``_`` are
private and skipped.

Initialisation (``init=``), for a neuron with n inputs in a layer of m neurons:

* ``"uniform"`` - w ~ U(−1, 1), micrograd's choice;
* ``"xavier"``  - w ~ U(−a, a), a = √(6 / (n + m)) (Glorot): keeps the variance of
  activations and gradients about constant for tanh / sigmoid layers;
* ``"he"``      - w ~ U(−a, a), a = √(6 / n) (Kaiming, gain √2): the same for relu.

Biases start at 0.  Randomness comes only from ``seed`` (an int, a
``random.Random``, or None for a fresh unpredictable one): the same seed gives
the same model.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union

from tinygrad_edu.data import Seed, as_rng
from tinygrad_edu.engine.value import Value, const, nary, to_float
from tinygrad_edu.errors import TinygradEduError
from tinygrad_edu.ops.definitions import DOT

Activation = Union[str, Callable[[Value], Value], None]
PathLike = Union[str, "os.PathLike[str]"]

FORMAT = "tinygrad_edu.module"
FORMAT_VERSION = 1

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "silu": Value.silu,
    "gelu": Value.gelu,
}
INITS = ("uniform", "xavier", "he")

__all__ = ["Module", "Neuron", "Layer", "MLP", "StateDictError", "ACTIVATIONS", "INITS", "FORMAT",
           "FORMAT_VERSION"]


class StateDictError(TinygradEduError, ValueError):
    """A state dict or a saved model file does not fit the model; the message names the parameter."""


def _activation(activation: Activation, who: str) -> Callable[[Value], Value] | None:
    if activation is None:
        return None
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            known = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(f"{who}: unknown activation {activation!r}; use one of {known}, None") from None
    if callable(activation):
        return activation
    raise TypeError(f"{who}: activation must be a name, a function of a Value or None: {activation!r:.40}")


def _positive_int(n: Any, who: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{who} must be a positive int, got {n!r:.40}")
    return n


def _init_bound(init: str, fan_in: int, fan_out: int, who: str) -> float:
    if init == "uniform":
        return 1.0
    if init == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(6.0 / fan_in)
    raise ValueError(f"{who}: unknown init {init!r}; use one of {', '.join(INITS)}")


def _as_inputs(x: Any, nin: int, who: str) -> list[Value]:
    """One input vector as Values (numbers become constants); a lone Value or number is a 1-vector."""
    items = [x] if isinstance(x, (Value, int, float)) else x
    try:
        xs = [v if type(v) is Value else const(to_float(v, f"{who} input")) for v in items]
    except TypeError as exc:
        if isinstance(items, Iterable):
            raise
        raise TypeError(f"{who} takes a sequence of {nin} numbers or Values, got {type(x).__name__}") from exc
    if len(xs) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(xs)}")
    return xs


class Module:
    """Base class: parameters are found from the attributes (see the module docstring).

    Subclasses define ``forward``; calling the module calls it.

    >>> class Affine(Module):
    ...     def __init__(self):
    ...         self.a = Value(2.0)
    ...         self.b = Value(1.0)
    ...     def forward(self, x):
    ...         return self.a * x + self.b
    >>> m = Affine()
    >>> m(3.0).data, [name for name, _ in m.named_parameters()]
    (7.0, ['a', 'b'])
    """

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward() to be called")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------ parameters
    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, in attribute order; sets each Value's label to its name.

        A Value reachable twice (a shared weight) is listed once, under its first name.
        """
        found: list[tuple[str, Value]] = []
        seen_values: set[int] = set()
        seen_modules: set[int] = set()
        # iterative walk (explicit stack) so deeply nested models need no recursion
        stack: list[tuple[str, Any]] = [("", self)]
        while stack:
            name, obj = stack.pop()
            if isinstance(obj, Value):
                if obj.is_leaf and id(obj) not in seen_values:
                    seen_values.add(id(obj))
                    found.append((name, obj))
                continue
            children: list[tuple[str, Any]]
            if isinstance(obj, Module):
                if id(obj) in seen_modules:
                    continue
                seen_modules.add(id(obj))
                prefix = f"{name}." if name else ""
                children = [(prefix + k, v) for k, v in vars(obj).items() if not k.startswith("_")]
            else:  # a list or tuple
                children = [(f"{name}.{i}", v) for i, v in enumerate(obj)]
            kept = [(n, v) for n, v in children if isinstance(v, (Value, Module, list, tuple))]
            stack.extend(reversed(kept))
        for name, value in found:
            value.label = name
        return found

    def parameters(self) -> list[Value]:
        """Every parameter Value, in the order of :meth:`named_parameters`."""
        return [v for _, v in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set ``.grad`` of every parameter to 0 (gradients add up across backward passes)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    # ------------------------------------------------------------ state
    def state_dict(self) -> dict[str, float]:
        """{dotted name: value} for every parameter (a copy: changing it changes nothing)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; all checks run before any parameter changes.

        Raises :class:`StateDictError` naming the parameter for a group of
        weights of a different size (shape mismatch), a missing or an extra
        name, or a value that is not a finite number.
        """
        named = self.named_parameters()
        values = _validate_state(state, [name for name, _ in named])
        for name, p in named:
            p.data = values[name]

    def save(self, path: PathLike) -> None:
        """Write the parameters to ``path`` as JSON, atomically.

        The file is written to a temporary file in the same directory and then
        renamed over ``path`` (``os.replace``), so ``path`` is either the old
        file or the complete new one, never half written.  Non-finite
        parameters are refused (JSON has no NaN) before anything is written.
        """
        state = self.state_dict()
        for name, x in state.items():
            if not math.isfinite(x):
                raise StateDictError(f"cannot save: parameter {name!r} is {x!r}; only finite values save")
        payload = {"format": FORMAT, "version": FORMAT_VERSION, "module": type(self).__name__,
                   "parameters": state}
        text = json.dumps(payload, indent=1, allow_nan=False) + "\n"
        target = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, os.stat(target).st_mode & 0o777 if os.path.exists(target) else 0o644)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load(self, path: PathLike) -> Module:
        """Read parameters saved by :meth:`save` into this model and return it.

        The whole file is checked first - valid JSON, this library's format and
        a version it knows, then every parameter as in :meth:`load_state_dict`;
        on any error the model is left exactly as it was.
        """
        target = os.fspath(path)
        try:
            with open(target, encoding="utf-8") as f:
                payload = json.load(f)
        except json.JSONDecodeError as exc:
            raise StateDictError(f"{target}: not a valid model file (corrupt JSON: {exc})") from None
        except UnicodeDecodeError:
            raise StateDictError(f"{target}: not a valid model file (not UTF-8 text)") from None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise StateDictError(
                f"{target}: not a tinygrad_edu model file (expected 'format': {FORMAT!r}); "
                "write one with module.save(path)"
            )
        version = payload.get("version")
        if version != FORMAT_VERSION:
            raise StateDictError(
                f"{target}: model file format version {version!r} is not supported; this version of "
                f"tinygrad_edu reads version {FORMAT_VERSION}"
            )
        params = payload.get("parameters")
        if not isinstance(params, dict):
            raise StateDictError(f"{target}: the model file has no 'parameters' object")
        try:
            self.load_state_dict(params)
        except StateDictError as exc:
            raise StateDictError(f"{target}: {exc}") from None
        return self


def _index_groups(names: Iterable[str]) -> dict[str, set[int]]:
    """For every numbered position in the names, the indices used there.

    ``layers.0.neurons.2.w.1`` contributes index 0 to ``layers``, 2 to
    ``layers.0.neurons`` and 1 to ``layers.0.neurons.2.w``.
    """
    groups: dict[str, set[int]] = {}
    for name in names:
        parts = name.split(".")
        for k, part in enumerate(parts):
            if k and part.isdigit():
                groups.setdefault(".".join(parts[:k]), set()).add(int(part))
    return groups


def _shape_mismatch(state_names: Iterable[str], model_names: Iterable[str]) -> str | None:
    """The outermost list whose length differs (both sides numbered 0..n-1), described; or None."""
    have, want = _index_groups(state_names), _index_groups(model_names)
    for group in sorted(set(have) & set(want), key=lambda g: (g.count("."), g)):
        a, b = have[group], want[group]
        if len(a) != len(b) and a == set(range(len(a))) and b == set(range(len(b))):
            return (f"shape mismatch for parameter {group!r}: the state has {len(a)} entries, the model "
                    f"{len(b)}; was it saved from a model of another architecture?")
    return None


def _validate_state(state: Any, names: Sequence[str]) -> dict[str, float]:
    """The checks of :meth:`Module.load_state_dict`; returns the values as floats."""
    if not isinstance(state, Mapping):
        raise StateDictError(
            f"a state dict must be a mapping of parameter names to numbers, got {type(state).__name__}"
        )
    for key in state:
        if not isinstance(key, str):
            raise StateDictError(f"state dict keys must be parameter names (str), got {key!r:.40}")
    want = set(names)
    have = set(state)
    if want != have:
        mismatch = _shape_mismatch(have, want)
        if mismatch:
            raise StateDictError(mismatch)
        missing = [n for n in names if n not in have]
        extra = sorted(have - want)
        parts = []
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            parts.append(f"missing parameter {missing[0]!r}{more}")
        if extra:
            more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
            parts.append(f"unexpected parameter {extra[0]!r}{more}")
        raise StateDictError("; ".join(parts) + ": the state does not fit this model's parameters")
    values: dict[str, float] = {}
    for name in names:
        x = state[name]
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise StateDictError(f"parameter {name!r} must be a number, got {type(x).__name__}: {x!r:.40}")
        fx = float(x)
        if not math.isfinite(fx):
            raise StateDictError(f"parameter {name!r} is {fx!r}; parameters must be finite numbers")
        values[name] = fx
    return values


class Neuron(Module):
    """a = f(w·x + b): ``nin`` weights ``w``, a bias ``b`` and an activation f.

    ``activation`` is one of relu, tanh, sigmoid, leaky_relu, silu, gelu, a
    function of a Value, or None (linear).  ``fan_out`` is the width of the
    layer the neuron sits in (used by Xavier init).

    >>> n = Neuron(2, activation="sigmoid", seed=0)
    >>> [name for name, _ in n.named_parameters()]
    ['w.0', 'w.1', 'b']
    >>> n.w[0].data, n.w[1].data = 2.0, 0.0
    >>> round(n([1.0, 5.0]).data, 4)        # σ(2·1 + 0·5 + 0)
    0.8808
    """

    def __init__(self, nin: int, activation: Activation = "relu", *, init: str = "uniform", seed: Seed = None,
                 fan_out: int = 1) -> None:
        self.nin = _positive_int(nin, "Neuron(nin)")
        self.activation = activation
        self._act = _activation(activation, "Neuron")
        bound = _init_bound(init, self.nin, _positive_int(fan_out, "Neuron(fan_out)"), "Neuron")
        self.init = init
        rng = as_rng(seed, "Neuron(seed)")
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(self.nin)]
        self.b = Value(0.0)
        self.named_parameters()  # label the weights

    def forward(self, x: Any) -> Value:
        """f(w·x + b) for one input vector ``x`` (numbers or Values)."""
        return self._forward(_as_inputs(x, self.nin, "Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        # tinygrad_edu.dot(self.w, xs) + b, minus dot()'s input conversion (xs are Values already)
        w = self.w
        ins = (*w, *xs)
        z = nary(DOT, DOT.forward(*[v.data for v in ins]), ins) + self.b
        return z if self._act is None else self._act(z)

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, init={self.init!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs.

    Returns the list of their activations, or the single Value when ``nout == 1``
    (as in micrograd).
    """

    def __init__(self, nin: int, nout: int, activation: Activation = "relu", *, init: str = "uniform",
                 seed: Seed = None) -> None:
        self.nin = _positive_int(nin, "Layer(nin)")
        self.nout = _positive_int(nout, "Layer(nout)")
        _activation(activation, "Layer")
        _init_bound(init, self.nin, self.nout, "Layer")
        rng = as_rng(seed, "Layer(seed)")
        self.neurons = [Neuron(self.nin, activation, init=init, seed=rng, fan_out=self.nout)
                        for _ in range(self.nout)]
        self.named_parameters()

    def forward(self, x: Any) -> Value | list[Value]:
        """Each neuron applied to ``x``."""
        xs = _as_inputs(x, self.nin, "Layer")
        out = [n._forward(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        n0 = self.neurons[0]
        return f"Layer(nin={self.nin}, nout={self.nout}, activation={n0.activation!r}, init={n0.init!r})"


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one layer per entry of ``nouts``.

    Hidden layers use ``activation``; the last layer uses ``output_activation``
    (None: linear scores, as in micrograd).  The output is one Value when the
    last layer has one neuron, else a list.

    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP(nin=2, nouts=[4, 1], activation='relu', output_activation=None, init='uniform')
    >>> model.num_parameters(), model.parameters()[4].label
    (17, 'layers.0.neurons.1.w.1')
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: Activation = "relu",
                 output_activation: Activation = None, *, init: str = "uniform", seed: Seed = None) -> None:
        self.nin = _positive_int(nin, "MLP(nin)")
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP(nouts) must be a non-empty list of widths like [16, 16, 1], got {nouts!r}")
        self.nouts = [_positive_int(n, f"MLP(nouts[{i}])") for i, n in enumerate(nouts)]
        self.activation = activation
        self.output_activation = output_activation
        self.init = init
        _activation(activation, "MLP")
        _activation(output_activation, "MLP(output_activation)")
        _init_bound(init, 1, 1, "MLP")
        rng = as_rng(seed, "MLP(seed)")
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation,
                             init=init, seed=rng) for i in range(len(self.nouts))]
        self.named_parameters()

    def forward(self, x: Any) -> Value | list[Value]:
        """The layers applied in turn to one input vector ``x``."""
        out: Any = x
        for layer in self.layers:
            out = layer(out)
        return out  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return (f"MLP(nin={self.nin}, nouts={self.nouts}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r}, init={self.init!r})")
