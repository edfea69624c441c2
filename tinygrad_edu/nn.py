"""Neural-network modules made of Values: Neuron, Layer, MLP, Linear, Sequential, activations.

A neuron computes its *net input* z = w·x + b (one ``dot`` node plus the bias)
and then its *activation* a = f(z).  A layer is a list of neurons that read the
same input; an MLP is a chain of layers.  Every weight is a leaf Value, so after
``loss.backward()`` each one holds dL/dw in ``.grad``.

Two families of building blocks compute the same thing:

* micrograd's ``Neuron`` / ``Layer`` / ``MLP``, the activation given by name;
* PyTorch's ``Linear`` / ``Sequential`` and activation modules (``ReLU()``,
  ``Tanh()``, ...), so the notes' ``nn.Sequential(nn.Linear(2, 16), nn.ReLU(),
  nn.Linear(16, 1))`` reads the same here.  A ``Linear`` returns a list of
  ``out_features`` Values (a list even for one output, as PyTorch returns a
  tensor of shape (1,)); each output is one ``dot`` node plus the bias, as
  in a Neuron.

:class:`Module` finds parameters the way PyTorch does, from the attributes:
a Value attribute is a parameter, a Module attribute a sub-module, and lists or
tuples of them are numbered.  That gives dotted names such as
``layers.0.neurons.3.w.1`` (layer 0, neuron 3, weight 1) or PyTorch's
``0.weight.3.1`` (module 0 of a Sequential, row 3, column 1), which
:meth:`Module.named_parameters` also writes into each Value's ``label`` so a
drawn graph says which weight is which.  Attributes starting with ``_`` are
private and skipped.

Initialisation (``init=``), for a neuron with n inputs in a layer of m neurons:

* ``"uniform"`` - w ~ U(−1, 1), micrograd's choice;
* ``"xavier"``  - w ~ U(−a, a), a = √(6 / (n + m)) (Glorot): keeps the variance of
  activations and gradients about constant for tanh / sigmoid layers;
* ``"he"``      - w ~ U(−a, a), a = √(6 / n) (Kaiming, gain √2): the same for relu.

Biases start at 0.  Weights are drawn neuron by neuron (row by row), one
``uniform(-a, a)`` each.  ``seed`` picks the random numbers:

* ``None`` (the default) draws from Python's global :mod:`random` module, as
  micrograd does, so ``random.seed(1337)`` before ``MLP(2, [16, 16, 1])`` gives
  micrograd's demo the very same initial weights;
* an int seeds a private generator: the same int gives the same model and the
  global state is neither read nor changed;
* a ``random.Random`` is used (and advanced) as it is.

Saving: :meth:`Module.save` writes JSON with the architecture of a built-in
model beside its weights, and :func:`load_model` rebuilds it; see
:mod:`tinygrad_edu.model_file` for the format.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Union, overload

from tinygrad_edu.data import Seed, as_rng
from tinygrad_edu.engine.value import Value, const, nary, to_float
from tinygrad_edu.files import write_atomic
from tinygrad_edu.model_file import (
    FORMAT,
    FORMAT_VERSION,
    StateDictError,
    describe,
    encode,
    read_model_file,
    shown_text,
    validate_state,
)
from tinygrad_edu.ops.definitions import DOT

Activation = Union[str, Callable[[Value], Value], None]
PathLike = Union[str, "os.PathLike[str]"]

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "silu": Value.silu,
    "gelu": Value.gelu,
}
INITS = ("uniform", "xavier", "he")

__all__ = ["Module", "Neuron", "Layer", "MLP", "Linear", "Sequential", "ReLU", "Tanh", "Sigmoid", "LeakyReLU",
           "SiLU", "GELU", "load_model", "StateDictError", "ACTIVATIONS", "INITS", "FORMAT", "FORMAT_VERSION"]

# How deep nested Sequentials may go in a saved architecture (the reader recurses).
MAX_NESTING = 100


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

    Subclasses define ``forward``; calling the module calls it.  Modules (and
    the optimizers holding their parameters) pickle and ``copy.deepcopy``;
    copied together, an optimizer keeps pointing at the copied parameters.

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
    def _named_children(self) -> list[tuple[str, Any]]:
        """(name, attribute) pairs the parameter walk looks into: the public attributes."""
        return [(k, v) for k, v in vars(self).items() if not k.startswith("_")]

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
                children = [(prefix + k, v) for k, v in obj._named_children()]
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
        values = validate_state(state, [name for name, _ in named])
        for name, p in named:
            p.data = values[name]

    def architecture(self) -> dict[str, Any] | None:
        """A JSON description from which :func:`load_model` rebuilds this model, or None.

        Built-in modules (MLP, Layer, Neuron with named activations; Linear,
        Sequential of built-in modules, activation modules) describe
        themselves; a custom Module (or a subclass) returns None.

        >>> MLP(2, [1], seed=0).architecture()["nouts"], Linear(3, 2).architecture()
        ([1], {'type': 'Linear', 'in_features': 3, 'out_features': 2, 'bias': True, 'init': 'uniform'})
        """
        return None

    def save(self, path: PathLike) -> None:
        """Write the parameters (and the architecture of a built-in model) to ``path`` as JSON.

        The write is atomic: the bytes go to a temporary file in the same
        directory, which is then renamed over ``path``, so ``path`` is either
        the old file or the complete new one, never half written.  When
        ``path`` is a symbolic link, the link itself is replaced by a regular
        file and the file it pointed to is left unchanged (a save never writes
        through a link).  An existing file keeps its permissions; a new one
        gets the umask's.  Non-finite parameters are refused (JSON has no
        NaN) before anything is written.  Errors name ``path``; an empty path is
        a ``ValueError`` saying so.
        """
        data = encode(type(self).__name__, _saved_architecture(self), self.state_dict())
        write_atomic(path, data)

    def load(self, path: PathLike | None = None) -> Module:
        """Read parameters saved by :meth:`save` into this model and return it.

        The whole file is checked first - at most
        :data:`~tinygrad_edu.model_file.MAX_FILE_BYTES` (64 MiB) of valid JSON
        with no key given twice, this library's format and a version it knows,
        then every parameter as in :meth:`load_state_dict`; on any error the
        model is left exactly as it was.  The file's
        architecture, if any, is not needed: the weights only have to fit.
        To build the model from the file instead, use :func:`load_model`
        (``nn.MLP.load(path)``, called on the class, says so).
        """
        if path is None or not isinstance(self, Module):
            raise TypeError(
                "load(path) reads weights into a model you already built: model.load(path); "
                "to rebuild a saved model from its file, use nn.load_model(path)"
            )
        target = os.fspath(path)
        payload = read_model_file(target)
        try:
            self.load_state_dict(payload["parameters"])
        except StateDictError as exc:
            raise StateDictError(f"{target}: {exc}") from None
        return self


def _saved_architecture(module: Module) -> dict[str, Any] | None:
    """The architecture to save: None unless rebuilding it gives exactly these parameter names."""
    arch = module.architecture()
    if arch is None:
        return None
    try:
        rebuilt = _build_checked(arch)
    except (StateDictError, RecursionError):
        return None
    if [n for n, _ in rebuilt.named_parameters()] != [n for n, _ in module.named_parameters()]:
        return None  # changed after it was built (a layer added by hand, ...): weights only
    return arch


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
        self.fan_out = _positive_int(fan_out, "Neuron(fan_out)")
        bound = _init_bound(init, self.nin, self.fan_out, "Neuron")
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

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture`."""
        if type(self) is not Neuron or not _named(self.activation):
            return None
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation, "init": self.init,
                "fan_out": self.fan_out}

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

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture`."""
        n0 = self.neurons[0]
        if type(self) is not Layer or not _named(n0.activation):
            return None
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": n0.activation,
                "init": n0.init}

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

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture`."""
        if type(self) is not MLP or not (_named(self.activation) and _named(self.output_activation)):
            return None
        return {"type": "MLP", "nin": self.nin, "nouts": list(self.nouts), "activation": self.activation,
                "output_activation": self.output_activation, "init": self.init}

    def __repr__(self) -> str:
        return (f"MLP(nin={self.nin}, nouts={self.nouts}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r}, init={self.init!r})")


def _named(activation: Activation) -> bool:
    """True when the activation can be written to a file (a name or None, not a function)."""
    return activation is None or isinstance(activation, str)


# ---------------------------------------------------------------- PyTorch-style modules
class Linear(Module):
    """y = W·x + b with ``W`` of shape (out_features, in_features): PyTorch's ``nn.Linear``.

    Calling it on one input vector of ``in_features`` numbers or Values returns
    a list of ``out_features`` Values, yᵢ = Σⱼ Wᵢⱼ·xⱼ + bᵢ, each one ``dot``
    node over the row and the inputs plus one ``add`` for the bias, as in a
    Neuron (folding the bias into the dot as the weight of a constant 1
    measured no faster: within noise, ``benchmarks/bench_linear.py``).
    ``weight`` is a list of rows, ``bias`` a list (or None with ``bias=False``),
    so the parameter names are PyTorch's: ``weight.<row>.<col>``
    and ``bias.<row>``.  ``init`` and ``seed`` as for :class:`Neuron` (the
    weights are drawn row by row; biases start at 0).

    >>> lin = Linear(2, 3, seed=0)
    >>> [name for name, _ in lin.named_parameters()][:3], len(lin([1.0, 2.0]))
    (['weight.0.0', 'weight.0.1', 'weight.1.0'], 3)
    >>> lin.weight[0][0].data, lin.weight[0][1].data, lin.bias[0].data = 2.0, -1.0, 0.5
    >>> lin([1.0, 2.0])[0].data      # 2·1 − 1·2 + 0.5
    0.5
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, init: str = "uniform",
                 seed: Seed = None) -> None:
        self.in_features = _positive_int(in_features, "Linear(in_features)")
        self.out_features = _positive_int(out_features, "Linear(out_features)")
        if not isinstance(bias, bool):
            raise TypeError(f"Linear(bias) must be True or False, got {type(bias).__name__}: {bias!r:.40}")
        bound = _init_bound(init, self.in_features, self.out_features, "Linear")
        self.init = init
        rng = as_rng(seed, "Linear(seed)")
        self.weight = [[Value(rng.uniform(-bound, bound)) for _ in range(self.in_features)]
                       for _ in range(self.out_features)]
        self.bias: list[Value] | None = [Value(0.0) for _ in range(self.out_features)] if bias else None
        self.named_parameters()

    def forward(self, x: Any) -> list[Value]:
        """[W₀·x + b₀, W₁·x + b₁, ...] for one input vector ``x``."""
        xs = _as_inputs(x, self.in_features, "Linear")
        forward = DOT.forward
        rows = [(*w, *xs) for w in self.weight]
        out = [nary(DOT, forward(*[v.data for v in ins]), ins) for ins in rows]
        if self.bias is None:
            return out
        return [z + b for z, b in zip(out, self.bias)]

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture`."""
        if type(self) is not Linear:
            return None
        return {"type": "Linear", "in_features": self.in_features, "out_features": self.out_features,
                "bias": self.bias is not None, "init": self.init}

    def __repr__(self) -> str:
        init = "" if self.init == "uniform" else f", init={self.init!r}"
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}{init})")


class Sequential(Module):
    """Modules applied one after another: PyTorch's ``nn.Sequential``.

    Parameters are named by position, as in PyTorch: ``0.weight.1.2`` is row 1,
    column 2 of the first module's weight.  Index it, slice it (``net[:2]``,
    a Sequential sharing those modules), take its ``len`` or iterate it like
    a list.

    >>> net = Sequential(Linear(2, 4, seed=0), ReLU(), Linear(4, 1, seed=1))
    >>> [name for name, _ in net.named_parameters()][-2:], len(net([0.5, -1.0]))
    (['2.weight.0.3', '2.bias.0'], 1)
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                hint = " (a class? call it: nn.ReLU())" if isinstance(m, type) else ""
                raise TypeError(f"Sequential: argument {i} must be a Module such as nn.Linear(...) or "
                                f"nn.ReLU(), got {type(m).__name__}{hint}")
        self._modules = list(modules)
        self.named_parameters()

    def _named_children(self) -> list[tuple[str, Any]]:
        # the modules by position, then any public attribute a subclass adds
        return [(str(i), m) for i, m in enumerate(self._modules)] + super()._named_children()

    def forward(self, x: Any) -> Any:
        """Each module applied in turn to the output of the one before."""
        for m in self._modules:
            x = m(x)
        return x

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module:
        """The module at ``index``; a slice gives a Sequential of those modules (sharing them)."""
        if isinstance(index, slice):
            return Sequential(*self._modules[index])
        return self._modules[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture` (None when any part is a custom module)."""
        if type(self) is not Sequential:
            return None
        parts = [m.architecture() for m in self._modules]
        if any(p is None for p in parts):
            return None
        return {"type": "Sequential", "modules": parts}

    def __repr__(self) -> str:
        if not self._modules:
            return "Sequential()"
        lines = [f"  ({i}): " + repr(m).replace("\n", "\n  ") for i, m in enumerate(self._modules)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


class _Elementwise(Module):
    """An activation module: f applied to a Value, a number, or each item of a list (no parameters)."""

    def _f(self, v: Value) -> Value:
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        """f(x) for a Value or number; [f(x₀), f(x₁), ...] for a list or tuple."""
        if isinstance(x, (list, tuple)):
            return [self._f(v if type(v) is Value else const(to_float(v, f"{type(self).__name__} input")))
                    for v in x]
        return self._f(x if type(x) is Value else const(to_float(x, f"{type(self).__name__} input")))

    def architecture(self) -> dict[str, Any] | None:
        """See :meth:`Module.architecture`."""
        if type(self) not in _ACTIVATION_MODULES.values():
            return None
        return {"type": type(self).__name__, **vars(self)}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class ReLU(_Elementwise):
    """max(0, x) elementwise (``Value.relu``)."""

    def _f(self, v: Value) -> Value:
        return v.relu()


class Tanh(_Elementwise):
    """tanh x elementwise."""

    def _f(self, v: Value) -> Value:
        return v.tanh()


class Sigmoid(_Elementwise):
    """σ(x) = 1 / (1 + e^(−x)) elementwise."""

    def _f(self, v: Value) -> Value:
        return v.sigmoid()


class SiLU(_Elementwise):
    """x·σ(x) elementwise (swish)."""

    def _f(self, v: Value) -> Value:
        return v.silu()


class LeakyReLU(_Elementwise):
    """x for x > 0, ``negative_slope``·x otherwise, elementwise.

    >>> LeakyReLU(0.1)([-2.0, 3.0])[0].data
    -0.2
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)) \
                or not math.isfinite(negative_slope):
            raise ValueError(f"LeakyReLU(negative_slope) must be a finite number, got {negative_slope!r:.40}")
        self.negative_slope = float(negative_slope)

    def _f(self, v: Value) -> Value:
        return v.leaky_relu(self.negative_slope)


class GELU(_Elementwise):
    """x·Φ(x) elementwise; ``approximate="tanh"`` selects the tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU(approximate) must be 'none' or 'tanh', got {approximate!r:.40}")
        self.approximate = approximate

    def _f(self, v: Value) -> Value:
        return v.gelu(self.approximate)


_ACTIVATION_MODULES: dict[str, type[_Elementwise]] = {
    c.__name__: c for c in (ReLU, Tanh, Sigmoid, LeakyReLU, SiLU, GELU)
}


# ---------------------------------------------------------------- rebuilding saved models
# For every built-in type: its fields and the check of each (a name for errors).
def _int_field(x: Any) -> str | None:
    ok = type(x) is int and x >= 1
    return None if ok else "a positive int"


def _activation_field(x: Any) -> str | None:
    return None if x is None or (isinstance(x, str) and x in ACTIVATIONS) else \
        f"one of {', '.join(sorted(ACTIVATIONS))} or null"


def _init_field(x: Any) -> str | None:
    return None if isinstance(x, str) and x in INITS else f"one of {', '.join(INITS)}"


def _bool_field(x: Any) -> str | None:
    return None if isinstance(x, bool) else "true or false"


def _slope_field(x: Any) -> str | None:
    ok = type(x) in (int, float) and math.isfinite(x)
    return None if ok else "a finite number"


def _approximate_field(x: Any) -> str | None:
    return None if x in ("none", "tanh") else "'none' or 'tanh'"


def _nouts_field(x: Any) -> str | None:
    ok = isinstance(x, list) and x and all(type(n) is int and n >= 1 for n in x)
    return None if ok else "a non-empty list of positive ints"


_FIELDS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "MLP": {"nin": _int_field, "nouts": _nouts_field, "activation": _activation_field,
            "output_activation": _activation_field, "init": _init_field},
    "Layer": {"nin": _int_field, "nout": _int_field, "activation": _activation_field, "init": _init_field},
    "Neuron": {"nin": _int_field, "activation": _activation_field, "init": _init_field,
               "fan_out": _int_field},
    "Linear": {"in_features": _int_field, "out_features": _int_field, "bias": _bool_field,
               "init": _init_field},
    "Sequential": {"modules": lambda x: None if isinstance(x, list) else "a list of module descriptions"},
    "ReLU": {}, "Tanh": {}, "Sigmoid": {}, "SiLU": {},
    "LeakyReLU": {"negative_slope": _slope_field},
    "GELU": {"approximate": _approximate_field},
}


def _check(spec: Any, where: str = "architecture", depth: int = 0) -> int:
    """Check one module description; return how many parameters the module it describes has."""
    if depth > MAX_NESTING:
        raise StateDictError(f"{where}: modules nested more than {MAX_NESTING} deep")
    if not isinstance(spec, dict):
        raise StateDictError(f"{where} must be an object describing a module, got {describe(spec)}")
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise StateDictError(f"{where}.type must be one of {', '.join(_FIELDS)}, got {describe(kind)}")
    fields = _FIELDS[kind]
    unknown = sorted(set(spec) - set(fields) - {"type"})
    if unknown:
        raise StateDictError(f"{where}: unknown field {unknown[0]!r} for a {kind}")
    for name, check in fields.items():
        if name not in spec:
            raise StateDictError(f"{where}: a {kind} needs the field {name!r}")
        wanted = check(spec[name])
        if wanted is not None:
            raise StateDictError(f"{where}.{name} must be {wanted}, got {describe(spec[name])}")
    if kind == "MLP":
        sizes = [spec["nin"], *spec["nouts"]]
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if kind == "Layer":
        return int((spec["nin"] + 1) * spec["nout"])
    if kind == "Neuron":
        return int(spec["nin"] + 1)
    if kind == "Linear":
        return int((spec["in_features"] + spec["bias"]) * spec["out_features"])
    if kind == "Sequential":
        return sum(_check(m, f"{where}.modules[{i}]", depth + 1) for i, m in enumerate(spec["modules"]))
    return 0


def _build(spec: dict[str, Any]) -> Module:
    """The module a description checked by :func:`_check` describes (weights from a fixed seed)."""
    kind = spec["type"]
    args = {k: v for k, v in spec.items() if k != "type"}
    if kind == "Sequential":
        return Sequential(*[_build(m) for m in args["modules"]])
    if kind in _ACTIVATION_MODULES:
        return _ACTIVATION_MODULES[kind](**args)
    # an int seed: rebuilding never reads or advances the global random state
    builders: dict[str, Callable[..., Module]] = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron,
                                                  "Linear": Linear}
    return builders[kind](**args, seed=0)


def _build_checked(spec: Any) -> Module:
    _check(spec)
    return _build(spec)


def load_model(path: PathLike) -> Module:
    """Rebuild a built-in model saved by :meth:`Module.save`, with its weights.

    Works for :class:`MLP`, :class:`Layer`, :class:`Neuron` (named
    activations), :class:`Linear`, :class:`Sequential` of those and the
    activation modules.  Everything is checked before anything is built: the
    file as in :meth:`Module.load`, every field of the architecture, and that
    the architecture has exactly as many parameters as the file stores.  Any
    problem is a :class:`StateDictError` naming the file.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> Sequential(Linear(2, 3, seed=0), Tanh(), Linear(3, 1, seed=1)).save(path)
    >>> load_model(path)
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )

    A custom Module saves its weights only; rebuild it yourself and call
    ``model.load(path)``.
    """
    target = os.fspath(path)
    payload = read_model_file(target)
    spec = payload.get("architecture")
    if spec is None:
        who = payload.get("module")
        what = f"a {shown_text(who)}" if isinstance(who, str) else "a module"  # escaped: text from the file
        raise StateDictError(
            f"{target}: the file stores no architecture (it was saved from {what} that is not a built-in "
            "model); build the model in code, then call model.load(path)"
        )
    params = payload["parameters"]
    try:
        count = _check(spec)
        if count != len(params):
            raise StateDictError(f"the architecture has {count} parameters but the file stores {len(params)}")
        model = _build(spec)
        model.load_state_dict(params)
    except StateDictError as exc:
        raise StateDictError(f"{target}: {exc}") from None
    return model
