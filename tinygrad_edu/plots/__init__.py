"""Pictures of the ideas behind backprop, drawn with matplotlib from the engine's numbers.

Every function returns a :class:`matplotlib.figure.Figure` built without
``pyplot``, so no window ever opens (see :mod:`tinygrad_edu.plots.figure`);
save one with ``fig.savefig("name.png")`` or :func:`save_figure` (PNG + SVG).
Derivatives in the pictures come from ``backward()``, never from a hand formula.

=================================== ===========================================
``plot_activations``                 activations, their derivatives, where |f'| is tiny
``plot_activation_loss_experiment``  one neuron: sigmoid+BCE learns, relu+MSE is stuck
``plot_bce_eps``                     the eps inside BCE's log, near p = 0 and p = 1
``plot_bce_logit_gradient``          sigmoid + BCE: dL/dz = ŷ − y
``plot_gradient_flow``               mean |grad| per layer of deep nets
``plot_softmax_jacobian``            heatmap of ∂s_i/∂x_j
``plot_training``                    loss (and accuracy) per epoch
``plot_decision_boundary``           a 2-D classifier's regions and its data
=================================== ===========================================

Every function takes ``lang="en" | "zh"``: the labels come from the tables
of :mod:`tinygrad_edu.strings`, drawn in Chinese with an installed CJK font
(see :mod:`tinygrad_edu.plots.fonts`).  ``lang=None``, the default, is the
language set by ``tinygrad_edu.set_language`` (``tg.set_language("zh")`` once
and every figure is Chinese); an explicit ``lang=`` wins.  In Jupyter a figure left as a cell's
last expression shows as a PNG, with no ``%matplotlib`` line.

Needs the ``viz`` extra (``pip install "tinygrad_edu[viz]"``); without
matplotlib, importing this module is an ImportError that says so.
"""

try:
    import matplotlib  # noqa: F401 - only to say what is missing, in one line
except ImportError:
    raise ImportError('tinygrad_edu.plots needs matplotlib, which is not installed: '
                      'pip install "tinygrad_edu[viz]"') from None

from tinygrad_edu.plots.activations import activation_curve, plot_activations, value_and_derivative
from tinygrad_edu.plots.bce import plot_bce_eps, plot_bce_logit_gradient
from tinygrad_edu.plots.figure import PlotFigure, new_figure, save_figure
from tinygrad_edu.plots.fonts import CJKFontWarning, PlotTexts, find_cjk_font, plot_texts
from tinygrad_edu.plots.gradient_flow import gradient_flow, layer_grad_means, plot_gradient_flow
from tinygrad_edu.plots.neuron_experiment import activation_loss_experiment, plot_activation_loss_experiment
from tinygrad_edu.plots.softmax import plot_softmax_jacobian, softmax_jacobian
from tinygrad_edu.plots.training import decision_grid, plot_decision_boundary, plot_training

__all__ = [
    "plot_activations", "plot_activation_loss_experiment", "plot_bce_eps", "plot_bce_logit_gradient",
    "plot_gradient_flow", "plot_softmax_jacobian", "plot_training", "plot_decision_boundary",
    "activation_curve", "value_and_derivative", "activation_loss_experiment", "gradient_flow",
    "layer_grad_means", "softmax_jacobian", "decision_grid", "new_figure", "save_figure",
    "PlotFigure", "PlotTexts", "plot_texts", "find_cjk_font", "CJKFontWarning",
]
