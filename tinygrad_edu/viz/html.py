"""A self-contained HTML page that steps through the backward pass node by node.

Backpropagation visits the nodes in reverse topological order - the output
first, each node only after every node that uses it - so that when a node is
visited its gradient is final.  It then passes the gradient on to each input:

    grad(input) += grad(node) × ∂node/∂input

:func:`render_backward_html` lays the graph out once with Graphviz and writes
one HTML file holding that SVG, the frames of the backward pass as JSON and a
few lines of JavaScript.  Frame 0 shows the forward pass with only the seed
``grad(output) = 1``; each following frame takes one node, highlights it, the
edges to its inputs and the gradients it just updated, and prints the
chain-rule line of every update; the last frame shows every gradient.
Previous / next / play buttons (and the arrow keys, Home, End and the space
bar) move between frames.  The page loads nothing from anywhere: no network,
no external script, style or font.

In a notebook, :func:`backward_steps` returns the same page as an object that
displays inline (an ``<iframe>`` holding the page, its scripts sandboxed) and
that :meth:`BackwardSteps.save` writes to a file.

The gradients on the page come from the page's own backward pass over the
registry's local derivatives, so the page is the same whether or not
``backward()`` has been called, and ``.grad`` is left alone.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from tinygrad_edu import strings
from tinygrad_edu.engine.value import Value
from tinygrad_edu.viz.dot import run_dot
from tinygrad_edu.viz.errors import check_size
from tinygrad_edu.viz.files import check_outputs, write_atomic
from tinygrad_edu.viz.fonts import picture_lang
from tinygrad_edu.viz.graph import build_source
from tinygrad_edu.viz.labels import fixed_number, op_text, shown_names, visible_text
from tinygrad_edu.viz.walk import adjoints, local_derivatives, walk


def backward_frames(order: list[Value], lang: str = "en") -> list[dict[str, Any]]:
    """The frames of a backward pass over ``order`` (a walk, output last), in ``lang``'s words.

    Each frame is a dict: ``title``; ``lines`` (the chain-rule lines);
    ``set`` (``[node index, gradient text]`` pairs updated in this frame);
    ``active`` (the node being visited), ``updated`` (inputs whose gradient
    changed) and ``edges`` (ids of the edges used), for highlighting.

    >>> import tinygrad_edu as tg
    >>> x = tg.Value(3.0, label="x")
    >>> y = (x * 2.0).exp(); y.label = "y"
    >>> frames = backward_frames(walk(y))
    >>> [f["title"] for f in frames]   # doctest: +NORMALIZE_WHITESPACE
    ['Start: the forward pass has computed every value; seed grad(y) = dy/dy = 1',
     'Step 1 of 2: visit y = exp(u1)', 'Step 2 of 2: visit u1 = x × 2',
     'Done: every gradient is final']
    >>> frames[2]["lines"][1]        # grad(u1) = e⁶ = 403.4288, ∂u1/∂x = 2
    'grad(x) += grad(u1) × ∂u1/∂x = 403.4288 × 2.0000 = 806.8576'
    """
    w = strings.table(lang)
    names = shown_names(order)
    index = {id(v): i for i, v in enumerate(order)}
    root = order[-1]
    rname = names[id(root)]
    running: dict[int, float] = {id(v): 0.0 for v in order if v.requires_grad}
    touched: set[int] = {id(root)}
    running[id(root)] = 1.0
    frames: list[dict[str, Any]] = [{
        "title": w["steps.start_title"].format(r=rname),
        "lines": [w["steps.start_line"]],
        "set": [[len(order) - 1, fixed_number(1.0)]],
        "active": [], "updated": [len(order) - 1], "edges": [],
    }]
    inner = [v for v in reversed(order) if not v.is_leaf]
    for step, node in enumerate(inner, start=1):
        i = index[id(node)]
        name = names[id(node)]
        g = running[id(node)]
        spec = node.op_spec
        assert spec is not None
        op = op_text(node, names, lang=lang)
        lines = [w["steps.node_line"].format(name=name, op=op, g=fixed_number(g), symbol=spec.symbol,
                                             derivative=spec.derivative)]
        updates: list[list[Any]] = []
        updated: list[int] = []
        for x, d in zip(node.inputs, local_derivatives(node)):
            xname = names[id(x)]
            if not x.requires_grad:
                lines.append(w["steps.constant"].format(x=xname))
                continue
            contrib = g * d
            before = running[id(x)]
            running[id(x)] = before + contrib
            line = w["steps.update"].format(x=xname, name=name, g=fixed_number(g), d=fixed_number(d),
                                            c=fixed_number(contrib))
            if id(x) in touched:
                sign = f"− {fixed_number(-contrib)}" if contrib < 0 else f"+ {fixed_number(contrib)}"
                line += w["steps.running"].format(x=xname, before=fixed_number(before), sign=sign,
                                                  after=fixed_number(running[id(x)]))
            touched.add(id(x))
            lines.append(line)
            updates.append([index[id(x)], fixed_number(running[id(x)])])
            updated.append(index[id(x)])
        frames.append({
            "title": w["steps.step_title"].format(step=step, n=len(inner), name=name, op=op),
            "lines": lines, "set": updates, "active": [i], "updated": updated,
            "edges": [f"e{i}_{k}" for k in range(len(node.inputs))],
        })
    leaves = [v for v in order if v.is_leaf and v.requires_grad]
    frames.append({
        "title": w["steps.done_title"],
        "lines": [w["steps.done_line"].format(r=rname, x=names[id(v)], g=fixed_number(running[id(v)]))
                  for v in leaves],
        "set": [], "active": [], "updated": [index[id(v)] for v in leaves], "edges": [],
    })
    return frames


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.2rem;
       color: #111827; background: #fff; }
h1 { font-size: 1.25rem; margin: 0 0 .4rem 0; }
p.intro { color: #4b5563; margin: 0 0 .8rem 0; max-width: 60rem; }
#controls { display: flex; gap: .4rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
#controls button { font-size: 1rem; padding: .25rem .7rem; cursor: pointer; }
#counter { margin-left: .6rem; font-variant-numeric: tabular-nums; color: #374151; }
#step-title { font-weight: 600; margin: .6rem 0 .3rem 0; }
#lines { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9rem;
         background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 6px; padding: .5rem .8rem;
         white-space: pre-wrap; min-height: 3.5rem; }
#graph { margin-top: .8rem; overflow: auto; border: 1px solid #e5e7eb; border-radius: 6px; padding: .4rem; }
#graph svg { max-width: 100%; height: auto; cursor: zoom-in; }  /* a wide graph fits the window */
#graph.actual svg { max-width: none; cursor: zoom-out; }  /* click: actual size, scroll sideways */
.node.active polygon, .node.active ellipse { stroke: #dc2626; stroke-width: 3px; }
.node.updated polygon { stroke: #2563eb; stroke-width: 2.5px; }
text.grad-updated { fill: #dc2626; font-weight: bold; }
.edge.hl path { stroke: #dc2626; stroke-width: 2.5px; }
.edge.hl polygon { fill: #dc2626; stroke: #dc2626; }
.edge.hl text, .node text.hl { fill: #dc2626; font-weight: bold; }
.legend { color: #6b7280; font-size: .85rem; margin-top: .4rem; }
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("frames-data").textContent);
  var frames = data.frames, words = data.words, current = 0, timer = null;
  function fill(template, k, n) { return template.replace("{k}", String(k)).replace("{n}", String(n)); }
  var gradText = {};
  data.grad_nodes.forEach(function (i) {
    var g = document.getElementById("v" + i);
    if (!g) { return; }
    var texts = g.querySelectorAll("text"), found = null;
    for (var k = 0; k < texts.length; k++) {
      if (texts[k].textContent.indexOf(words.grad) === 0) { found = texts[k]; }
    }
    if (found) {
      found.classList.add("grad-cell");
      found.setAttribute("data-node", String(i));
      gradText[i] = found;
    }
  });
  function byId(id) { return document.getElementById(id); }
  function clearMarks() {
    ["active", "updated", "hl"].forEach(function (c) {
      Array.prototype.forEach.call(document.querySelectorAll("." + c), function (el) {
        el.classList.remove(c);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".grad-updated"), function (el) {
      el.classList.remove("grad-updated");
    });
  }
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    current = k;
    var state = {};
    for (var j = 0; j <= k; j++) {
      frames[j].set.forEach(function (p) { state[p[0]] = p[1]; });
    }
    Object.keys(gradText).forEach(function (i) {
      gradText[i].textContent = words.grad + (state.hasOwnProperty(i) ? state[i] : "\\u2014");
    });
    clearMarks();
    var f = frames[k];
    f.active.forEach(function (i) {
      [byId("v" + i), byId("v" + i + "_op")].forEach(function (el) {
        if (el) { el.classList.add("active"); }
      });
      var op = byId("v" + i + "_op"), box = byId("graph");
      if (op) {  // keep the visited op in view inside the scrolling graph box
        var r = op.getBoundingClientRect(), b = box.getBoundingClientRect();
        if (r.left < b.left || r.right > b.right) {
          box.scrollLeft += (r.left + r.right) / 2 - (b.left + b.right) / 2;
        }
      }
    });
    f.updated.forEach(function (i) {
      var el = byId("v" + i);
      if (el) { el.classList.add("updated"); }
      if (gradText[i]) { gradText[i].classList.add("grad-updated"); }
    });
    f.edges.forEach(function (id) {
      var el = byId(id);
      if (el) { el.classList.add("hl"); }
      var m = /^e(\\d+)_(\\d+)$/.exec(id), op = m && byId("v" + m[1] + "_op");
      if (op) {  // the op's cells of local derivatives, in input order
        var cell = op.querySelectorAll('text[font-size="9.00"]')[Number(m[2])];
        if (cell) { cell.classList.add("hl"); }
      }
    });
    byId("step-title").textContent = f.title;
    var box = byId("lines");
    while (box.firstChild) { box.removeChild(box.firstChild); }
    f.lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      box.appendChild(div);
    });
    var steps = frames.length - 2;
    byId("counter").textContent = fill(k === 0 ? words.counter_start
      : k <= steps ? words.counter_step : words.counter_done, k, steps);
    byId("first").disabled = byId("prev").disabled = (k === 0);
    byId("next").disabled = byId("last").disabled = (k === frames.length - 1);
    document.body.setAttribute("data-frame", String(k));
    if (k === frames.length - 1) { stop(); }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    byId("play").textContent = words.play;
    document.body.setAttribute("data-playing", "false");
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current === frames.length - 1) { show(0); }
    byId("play").textContent = words.pause;
    document.body.setAttribute("data-playing", "true");
    timer = setInterval(function () { show(current + 1); }, Number(byId("speed").value));
  }
  byId("first").onclick = function () { stop(); show(0); };
  byId("prev").onclick = function () { stop(); show(current - 1); };
  byId("next").onclick = function () { stop(); show(current + 1); };
  byId("last").onclick = function () { stop(); show(frames.length - 1); };
  byId("play").onclick = play;
  byId("speed").onchange = function () { if (timer !== null) { stop(); play(); } };
  byId("graph").onclick = function () { byId("graph").classList.toggle("actual"); };
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "SELECT") { return; }
    if (e.key === "ArrowRight") { stop(); show(current + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(current - 1); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(frames.length - 1); }
    else if (e.key === " ") { e.preventDefault(); play(); }
    else { return; }
  });
  show(0);
})();
"""


def _script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (json.dumps(obj, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def backward_page(root: Value, *, max_nodes: int = 200, rankdir: str = "LR", title: str | None = None,
                  timeout: float | None = None, lang: str | None = None) -> str:
    """The step-through page of ``root``'s backward pass, as an HTML string (see the module docstring)."""
    lang = picture_lang(strings.resolve(lang))
    w = strings.table(lang)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str (or None for the default), got {type(title).__name__}")
    order = walk(root)
    check_size(len(order), max_nodes, "the step-through page")
    if not root.requires_grad:
        raise ValueError(
            "the step-through page (render_backward_html, backward_steps) needs an output that requires "
            "grad; this one was made from constants, "
            "detached values or under no_grad(), so there is no backward pass to show"
        )
    names = shown_names(order)
    frames = backward_frames(order, lang)
    source = build_source(order, grads=adjoints(order), number=fixed_number, rankdir=rankdir, lang=lang)
    svg = run_dot(source, "svg", timeout=timeout, what=f"{len(order)} Values").decode("utf-8")
    svg = svg[svg.index("<svg"):]
    default = w["steps.heading"].format(name=names[id(root)])
    heading = visible_text(title if title is not None else default, max_chars=200)
    payload = {
        "frames": frames,
        "grad_nodes": [i for i, v in enumerate(order) if v.requires_grad],
        "words": {"grad": w["graph.grad"] + " ", "play": w["steps.play"], "pause": w["steps.pause"],
                  "counter_start": w["steps.counter_start"], "counter_step": w["steps.counter_step"],
                  "counter_done": w["steps.counter_done"]},
    }

    def e(key: str) -> str:
        return html.escape(w[key], quote=True)

    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(heading)}</title>
<style>{_CSS}</style>
</head>
<body data-frame="0" data-playing="false">
<h1>{html.escape(heading)}</h1>
<p class="intro">{e("steps.intro")}</p>
<div id="controls">
<button id="first" type="button" title="{e("steps.first_tip")}">{e("steps.first")}</button>
<button id="prev" type="button" title="{e("steps.prev_tip")}">{e("steps.prev")}</button>
<button id="play" type="button" title="{e("steps.play_tip")}">{e("steps.play")}</button>
<button id="next" type="button" title="{e("steps.next_tip")}">{e("steps.next")}</button>
<button id="last" type="button" title="{e("steps.last_tip")}">{e("steps.last")}</button>
<label>{e("steps.speed")} <select id="speed"><option value="400">{e("steps.fast")}</option>
<option value="1000" selected>{e("steps.normal")}</option>
<option value="2000">{e("steps.slow")}</option></select></label>
<span id="counter"></span>
</div>
<div id="step-title"></div>
<div id="lines"></div>
<div id="graph" title="{e("steps.graph_click")}">{svg}</div>
<div class="legend">{e("steps.legend")}</div>
<script type="application/json" id="frames-data">{_script_json(payload)}</script>
<script>{_JS}</script>
</body>
</html>
"""


def render_backward_html(
    root: Value,
    path: str | os.PathLike[str],
    *,
    max_nodes: int = 200,
    rankdir: str = "LR",
    title: str | None = None,
    timeout: float | None = None,
    lang: str | None = None,
) -> Path:
    """Write one offline HTML page that steps through ``root``'s backward pass; returns the path.

    Frames: the forward values with the seed grad(root) = 1, then one frame
    per op node in reverse topological order (that node, its edges, the
    gradients it updates and one chain-rule line per update), and a last frame
    with every gradient.  Needs Graphviz's ``dot`` for the layout; graphs with
    more than ``max_nodes`` Values are refused (one frame per node gets long).
    ``.grad`` is not touched.  ``timeout`` bounds Graphviz's layout in seconds
    (default 30, or ``$TINYGRAD_EDU_DOT_TIMEOUT``).  Any label can be shown:
    characters a file cannot hold (a lone surrogate) or a terminal would act on
    (control characters) are written as visible escapes such as ``\\ud800``.
    ``lang`` ("en" or "zh") is the language of the page - buttons, step texts
    and the graph's boxes; None means the language set by
    ``tinygrad_edu.set_language`` ("en" unless set).
    """
    (target,) = check_outputs([path])
    page = backward_page(root, max_nodes=max_nodes, rankdir=rankdir, title=title, timeout=timeout, lang=lang)
    write_atomic(target, page.encode("utf-8", "backslashreplace"))
    return target


#: Height of the inline page is estimated from the graph; it is kept within these bounds (pixels).
INLINE_MIN_HEIGHT, INLINE_MAX_HEIGHT = 320, 900


def _svg_height_px(svg: str) -> float:
    """The height of Graphviz's SVG in CSS pixels (dot writes it in points)."""
    m = re.search(r'<svg[^>]*\sheight="([\d.]+)(pt|px)?"', svg)
    if not m:
        return 300.0
    value = float(m.group(1))
    return value * 4 / 3 if m.group(2) in (None, "pt") else value


class BackwardSteps:
    """The step-through page of a backward pass, for a notebook: shown inline, or saved to a file.

    Made by :func:`backward_steps`.  Left as a cell's last expression it
    displays the page inside an ``<iframe>`` (its scripts run sandboxed, with
    no access to the notebook); :meth:`save` writes the same page as one
    offline HTML file; :attr:`html` is the page's text.
    """

    def __init__(self, page: str, n_frames: int, name: str, height: int, lang: str = "en") -> None:
        self.html = page
        self.n_frames = n_frames
        self.height = height
        self._name = name
        self._lang = lang

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically; missing folders are created); returns the path."""
        (target,) = check_outputs([path])
        write_atomic(target, self.html.encode("utf-8", "backslashreplace"))
        return target

    def _repr_html_(self) -> str:
        srcdoc = html.escape(self.html, quote=True)
        title = html.escape(strings.text(self._lang, "steps.iframe_title", name=self._name), quote=True)
        return (f'<iframe srcdoc="{srcdoc}" sandbox="allow-scripts" title="{title}" '
                f'style="box-sizing: border-box; width: 100%; height: {self.height}px; '
                f'border: 1px solid #e5e7eb; border-radius: 6px;" loading="eager"></iframe>')

    def __repr__(self) -> str:
        return (f"<BackwardSteps of {self._name}: {self.n_frames} frames; shown inline in a notebook, "
                f".save(path) writes the page>")


def backward_steps(
    root: Value,
    *,
    max_nodes: int = 200,
    rankdir: str = "LR",
    title: str | None = None,
    timeout: float | None = None,
    height: int | None = None,
    lang: str | None = None,
) -> BackwardSteps:
    """The step-through page of ``root``'s backward pass as a notebook object (see :class:`BackwardSteps`).

    The same page as :func:`render_backward_html` writes, with the same
    arguments and checks; ``height`` sets the inline frame's height in pixels
    (default: estimated from the graph, between 320 and 900).  ``.grad`` is
    not touched.  ``lang``: as for :func:`render_backward_html`.
    """
    if height is not None and (isinstance(height, bool) or not isinstance(height, int) or height < 50):
        raise ValueError(f"height must be an int of at least 50 pixels (or None), got {height!r}")
    lang = picture_lang(strings.resolve(lang))
    page = backward_page(root, max_nodes=max_nodes, rankdir=rankdir, title=title, timeout=timeout, lang=lang)
    order = walk(root)
    frames = backward_frames(order, lang)
    if height is None:
        longest = max(len(f["lines"]) for f in frames)
        start = page.index('<div id="graph"')
        estimate = 290 + 26 * longest + _svg_height_px(page[start:])
        height = int(min(INLINE_MAX_HEIGHT, max(INLINE_MIN_HEIGHT, estimate)))
    return BackwardSteps(page, len(frames), shown_names(order)[id(root)], height, lang)
