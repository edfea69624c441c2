"""A small training loop: ``fit`` runs epochs of mini-batch gradient descent; ``accuracy`` scores.

One step of ``fit`` is the loop every learner writes by hand::

    preds = [model(x) for x in X_batch]          # forward: build the graph
    loss = loss_fn(preds, y_batch)               # one scalar Value
    optimizer.zero_grad(); loss.backward()       # back-propagation: dL/dw for every w
    optimizer.step()                             # gradient descent: w ← w − lr·dL/dw

``fit`` only adds the bookkeeping: shuffled mini-batches from a seed, the
average loss and the accuracy of each epoch, and a progress bar when tqdm is
installed (silence when it is not).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import tinygrad_edu.functional as F
from tinygrad_edu.data import Seed, as_rng, iterate_batches
from tinygrad_edu.engine.mode import no_grad
from tinygrad_edu.engine.value import Value
from tinygrad_edu.optim import Adam, Optimizer

LossFn = Callable[[list[Any], list[Any]], Value]
History = dict[str, list[float]]

LOSSES: dict[str, LossFn] = {
    "mse": F.mse_loss,  # type: ignore[dict-item]
    "bce": F.binary_cross_entropy,  # type: ignore[dict-item]
    "bce_with_logits": F.binary_cross_entropy_with_logits,  # type: ignore[dict-item]
    "cross_entropy": F.cross_entropy,  # type: ignore[dict-item]
}

__all__ = ["fit", "accuracy", "predict", "LOSSES"]


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _is_vector(x: Any) -> bool:
    return not isinstance(x, (Value, int, float)) and isinstance(x, Iterable)


def predict(model: Callable[[Any], Any], X: Sequence[Any]) -> list[Any]:  # noqa: N803 - X as in scikit-learn
    """The model's outputs for every row of ``X`` as floats (lists of floats for vector outputs), no graph.

    >>> predict(lambda x: x[0] * 2, [[1.0], [2.5]])
    [2.0, 5.0]
    """
    with no_grad():
        outs = [model(x) for x in X]
    return [[_number(o) for o in out] if _is_vector(out) else _number(out) for out in outs]


def accuracy(preds: Sequence[Any], targets: Sequence[Any], *, threshold: float = 0.0) -> float:
    """The fraction of correct predictions.

    Vector predictions (class scores or probabilities) are right when their
    argmax is the target class index.  Scalar predictions are binary: the
    predicted class is positive when ``pred > threshold`` - 0 for raw scores
    (logits, micrograd's ±1 margin scores), 0.5 for probabilities - and the
    target is positive when it is > 0, so labels may be 0/1 or −1/+1.

    >>> accuracy([0.3, -2.0, 1.5], [1, 0, 0])
    0.6666666666666666
    >>> accuracy([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]], [1, 2])
    0.5
    """
    if len(preds) != len(targets):
        raise ValueError(f"accuracy: {len(preds)} predictions but {len(targets)} targets; they must match")
    if not preds:
        raise ValueError("accuracy: no predictions to score")
    correct = 0
    for p, t in zip(preds, targets):
        if _is_vector(p):
            scores = [_number(s) for s in p]
            correct += max(range(len(scores)), key=scores.__getitem__) == _number(t)
        else:
            correct += (_number(p) > threshold) == (_number(t) > 0)
    return correct / len(preds)


def _loss_and_threshold(loss: str | LossFn, model: Any, first_output: Any,
                        y: Sequence[Any]) -> tuple[LossFn, float]:
    if callable(loss):
        return loss, 0.0
    name = loss
    if name == "auto":
        if _is_vector(first_output):
            name = "cross_entropy"
        elif getattr(model, "output_activation", None) == "sigmoid":
            name = "bce"
        else:
            name = "bce_with_logits"
    if name not in LOSSES:
        raise ValueError(f"fit(loss) must be 'auto', one of {', '.join(LOSSES)}, or a function; got {loss!r}")
    if name == "bce" or (name == "mse" and not _is_vector(y[0]) and min(_number(t) for t in y) >= 0.0):
        return LOSSES[name], 0.5  # probabilities, or regression onto labels 0/1
    return LOSSES[name], 0.0


def fit(model: Any, X: Sequence[Any], y: Sequence[Any], *,  # noqa: N803 - X as in scikit-learn
        loss: str | LossFn = "auto", optimizer: Optimizer | None = None, epochs: int = 100,
        batch_size: int | None = None, progress: bool = True, seed: Seed = None, shuffle: bool = True,
        callback: Callable[[int, History], Any] | None = None) -> History:
    """Train ``model`` on ``(X, y)``; return ``{"loss": [...], "accuracy": [...]}``, one entry per epoch.

    * ``loss``: ``"mse"``, ``"bce"`` (the model outputs probabilities),
      ``"bce_with_logits"`` (raw scores, labels 0/1), ``"cross_entropy"``
      (a vector of class scores, labels 0..K−1), a function
      ``(preds, targets) -> Value``, or ``"auto"``: cross_entropy for vector
      outputs, bce for a model whose ``output_activation`` is sigmoid,
      bce_with_logits otherwise.
    * ``optimizer``: default ``Adam(model.parameters(), lr=0.01)``.
    * ``batch_size``: None for full-batch gradient descent; otherwise batches
      are reshuffled every epoch from ``seed`` (same seed, same run).
    * The epoch's loss is the average of the batch losses weighted by batch
      size; its accuracy is scored on the predictions made during the epoch
      (with the parameters of that moment), which costs nothing extra.  Use
      ``accuracy(predict(model, X), y)`` for the final model.
    * Targets that are vectors (regression onto several outputs with mse)
      get no accuracy: the history then has only ``"loss"``.
    * ``progress``: a tqdm bar over the epochs if tqdm is installed, else silence.
    * ``callback(epoch, history)`` runs after each epoch (for live plots).
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
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit(optimizer) must be an optimizer from tinygrad_edu.optim, got {optimizer!r:.40}")
    rng = as_rng(seed, "fit(seed)")
    with no_grad():
        first = model(X[0])
    loss_fn, threshold = _loss_and_threshold(loss, model, first, y)

    scored = not _is_vector(y[0])  # class labels: accuracy is defined; vector targets: regression
    history: History = {"loss": [], "accuracy": []} if scored else {"loss": []}
    epoch_iter: Iterable[int] = range(epochs)
    bar: Any = None
    if progress:
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            bar = tqdm(epoch_iter, desc="fit", unit="epoch")
            epoch_iter = bar
    try:
        for epoch in epoch_iter:
            total = 0.0
            correct = 0.0
            for xb, yb in iterate_batches(X, y, size, shuffle=shuffle, seed=rng):
                preds = [model(x) for x in xb]
                batch_loss = loss_fn(preds, list(yb))
                if not isinstance(batch_loss, Value):
                    got = type(batch_loss).__name__
                    raise TypeError(f"fit: the loss returned {got}; it must return one Value")
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                total += batch_loss.data * len(xb)
                if scored:
                    correct += accuracy(preds, yb, threshold=threshold) * len(xb)
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
