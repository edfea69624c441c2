"""The ``tinygrad-edu`` command (also ``python -m tinygrad_edu``).

Subcommands:

* ``graph`` - render a math expression typed on the command line: its graph
  with every local derivative on the edges (svg, png, pdf or dot), the chain
  rule as text (``--explain``), and a step-through page of the backward pass
  (``--html``).  The expression is parsed safely (:mod:`tinygrad_edu.viz.expr`),
  never evaluated as Python.

Adding a subcommand is one small function: write ``_name_command(sub)`` that
calls ``sub.add_parser(...)``, declares its arguments and sets
``run=<function taking the parsed args and returning an exit status>`` with
``set_defaults``, then append it to :data:`COMMANDS`.

Exit status: 0 on success, 2 for bad input (a refused expression, a malformed
``--set``, a math domain error, a graph over the size cap), 1 when the
environment fails (Graphviz missing, a file that cannot be written).  Errors
are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from tinygrad_edu.errors import TinygradEduError


class UsageError(TinygradEduError, ValueError):
    """Bad command-line input (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and a ``--help`` hint, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def _parse_optional(self, arg_string: str) -> Any:
        """``-x*2`` is an expression, not an option: a word after one ``-`` is an option only if declared."""
        if (arg_string[:1] == "-" and arg_string[1:2] not in ("", "-")
                and arg_string[:2] not in self._option_string_actions):
            return None  # a positional argument (argparse's own rule for "-1")
        return super()._parse_optional(arg_string)


#: Something that adds one subcommand to the ``add_subparsers()`` object it is given.
Command = Callable[[Any], None]

EXIT_CODES = """\
exit status:
  0    done
  1    the environment failed: Graphviz or an extra missing, a file that cannot be written
  2    bad input: a refused expression or option, a domain error, a non-finite result
  130  interrupted (Ctrl-C)
Errors are one line on standard error; "wrote FILE" lines go to standard error too,
so standard output holds only what was asked for (--explain, DOT, -o -)."""

GRAPH_EXAMPLES = """\
examples:
  tinygrad-edu graph "sigmoid(w*x + b)" --set x=1 w=2 b=0 -o neuron.svg
  tinygrad-edu graph "sigmoid(w*x + b)" --set x=1 w=2 b=0 --explain
  tinygrad-edu graph "x*x + x" --set x=3 --html steps.html
  tinygrad-edu graph "sigmoid(w*x + b)" --set x=1 w=2 b=0 --code
  tinygrad-edu graph "tanh(w1*x1 + w2*x2 + b)" --set x1=2 x2=0 w1=-3 w2=1 b=6.88 -o neuron.png
  tinygrad-edu graph "log(1 + exp(-(y*z)))" --set y=1 z=0.5 -o loss.pdf --color-by-grad

The expression may use numbers, the names given with --set, + - * / **, unary
minus and calls to the registry's functions (exp, log, sqrt, tanh, sigmoid,
relu, leaky_relu(x, slope), pow(x, p), sum(...), ...); an op's parameter may be
named as in Python: softplus(x, beta=2), clamp(x, min=0, max=1). Nothing else is accepted:
it is parsed, checked and computed by tinygrad_edu, never run as Python.
An expression may start with a minus: "-x*2" (quote it for the shell).
Names are read as Python reads them: fullwidth ｘ is x (NFKC), so --set ｘ=2
gives x its value and two names that read alike are refused. explain's
spellings are accepted too: max(a, b), min(a, b), σ(x), ReLU(x), Σ(a, b).
Without -o, --explain or --html the graph's DOT source is printed.
"""


def _parse_set(items: Sequence[str]) -> dict[str, float]:
    """``["x=1", "w=2"]`` -> ``{"x": 1.0, "w": 2.0}``; UsageError (one line) on anything else."""
    values: dict[str, float] = {}
    for item in items:
        name, eq, number = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise UsageError(f"--set expects NAME=NUMBER pairs such as x=1.5, got {item!r} "
                             "(put the expression before --set)")
        if not name.isidentifier():
            raise UsageError(f"--set {item!r}: {name!r} is not a valid variable name (letters, digits, _)")
        try:
            value = float(number)
        except ValueError:
            raise UsageError(f"--set {item!r}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--set {item!r}: the value must be a finite number")
        if name in values:
            raise UsageError(f"--set gives {name!r} twice")
        twin = next((n for n in values if _nfkc(n) == _nfkc(name)), None)
        if twin is not None:
            raise UsageError(f"--set gives {twin!r} and {name!r}, which Python reads as the same name "
                             f"{_nfkc(name)!r} (NFKC normalisation turns fullwidth and compatibility "
                             "letters into plain ones); rename one of them")
        values[name] = value
    return values


def _nfkc(name: str) -> str:
    """A name as Python's parser reads it (``ｘ`` is ``x``)."""
    return unicodedata.normalize("NFKC", name)


#: Names tried, in order, for the expression's result when ``--label`` is not given.
OUTPUT_NAMES = ("y", "f", "out", "result")


def _output_name(given: str | None, variables: Sequence[str]) -> str:
    """The result's label: ``--label`` if given (it must not be a variable), else the first free name."""
    taken = {_nfkc(v) for v in variables}  # compared as Python reads names: "ｙ" is "y"
    if given is not None:
        if _nfkc(given) in taken:
            raise UsageError(f"--label {given}: {given!r} is already a variable of the expression; "
                             "pick another name for the result")
        return given
    for name in OUTPUT_NAMES:
        if name not in taken:
            return name
    n = 1
    while f"out{n}" in taken:
        n += 1
    return f"out{n}"


def _check_finite(root: Any, leaves: dict[str, Any], backward: bool) -> None:
    """Refuse (UsageError) a value or a gradient that is inf or nan: the picture would teach nothing."""
    if not math.isfinite(root.data):
        raise UsageError(f"the expression's value is {root.data} (it overflows or is undefined, "
                         "not a finite number); choose smaller inputs or a different expression")
    if backward:
        bad = sorted(name for name, leaf in leaves.items() if not math.isfinite(leaf.grad))
        if bad:
            raise UsageError(f"the gradient with respect to {', '.join(bad)} overflows or is undefined "
                             "(not a finite number); choose smaller inputs or a different expression")


def _generated_program(root: Any, leaves: dict[str, Any]) -> str:
    """The straight-line forward and backward program that ``tg.compile`` writes for ``root``."""
    from tinygrad_edu.engine.compiled import compile as compile_step

    params = [leaf for leaf in leaves.values() if leaf.requires_grad]
    if root.is_leaf:
        raise UsageError("--code needs an expression with at least one operation, not a lone variable")
    return compile_step(lambda: root, params).source


def _run_graph(args: argparse.Namespace) -> int:
    """Compute every requested output in memory, then write the files, then print.

    Nothing is written unless every output could be made: the file names are
    checked first, and a failure while laying out the picture or the page
    leaves every file as it was.
    """
    from tinygrad_edu.viz.expr import parse_expression
    from tinygrad_edu.viz.files import check_outputs, write_atomic
    from tinygrad_edu.viz.graph import format_of, graph_bytes, graph_source

    to_stdout = args.output == "-"
    if args.format is not None and not to_stdout:
        raise UsageError("--format is for -o - (standard output); with a file name, its suffix picks "
                         "the format (.svg .png .pdf .dot)")
    if to_stdout and (args.explain or args.code):
        flag = "--explain" if args.explain else "--code"
        raise UsageError(f"-o - and {flag} both write to standard output; "
                         f"write the picture to a file, or drop {flag}")
    if args.html == "-":
        raise UsageError("--html needs a file name such as steps.html ('-' is only for -o)")
    for option, name in (("-o", args.output), ("--html", args.html)):
        if name is not None and not name.strip():
            raise UsageError(f"{option} got an empty file name; give one such as "
                             f"{'graph.svg' if option == '-o' else 'steps.html'}")
    files = ([args.output] if args.output is not None and not to_stdout else []) + (
        [args.html] if args.html is not None else [])
    check_outputs(files)  # empty names, folders, a file as parent, the same file twice: refused up front
    fmt = "dot"
    if to_stdout:
        fmt = args.format or "dot"
    elif args.output is not None:
        fmt = format_of(args.output)

    variables = _parse_set(args.set)
    root, leaves = parse_expression(args.expression, variables)
    unused = sorted(set(variables) - set(leaves))
    if unused:
        print(f"note: {', '.join(unused)} set but not used in the expression", file=sys.stderr)
    if not root.is_leaf:
        root.label = _output_name(args.label, list(variables))
    _check_finite(root, leaves, backward=False)
    code = None
    if args.code:
        code = _generated_program(root, leaves)
    if not args.no_backward:
        root.backward()
        _check_finite(root, leaves, backward=True)
    opts: dict[str, Any] = {"rankdir": args.rankdir, "show_local_grads": not args.no_local_grads,
                            "color_by_grad": args.color_by_grad, "max_nodes": args.max_nodes,
                            "lang": args.lang}
    source = graph_source(root, **opts)  # refuses an over-size graph before anything is laid out

    writes: list[tuple[str, bytes]] = []
    picture: bytes | None = None
    if args.output is not None:
        picture = graph_bytes(source, fmt, fallback=None if to_stdout else args.output)
        if not to_stdout:
            writes.append((args.output, picture))
    if args.html is not None:
        from tinygrad_edu.viz.html import backward_page

        page = backward_page(root, max_nodes=args.max_nodes, rankdir=args.rankdir, lang=args.lang)
        writes.append((args.html, page.encode("utf-8", "backslashreplace")))
    text = None
    if args.explain:
        from tinygrad_edu.viz.explain import explain

        text = str(explain(root, lang=args.lang))

    for path, data in writes:
        write_atomic(path, data)
        print(f"wrote {path}", file=sys.stderr)
    if to_stdout and picture is not None:
        if fmt == "dot":
            sys.stdout.write(picture.decode("utf-8"))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(picture)
            sys.stdout.buffer.flush()
    if text is not None:
        print(text)
    if code is not None:
        if text is not None:
            print()
        print(code, end="" if code.endswith("\n") else "\n")
    if args.output is None and args.html is None and not args.explain and not args.code:
        print(source, end="" if source.endswith("\n") else "\n")
    return 0


def _graph_command(sub: Any) -> None:
    from tinygrad_edu.viz.graph import RANKDIRS

    p = sub.add_parser(
        "graph",
        help="draw an expression's graph and chain rule",
        description="Draw the computation graph of EXPRESSION with each edge labelled by its local "
                    "derivative, after a backward pass from the output.",
        epilog=GRAPH_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("expression", help='e.g. "sigmoid(w*x + b)" (quote it for the shell)')
    p.add_argument("--set", nargs="+", action="extend", default=[], metavar="NAME=NUMBER",
                   help="values of the expression's variables, e.g. --set x=1 w=2 b=0")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the graph to FILE; the suffix picks the format: .svg .png .pdf .dot; "
                        "'-' writes it to standard output (DOT, or --format)")
    p.add_argument("--format", choices=("dot", "svg", "png", "pdf"),
                   help="the format for -o - (default: dot)")
    p.add_argument("--explain", action="store_true", help="print the chain rule path by path")
    p.add_argument("--html", metavar="FILE", help="write a step-through page of the backward pass")
    p.add_argument("--code", action="store_true",
                   help="print the program tg.compile writes for it: forward, then backward; every "
                        "gradient d_v belongs to a value v that the forward pass names")
    p.add_argument("--label", default=None,
                   help="name of the expression's result (default: y, or f, out, ... if y is a variable)")
    p.add_argument("--rankdir", choices=RANKDIRS, default="LR", help="layout direction (default: LR)")
    p.add_argument("--color-by-grad", action="store_true", help="shade boxes by |grad| (log scale)")
    p.add_argument("--no-local-grads", action="store_true", help="leave the edges unlabelled")
    p.add_argument("--no-backward", action="store_true", help="draw before any backward pass (grads 0)")
    p.add_argument("--max-nodes", type=int, default=500, metavar="N",
                   help="refuse graphs with more than N Values (default: 500)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the picture, --explain and --html: en or zh (数据 / 梯度; default: en)")
    p.set_defaults(run=_run_graph)


def _tour_command(sub: Any) -> None:
    """``tour --out DIR``: run every demo into a picture gallery (see :mod:`tinygrad_edu.tour`)."""
    from tinygrad_edu import tour

    p = sub.add_parser(
        "tour", help="run the guided tour of demos into a picture gallery",
        description="Run every demo (with a progress bar on a terminal) and write its pictures (png, svg), "
                    "an offline gallery index.html with a caption per picture, and summary.txt into --out.",
        epilog="example: tinygrad-edu tour --out gallery   (then open gallery/index.html)\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tour.build_parser(p)
    p.set_defaults(run=tour.main_from_args)


#: Every subcommand, in the order ``--help`` lists them.
COMMANDS: list[Command] = [_graph_command, _tour_command]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of :data:`COMMANDS`."""
    from tinygrad_edu import __version__

    parser = _Parser(
        prog="tinygrad-edu",
        description="tinygrad_edu: see the chain rule of a scalar autodiff engine.",
        epilog='example: tinygrad-edu graph "sigmoid(w*x + b)" --set x=1 w=2 b=0 -o neuron.svg\n'
               "run 'tinygrad-edu COMMAND --help' for a command's options and examples\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status.

    >>> main(["graph", "x*x", "--set", "x=3", "--explain"])
    y = x × x = 9.0000
    with x = 3.0000
    local derivatives (from the ops registry):
      ×  f(a, b) = a · b:  ∂f/∂a = b, ∂f/∂b = a
    <BLANKLINE>
    dy/dx = sum over 2 paths, as x is used more than once:
      dy/dx (argument 1) = 3.0000
      dy/dx (argument 2) = 3.0000
      dy/dx = 3.0000 + 3.0000 = 6.0000
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    prefix = f"{parser.prog} {args.command}: error:"
    try:
        status: int = args.run(args)
    except (ValueError, ArithmeticError, TypeError) as exc:  # bad input: a refused expression, log(-1), ...
        print(f"{prefix} {_one_line(exc)}", file=sys.stderr)
        return 2
    except (TinygradEduError, OSError, ImportError) as exc:  # the environment: no Graphviz, a full disk, ...
        print(f"{prefix} {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prefix} interrupted", file=sys.stderr)
        return 130
    return status
