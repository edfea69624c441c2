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


# ---------------------------------------------------------------- tinygrad_edu -> PyTorch
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
    parameter requires grad.  A model with a custom Module or a Python
    function as activation raises ``TypeError`` naming the part.

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
    sits.

    >>> import torch
    >>> net = from_torch(torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)))
    >>> net[0], [name for name, _ in net.named_parameters()][-1]
    (Linear(in_features=2, out_features=4, bias=True), '2.bias.0')
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch(module) takes a torch.nn.Module, got {type(module).__name__}")
    return _from_torch(torch, module, "the module")
