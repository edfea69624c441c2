"""A bridge to PyTorch for when a learner outgrows scalars: ``to_torch`` and ``from_torch``.

A trained tinygrad_edu model becomes a ``torch.nn.Module`` with the same
weights, and a small PyTorch network becomes a tinygrad_edu model whose every
weight is a Value - so the same network can be taken apart scalar by scalar
here and trained on tensors there.

========================================  ==========================================
tinygrad_edu                              PyTorch
========================================  ==========================================
``nn.Linear(i, o, bias)``                 ``torch.nn.Linear(i, o, bias)``
``nn.ReLU() Tanh() Sigmoid() SiLU()``     ``torch.nn.ReLU() Tanh() Sigmoid() SiLU()``
``nn.LeakyReLU(a)``, ``nn.GELU(approx)``  ``torch.nn.LeakyReLU(a)``, ``torch.nn.GELU(approx)``
``nn.Sequential(...)``                    ``torch.nn.Sequential(...)``
``nn.MLP``, ``nn.Layer``, ``nn.Neuron``   ``torch.nn.Sequential`` of Linear + activation
========================================  ==========================================

The PyTorch side is float64 (a Python float is an IEEE double), so the two
compute the same numbers up to the order of floating-point sums.  A
Sequential's parameter names are the same on both sides (``0.weight.3.1``
here is ``state_dict()["0.weight"][3, 1]`` there).

PyTorch is imported only inside these functions: the rest of tinygrad_edu
never needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinygrad_edu import nn

if TYPE_CHECKING:
    import torch

__all__ = ["to_torch", "from_torch"]

_BY_NAME = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "silu": "SiLU", "leaky_relu": "LeakyReLU",
            "gelu": "GELU"}
_SUPPORTED_TORCH = "Sequential, Linear, ReLU, Tanh, Sigmoid, SiLU, LeakyReLU, GELU, Identity"
_SUPPORTED_OURS = "MLP, Layer, Neuron (named activations), Linear, Sequential, ReLU, Tanh, Sigmoid, SiLU, " \
                  "LeakyReLU, GELU"


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "tinygrad_edu.interop needs PyTorch, which is not installed; install it with: pip install torch"
        ) from None
    return torch


def _redefined(module: Any, base: type, methods: tuple[str, ...]) -> str | None:
    """The first of ``methods`` that ``module``'s class defines differently from ``base``, or None."""
    cls = type(module)
    if cls is base:
        return None
    for name in methods:
        if getattr(cls, name, None) is not getattr(base, name, None):
            return name
    return None


def _refuse_subclass(module: Any, base: type, base_name: str, where: str, who: str,
                     methods: tuple[str, ...]) -> None:
    """A subclass that computes something else than its base cannot become the base: TypeError naming it."""
    name = _redefined(module, base, methods)
    if name is not None:
        cls = type(module).__name__
        shown = cls if cls.isascii() and cls.isidentifier() else repr(cls)  # a class name is user text
        raise TypeError(
            f"{who}: {where} is a {shown}, a subclass of {base_name} that redefines {name}(), "
            f"so converting it as a plain {base_name} would compute something else; convert a plain "
            f"{base_name}, or rebuild this part by hand on the other side"
        )


# ---------------------------------------------------------------- tinygrad_edu -> PyTorch
_OURS = (nn.Linear, nn.Sequential, nn.LeakyReLU, nn.GELU, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.SiLU, nn.Neuron,
         nn.Layer, nn.MLP)
def _torch_linear(torch: Any, weight: list[list[float]], bias: list[float] | None) -> Any:
    out_features, in_features = len(weight), len(weight[0])
    layer = torch.nn.Linear(in_features, out_features, bias=bias is not None, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight, dtype=torch.float64))
        if bias is not None:
            layer.bias.copy_(torch.tensor(bias, dtype=torch.float64))
    return layer


def _torch_activation(torch: Any, name: Any, where: str) -> list[Any]:
    if name is None:
        return []
    if not isinstance(name, str) or name not in _BY_NAME:
        raise TypeError(f"to_torch: {where} uses the activation {name!r:.60}, which has no PyTorch module; "
                        f"use one of {', '.join(_BY_NAME)} or None")
    return [getattr(torch.nn, _BY_NAME[name])()]


def _to_torch(torch: Any, module: nn.Module, where: str) -> list[Any]:
    """The PyTorch modules computing what ``module`` computes (a Sequential's parts, flattened once)."""
    for base in _OURS:
        if isinstance(module, base):
            _refuse_subclass(module, base, f"nn.{base.__name__}", where, "to_torch", ("forward", "__call__"))
            break
    if isinstance(module, nn.Linear):
        weight = [[w.data for w in row] for row in module.weight]
        bias = None if module.bias is None else [b.data for b in module.bias]
        return [_torch_linear(torch, weight, bias)]
    if isinstance(module, nn.Sequential):
        return [torch.nn.Sequential(*[m for i, part in enumerate(module)
                                      for m in _to_torch(torch, part, f"{where}[{i}]")])]
    if isinstance(module, nn.LeakyReLU):
        return [torch.nn.LeakyReLU(module.negative_slope)]
    if isinstance(module, nn.GELU):
        return [torch.nn.GELU(approximate=module.approximate)]
    if isinstance(module, (nn.ReLU, nn.Tanh, nn.Sigmoid, nn.SiLU)):
        return [getattr(torch.nn, type(module).__name__)()]
    if isinstance(module, nn.Neuron):
        weight = [[w.data for w in module.w]]
        return [_torch_linear(torch, weight, [module.b.data]),
                *_torch_activation(torch, module.activation, where)]
    if isinstance(module, nn.Layer):
        weight = [[w.data for w in n.w] for n in module.neurons]
        act = module.neurons[0].activation
        return [_torch_linear(torch, weight, [n.b.data for n in module.neurons]),
                *_torch_activation(torch, act, where)]
    if isinstance(module, nn.MLP):
        parts: list[Any] = []
        for i, layer in enumerate(module.layers):
            parts += _to_torch(torch, layer, f"{where}.layers[{i}]")
        return parts
    raise TypeError(f"to_torch: {where} is a {type(module).__name__}, which has no PyTorch counterpart here; "
                    f"supported: {_SUPPORTED_OURS}")


def to_torch(model: nn.Module) -> torch.nn.Module:
    """A float64 ``torch.nn.Module`` with the same weights that computes the same function.

    A :class:`~tinygrad_edu.nn.Linear` or an activation module becomes its
    PyTorch namesake; a Sequential, an MLP, a Layer or a Neuron becomes a
    ``torch.nn.Sequential`` of ``Linear`` and activation modules.  Weights are
    copied (later changes on one side do not reach the other); every PyTorch
    parameter requires grad.  A model with a custom Module, a Python
    function as activation, or a subclass of a built-in module that redefines
    ``forward`` raises ``TypeError`` naming the part.

    >>> import torch
    >>> from tinygrad_edu import nn
    >>> net = to_torch(nn.MLP(2, [3, 1], seed=0))
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> net[0].weight.dtype
    torch.float64
    """
    torch = _torch()
    if not isinstance(model, nn.Module):
        raise TypeError(f"to_torch(model) takes a tinygrad_edu.nn.Module, got {type(model).__name__}")
    parts = _to_torch(torch, model, "the model")
    if isinstance(model, (nn.MLP, nn.Layer, nn.Neuron)):
        return torch.nn.Sequential(*parts)  # type: ignore[no-any-return]
    (single,) = parts
    return single  # type: ignore[no-any-return]


# ---------------------------------------------------------------- PyTorch -> tinygrad_edu
def _from_torch(torch: Any, module: Any, where: str) -> nn.Module:
    tnn = torch.nn
    for name in ("Sequential", "Linear", "LeakyReLU", "GELU", "ReLU", "Tanh", "Sigmoid", "SiLU", "Identity"):
        base = getattr(tnn, name)
        if isinstance(module, base):
            _refuse_subclass(module, base, f"torch.nn.{name}", where, "from_torch",
                             ("forward", "__call__", "_call_impl"))
            break
    if getattr(module, "_forward_hooks", None) or getattr(module, "_forward_pre_hooks", None):
        raise TypeError(f"from_torch: {where} ({type(module).__name__}) has forward hooks, which may change "
                        "what it computes; remove them (handle.remove()) before converting")
    for pname, param in module.named_parameters(recurse=False):
        if param.is_complex() or not param.is_floating_point():
            raise TypeError(
                f"from_torch: {where} ({type(module).__name__}) has the parameter {pname!r} of dtype "
                f"{param.dtype}; tinygrad_edu computes with real numbers (Python floats) only - dropping "
                "imaginary parts would give another function. Convert a float32 or float64 module"
            )
    if isinstance(module, tnn.Sequential):
        return nn.Sequential(*[_from_torch(torch, m, f"{where}[{i}]") for i, m in enumerate(module)])
    if isinstance(module, tnn.Linear):
        weight = module.weight.detach().to(torch.float64).tolist()
        layer = nn.Linear(module.in_features, module.out_features, bias=module.bias is not None, seed=0)
        for row, values in zip(layer.weight, weight):
            for p, x in zip(row, values):
                p.data = x
                p.requires_grad = bool(module.weight.requires_grad)
        if module.bias is not None and layer.bias is not None:
            for p, x in zip(layer.bias, module.bias.detach().to(torch.float64).tolist()):
                p.data = x
                p.requires_grad = bool(module.bias.requires_grad)
        return layer
    if isinstance(module, tnn.LeakyReLU):
        return nn.LeakyReLU(float(module.negative_slope))
    if isinstance(module, tnn.GELU):
        return nn.GELU(module.approximate)
    for name in ("ReLU", "Tanh", "Sigmoid", "SiLU"):
        if isinstance(module, getattr(tnn, name)):
            return getattr(nn, name)()  # type: ignore[no-any-return]
    if isinstance(module, tnn.Identity):
        return nn.Sequential()
    what = type(module).__name__
    raise TypeError(f"from_torch: {where} is a torch.nn.{what}, which tinygrad_edu has no module for; "
                    f"supported: {_SUPPORTED_TORCH}")


def from_torch(module: torch.nn.Module) -> nn.Module:
    """A tinygrad_edu model computing what a small PyTorch network computes, one Value per weight.

    ``torch.nn.Sequential`` becomes :class:`~tinygrad_edu.nn.Sequential`,
    ``Linear`` becomes :class:`~tinygrad_edu.nn.Linear` (weights converted to
    Python floats, ``requires_grad`` kept), and ``ReLU``, ``Tanh``,
    ``Sigmoid``, ``SiLU``, ``LeakyReLU``, ``GELU`` their namesakes
    (``Identity`` an empty Sequential).  Anything else - a convolution,
    dropout, batch norm - raises ``TypeError`` naming the layer and where it
    sits; so do complex weights (real numbers only), a subclass that
    redefines ``forward`` (it would be converted as its plain base class) and
    a module with forward hooks.

    >>> import torch
    >>> net = from_torch(torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)))
    >>> net[0], [name for name, _ in net.named_parameters()][-1]
    (Linear(in_features=2, out_features=4, bias=True), '2.bias.0')
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch(module) takes a torch.nn.Module, got {type(module).__name__}")
    return _from_torch(torch, module, "the module")
