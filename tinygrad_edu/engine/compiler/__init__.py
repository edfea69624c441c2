"""The compiler behind :func:`tinygrad_edu.compile`, in short modules.

* :mod:`.trace`   - the recorded graph as flat lists (nodes, inputs, which gradients are needed);
* :mod:`.naming`  - the one rule for text from the user's graph: it never becomes code;
* :mod:`.expr` and :mod:`.codegen` - the registry's template text pasted into a straight-line program;
* :mod:`.regions` - a batch's repeated per-sample subgraphs, found in the graph;
* :mod:`.loops` and :mod:`.looped` - each such shape written once, as a loop, with the rest straight-line;
* :mod:`.replay`  - the loop that runs a graph too large to compile quickly.

The public object, :class:`~tinygrad_edu.engine.compiled.CompiledStep`, and
:func:`~tinygrad_edu.engine.compiled.compile` live in :mod:`tinygrad_edu.engine.compiled`.
"""
