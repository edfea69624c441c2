"""The demo ``from_pytorch_notes`` prints the notes' PyTorch numbers, computed by this engine.

Each printed list is checked twice: against the numbers the notes print (4
digits, typed here from the notes) and against PyTorch 2.13 itself, run here
in float64 on the same inputs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the demo draws its picture with the viz extra")
pytestmark = pytest.mark.xdist_group("from_pytorch_notes")  # one pytest-xdist worker runs the demo once
torch = pytest.importorskip("torch", reason="the comparison needs PyTorch (the torch extra)")

DEMO = Path(__file__).resolve().parent.parent / "demos" / "from_pytorch_notes.py"

# The notes' printouts (PyTorch's float32 defaults), to their 4 digits.
NOTES = {
    "sigmoid": [0.0, 1.6655e-34, 7.4564e-25, 3.3382e-15, 1.4945e-05, 9.9999e-01, 1.0, 1.0, 1.0, 1.0],
    "tanh": [-0.7616, -0.6514, -0.5047, -0.3215, -0.1107, 0.1107, 0.3215, 0.5047, 0.6514, 0.7616],
    "relu": [0.0, 0.0, 0.0, 0.0, 0.0, 0.1111, 0.3333, 0.5556, 0.7778, 1.0],
    "softmax": [0.3987, 0.3193, 0.2820],
    "dp1": [-0.1273, 0.2173, -0.0900],
    "dp2": [-0.1124, -0.0900, 0.2025],
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("from_pytorch_notes", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        pictures = module.run(out)
    assert [p.name for p in pictures] == ["from_pytorch_notes"]
    assert (out / "from_pytorch_notes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return buffer.getvalue()


def _numbers(text: str, after: str, which: str = "values") -> list[float]:
    """The list printed on the ``which:`` line after the line containing ``after``."""
    block = text[text.index(after):]
    line = re.search(rf"{which}:\s+\[([^\]]*)\]", block)
    assert line is not None, f"no {which} line after {after!r}"
    return [float(x) for x in line.group(1).split(",")]


def _list_after(text: str, marker: str) -> list[float]:
    line = re.search(re.escape(marker) + r".*?\[([^\]]*)\]", text)
    assert line is not None, marker
    return [float(x) for x in line.group(1).split(",")]


def _torch_activation(name: str, lo: float, hi: float) -> tuple[list[float], list[float]]:
    x = torch.linspace(lo, hi, 10, dtype=torch.float64, requires_grad=True)
    y = getattr(torch, name)(x)
    y.backward(torch.ones_like(y))
    return y.tolist(), x.grad.tolist()


@pytest.mark.parametrize(("name", "lo", "hi"), [("sigmoid", -100, 100), ("tanh", -1, 1), ("relu", -1, 1)])
def test_activation_tables_match_the_notes_and_torch(printed, name, lo, hi):
    values = _numbers(printed, f"torch.{name}(torch.linspace({lo}, {hi}, 10))")
    grads = _numbers(printed, f"torch.{name}(torch.linspace({lo}, {hi}, 10))", "grads")
    t_values, t_grads = _torch_activation(name, lo, hi)
    spec = ".4e" if name == "sigmoid" else ".4f"  # as the demo prints them (torch's own formats)
    assert [format(v, spec) for v in values] == [format(v, spec) for v in t_values]
    assert [format(v, spec) for v in grads] == [format(v, spec) for v in t_grads]
    notes = NOTES[name]
    for k, (v, n) in enumerate(zip(values, notes)):
        if name == "sigmoid" and k == 0:
            assert n == 0.0 and v == pytest.approx(3.7201e-44, rel=1e-4)  # float32 flushes it to 0
        else:
            assert v == pytest.approx(n, rel=1e-4, abs=5e-5), (name, k)


def test_mse_cells(printed):
    assert "tg.grad(mse, [w]) = (2.0,)   w.grad untouched: 0.0" in printed
    assert "works, w.grad = 2.0" in printed
    assert "ValueError: grad(): input 0 ('w')" in printed and "does not require grad" in printed
    assert "ValueError: grad(): the output does not require grad" in printed
    # after w.requires_grad_() the message says what happened and what to do - not allow_unused
    after = printed.split("w.requires_grad_(); torch.autograd.grad(mse, [w])", 1)[1].split("\n")[1]
    assert "no graph was recorded" in after and "compute it again" in after
    assert "allow_unused" not in after


def test_softmax_cells_match_the_notes_and_torch(printed):
    a = torch.tensor([0.7066, 0.4845, 0.3603], dtype=torch.float64, requires_grad=True)
    p = torch.softmax(a, dim=0)
    (dp1,) = torch.autograd.grad(p[1], [a], retain_graph=True)
    (dp2,) = torch.autograd.grad(p[2], [a])
    ours = {
        "softmax": _list_after(printed, "p = F.softmax(a, dim=0) = "),
        "dp1": _list_after(printed, "tg.grad(p[1], a, retain_graph=True) = "),
        "dp2": _list_after(printed, "tg.grad(p[2], a) = "),
    }
    for key, reference in (("softmax", p), ("dp1", dp1), ("dp2", dp2)):
        assert ours[key] == NOTES[key]
        assert ours[key] == [round(v, 4) for v in reference.tolist()]
    sums = _list_after(printed, "tg.backward(p, [1, 1, 1]); a.grad = ")
    assert all(abs(v) < 1e-15 for v in sums)
