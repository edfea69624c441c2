"""A small training loop: ``fit`` trains; ``scores`` and ``predict`` read a model; ``accuracy`` scores labels.

One step of ``fit`` is the loop every learner writes by hand::

    preds = [model(x) for x in X_batch]          # forward: build the graph
    loss = loss_fn(preds, y_batch)               # one scalar Value
    optimizer.zero_grad(); loss.backward()       # back-propagation: dL/dw for every w
    optimizer.step()                             # gradient descent: w ← w − lr·dL/dw

``fit`` only adds the bookkeeping: shuffled mini-batches from a seed, the
average loss and the accuracy of each epoch, and a progress bar when someone
can see it.

After training, ``scores(model, X)`` gives the raw outputs and
``predict(model, X)`` the class labels, as scikit-learn's
``decision_function`` and ``predict``; ``accuracy(predict(model, X), y)``
is the fraction right.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import tinygrad_edu.functional as F
from tinygrad_edu.data import Seed, as_rng, iterate_batches
from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value
from tinygrad_edu.nn import Sequential, Sigmoid
from tinygrad_edu.optim import Adam, Optimizer

LossFn = Callable[[list[Any], list[Any]], Value]
History = dict[str, list[float]]

LOSSES: dict[str, LossFn] = {
    "mse": F.mse_loss,  # type: ignore[dict-item]
    "bce": F.binary_cross_entropy,  # type: ignore[dict-item]
    "bce_with_logits": F.binary_cross_entropy_with_logits,  # type: ignore[dict-item]
    "cross_entropy": F.cross_entropy,  # type: ignore[dict-item]
}

__all__ = ["fit", "accuracy", "predict", "scores", "outputs_probabilities", "LOSSES"]


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _is_vector(x: Any) -> bool:
    return not isinstance(x, (Value, int, float)) and isinstance(x, Iterable)


def _unwrap(out: Any) -> Any:
    """A one-element list (a ``Linear(n, 1)``'s output) as its element; anything else as it is."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        return out[0]
    return out


def outputs_probabilities(model: Any) -> bool:
    """True when the model's output is a probability: it ends in a sigmoid.

    That is an ``MLP(..., output_activation="sigmoid")`` or a Sequential whose
    last module is ``Sigmoid()``.
    """
    if getattr(model, "output_activation", None) == "sigmoid":
        return True
    last = model
    while isinstance(last, Sequential) and len(last):
        last = last[-1]
    return isinstance(last, Sigmoid)


def scores(model: Callable[[Any], Any], X: Sequence[Any]) -> list[Any]:  # noqa: N803 - X as in scikit-learn
    """The model's raw outputs for every row of ``X`` as floats, without recording a graph.

    One float per row for a model with one output (a one-element list, as a
    ``Linear(n, 1)`` returns, counts as one output), a list of floats per row
    for several outputs.  These are what scikit-learn calls
    ``decision_function``; :func:`predict` turns them into labels.

    >>> scores(lambda x: x[0] * 2, [[1.0], [2.5]])
    [2.0, 5.0]
    """
    with no_grad():
        outs = [_unwrap(model(x)) for x in X]
    return [[_number(o) for o in out] if _is_vector(out) else _number(out) for out in outs]


def predict(model: Callable[[Any], Any], X: Sequence[Any], *,  # noqa: N803 - X as in scikit-learn
            threshold: float | None = None) -> list[int]:
    """The predicted class label (an int) for every row of ``X``, as scikit-learn's ``predict``.

    * Several outputs (class scores, logits or probabilities): the index of
      the largest, argmax (the first one on a tie).
    * One output s: ``1`` if s > threshold else ``0``.  The threshold is 0 -
      the sign of a raw score or logit - unless the model ends in a sigmoid
      (``MLP(..., output_activation="sigmoid")``, a Sequential ending in
      ``Sigmoid()``), whose outputs are probabilities, where it is 0.5.
      Pass ``threshold`` to choose.  A NaN score is label 0.

    >>> predict(lambda x: x[0] - 1.0, [[0.5], [2.0]]), predict(lambda x: [x[0], 1.0], [[0.5], [2.0]])
    ([0, 1], [1, 0])
    """
    if threshold is None:
        cut = 0.5 if outputs_probabilities(model) else 0.0
    else:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or math.isnan(threshold):
            raise ValueError(f"predict(threshold) must be a number or None, got {threshold!r:.40}")
        cut = float(threshold)
    labels: list[int] = []
    for out in scores(model, X):
        if isinstance(out, list):
            labels.append(max(range(len(out)), key=out.__getitem__) if out else 0)
        else:
            labels.append(int(out > cut))
    return labels


def _label(x: Any, who: str, i: int) -> Any:
    if isinstance(x, Value) or _is_vector(x) or (isinstance(x, float) and not x.is_integer()):
        raise ValueError(
            f"accuracy: {who}[{i}] is {x!r:.40}, not a class label; accuracy compares labels - "
            "use accuracy(predict(model, X), y), not the raw scores(model, X)"
        )
    return x


def accuracy(y_pred: Sequence[Any], y_true: Sequence[Any]) -> float:
    """The fraction of labels in ``y_pred`` equal to those in ``y_true`` (scikit-learn's ``accuracy_score``).

    Labels are compared as they are, so both must use the same labels
    (0/1 from :func:`predict`: with ±1 targets, compare with
    ``[int(t > 0) for t in y]``).  A score instead of a label - a float such
    as 0.3, a list of class scores, a Value - is refused with a pointer to
    :func:`predict`.

    >>> accuracy([1, 0, 0], [1, 0, 1])
    0.6666666666666666
    """
    if len(y_pred) != len(y_true):
        raise ValueError(f"accuracy: {len(y_pred)} predictions but {len(y_true)} targets; they must match")
    if not y_pred:
        raise ValueError("accuracy: no predictions to score")
    correct = 0
    for i, (p, t) in enumerate(zip(y_pred, y_true)):
        correct += _label(p, "y_pred", i) == _label(t, "y_true", i)
    return correct / len(y_pred)


def _correct(preds: Sequence[Any], targets: Sequence[Any], threshold: float) -> int:
    """How many of a batch's outputs score their target (fit's running accuracy; ±1 labels allowed)."""
    correct = 0
    for p, t in zip(preds, targets):
        if _is_vector(p):
            values = [_number(s) for s in p]
            correct += max(range(len(values)), key=values.__getitem__) == _number(t)
        else:
            correct += (_number(p) > threshold) == (_number(t) > 0)
    return correct


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython already imported and its shell a kernel's)."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:  # a broken IPython is simply not a notebook
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _progress_bar(epochs: range) -> Any:
    """A tqdm bar over the epochs (a widget in Jupyter), or None when nobody would see it.

    None when stderr is not a terminal outside a notebook (a log file, a CI
    job, a test), or when tqdm is not installed.
    """
    notebook = _in_notebook()
    if not notebook and not _is_terminal(sys.stderr):
        return None
    try:
        with warnings.catch_warnings():
            # tqdm.auto warns when ipywidgets is missing, then falls back to a text bar: fine here
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(epochs, desc="fit", unit="epoch")


def _loss_and_threshold(loss: str | LossFn, model: Any, first_output: Any,
                        y: Sequence[Any]) -> tuple[LossFn, float]:
    if callable(loss):
        return loss, 0.0
    name = loss
    if name == "auto":
        if _is_vector(first_output):
            name = "cross_entropy"
        elif outputs_probabilities(model):
            name = "bce"
        else:
            name = "bce_with_logits"
    if name not in LOSSES:
        raise ValueError(f"fit(loss) must be 'auto', one of {', '.join(LOSSES)}, or a function; got {loss!r}")
    if name == "bce" or (name == "mse" and not _is_vector(y[0]) and min(_number(t) for t in y) >= 0.0):
        return LOSSES[name], 0.5  # probabilities, or regression onto labels 0/1
    return LOSSES[name], 0.0


def _compiled_step(model: Any, X: Sequence[Any], y: Sequence[Any], loss_fn: LossFn,  # noqa: N803
                   optimizer: Optimizer, scored: bool) -> tuple[Any, Callable[[], list[Any]]]:
    """The full-batch loss of ``fit`` as one compiled program (see ``fit(compile=True)``).

    Returns the step and a function giving the predictions of its last run
    (kept by the program as auxiliary outputs, for the epoch's accuracy).
    """
    from tinygrad_edu.engine.compiled import compile as compile_step

    targets = list(y)
    widths: list[int | None] = []  # per row: None for one output, else the number of outputs

    def full_batch_loss() -> tuple[Value, list[Any]]:
        preds = [_unwrap(model(x)) for x in X] if scored else [model(x) for x in X]
        out = loss_fn(preds, targets)
        if not isinstance(out, Value):
            raise TypeError(f"fit: the loss returned {type(out).__name__}; it must return one Value")
        flat: list[Any] = []
        widths.clear()
        if scored:
            for pred in preds:
                if _is_vector(pred):
                    row = list(pred)
                    widths.append(len(row))
                    flat.extend(row)
                elif isinstance(pred, Value):
                    widths.append(None)
                    flat.append(pred)
                else:  # a prediction outside the graph cannot be read back from the program
                    raise TypeError("fit(compile=True): the model returned "
                                    f"{type(pred).__name__}, not a Value")
        return out, flat

    step = compile_step(full_batch_loss, [p for p in optimizer.params if p.requires_grad], has_aux=True)
    shape = list(widths)

    def predictions() -> list[Any]:
        values = step.aux
        rows: list[Any] = []
        k = 0
        for w in shape:
            if w is None:
                rows.append(values[k])
                k += 1
            else:
                rows.append(values[k:k + w])
                k += w
        return rows

    return step, predictions


def fit(model: Any, X: Sequence[Any], y: Sequence[Any], *,  # noqa: N803 - X as in scikit-learn
        loss: str | LossFn = "auto", optimizer: Optimizer | None = None, epochs: int = 100,
        batch_size: int | None = None, progress: bool = True, seed: Seed = None, shuffle: bool = True,
        callback: Callable[[int, History], Any] | None = None, compile: bool = False) -> History:  # noqa: A002
    """Train ``model`` on ``(X, y)``; return ``{"loss": [...], "accuracy": [...]}``, one entry per epoch.

    * ``loss``: ``"mse"``, ``"bce"`` (the model outputs probabilities),
      ``"bce_with_logits"`` (raw scores, labels 0/1), ``"cross_entropy"``
      (a vector of class scores, labels 0..K−1), a function
      ``(preds, targets) -> Value``, or ``"auto"``: cross_entropy for vector
      outputs, bce for a model that ends in a sigmoid (``output_activation=
      "sigmoid"``, or a Sequential ending in ``Sigmoid()``), bce_with_logits
      otherwise.  A one-element list output (``Linear(n, 1)``) with scalar
      targets counts as one output.
    * ``optimizer``: default ``Adam(model.parameters(), lr=0.01)``.
    * ``batch_size``: None for full-batch gradient descent; otherwise batches
      are reshuffled every epoch from ``seed`` (same seed, same run).
    * The epoch's loss is the average of the batch losses weighted by batch
      size; its accuracy is scored on the predictions made during the epoch
      (with the parameters of that moment), which costs nothing extra.  Use
      ``accuracy(predict(model, X), y)`` for the final model.
    * Targets that are vectors (regression onto several outputs with mse)
      get no accuracy: the history then has only ``"loss"``.
    * ``progress``: a tqdm bar over the epochs (``tqdm.auto``: a widget in
      Jupyter) when tqdm is installed and someone can see it - in a notebook,
      or when stderr is a terminal.  Output to a file, a pipe or a CI log
      stays silent.
    * ``callback(epoch, history)`` runs after each epoch (for live plots).
    * ``compile=True`` (full batch only): the loss and its gradient are traced
      once with :func:`tinygrad_edu.compile` and the generated program runs
      every epoch instead of building the graph again.  The losses and the
      trained parameters are the eager run's bit for bit (``cross_entropy``
      included: the program computes each row's largest logit again from
      the current logits).  The full batch is
      used in the data's order (shuffling a full batch only reorders a sum,
      and the program has one fixed order), so compare with
      ``shuffle=False``.  The program also keeps the predictions it computes
      (``has_aux``), which score the epoch's accuracy as eager does.  With
      mini-batches (``batch_size`` below ``len(X)``) it raises ValueError:
      the rows change every batch, and the program replays fixed numbers.
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"fit: X has {n} samples but y has {len(y)}; they must match")
    if n == 0:
        raise ValueError("fit: X is empty; there is nothing to train on")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit(epochs) must be an int >= 0, got {epochs!r}")
    size = n if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"fit(batch_size) must be a positive int or None (full batch), got {batch_size!r}")
    if not callable(model):
        raise TypeError(f"fit(model) must be callable on one input row, got {type(model).__name__}")
    if compile and size < n:
        raise ValueError(
            f"fit(compile=True) needs full-batch training, but batch_size={batch_size} is smaller than the "
            f"{n} samples: the compiled program replays the numbers it was traced with, and mini-batches "
            "change them every step. Use batch_size=None (full batch) with compile=True, or compile=False "
            "for mini-batches.")
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit(optimizer) must be an optimizer from tinygrad_edu.optim, got {optimizer!r:.40}")
    rng = as_rng(seed, "fit(seed)")
    with no_grad():
        first = model(X[0])
        if not _is_vector(y[0]):
            first = _unwrap(first)
    loss_fn, threshold = _loss_and_threshold(loss, model, first, y)

    scored = not _is_vector(y[0])  # class labels: accuracy is defined; vector targets: regression
    history: History = {"loss": [], "accuracy": []} if scored else {"loss": []}
    epoch_iter: Iterable[int] = range(epochs)
    bar: Any = _progress_bar(range(epochs)) if progress else None
    if bar is not None:
        epoch_iter = bar
    step, predictions = _compiled_step(model, X, y, loss_fn, optimizer, scored) if compile else (None, None)
    try:
        for epoch in epoch_iter:
            total = 0.0
            correct = 0.0
            if step is not None and predictions is not None:  # full batch, one traced program
                optimizer.zero_grad()
                total = step() * n
                if scored:  # the predictions of this step's forward, as eager scores them
                    correct += _correct(predictions(), y, threshold)
                optimizer.step()
            for xb, yb in () if step is not None else iterate_batches(X, y, size, shuffle=shuffle, seed=rng):
                preds = [_unwrap(model(x)) for x in xb] if scored else [model(x) for x in xb]
                batch_loss = loss_fn(preds, list(yb))
                if not isinstance(batch_loss, Value):
                    got = type(batch_loss).__name__
                    raise TypeError(f"fit: the loss returned {got}; it must return one Value")
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                total += batch_loss.data * len(xb)
                if scored:
                    correct += _correct(preds, yb, threshold)
                del preds, batch_loss  # free this graph before the next forward builds one
            history["loss"].append(total / n)
            if scored:
                history["accuracy"].append(correct / n)
            if bar is not None:
                bar.set_postfix(loss=f"{total / n:.4f}", **({"acc": f"{correct / n:.3f}"} if scored else {}))
            if callback is not None:
                callback(epoch, history)
            if not math.isfinite(total):
                break  # a diverged run: further epochs would only repeat nan
    finally:
        if bar is not None:
            bar.close()
    return history
