"""Safe parsing of a typed math expression such as ``"sigmoid(w*x + b)"`` into a graph of Values.

The text is parsed with :mod:`ast` and then checked against a whitelist
*before* anything is computed:

* numbers (int or float literals);
* variable names, each given a value by the caller (``--set x=1`` on the
  command line); every use of a name is the same leaf Value, so reuse shows up
  in the graph;
* the operators ``+ - * / **`` and unary ``-`` / ``+``;
* calls to the functions of the ops registry (``exp``, ``log``, ``sigmoid``,
  ``relu``, ``leaky_relu``, ``sum``, ...), so a new registered op is callable
  here with no change to this module.  An op's parameter may be given by
  position or by its name, as in Python: ``leaky_relu(x, 0.1)`` or
  ``leaky_relu(x, negative_slope=0.1)``, ``softplus(x, beta=2)``,
  ``clamp(x, 0, 1)``, ``clamp(x, max=1)``;

Everything else - attribute access, subscripts, lambdas, comprehensions,
strings, comparisons, other keyword arguments, unknown names or functions - is
refused with an :class:`ExpressionError` whose one-line message names the
construct and says what is allowed.  The text is never handed to ``eval``,
``exec`` or ``compile``: the checked tree is walked by a small interpreter that
only knows the whitelisted nodes, so nothing in the text can run.

Sub-expressions made only of numbers are folded to a number with the
registry's forward (so ``x ** (1/2)`` is one ``pow`` node with exponent 0.5).
"""

from __future__ import annotations

import ast
import keyword
import math
import unicodedata
from collections.abc import Mapping
from typing import Any, Union

from tinygrad_edu.engine.value import Value, binary, const, nary, unary
from tinygrad_edu.errors import TinygradEduError
from tinygrad_edu.ops.registry import REGISTRY, Op

#: Longest expression accepted, in characters.
MAX_EXPRESSION_CHARS = 5000

Operand = Union[Value, float]

_BINOPS: dict[type, str] = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}

_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.Compare: "comparisons",
    ast.BoolOp: "and / or",
    ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignments (:=)",
    ast.Starred: "* unpacking",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.JoinedStr: "f-strings",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class ExpressionError(TinygradEduError, ValueError):
    """An expression was refused or could not be computed; the message is one line."""


def aliases() -> dict[str, str]:
    """Other spellings of the registry's functions: the symbol that ``explain`` prints, when it is a name.

    ``explain`` writes ``max(a, b)``, ``σ(u1)``, ``ReLU(x)``; an expression may
    use those names too.  Names are compared after NFKC normalisation, as
    Python's parser does.

    >>> aliases()["max"], aliases()["min"], aliases()["σ"]
    ('maximum', 'minimum', 'sigmoid')
    """
    out: dict[str, str] = {}
    for name, op in sorted(REGISTRY.items()):
        symbol = unicodedata.normalize("NFKC", op.symbol)
        if symbol.isidentifier() and not keyword.iskeyword(symbol) and symbol not in REGISTRY:
            out.setdefault(symbol, name)
    return out


def functions() -> dict[str, Op]:
    """The functions an expression may call: every op of the registry, by name and by its alias.

    >>> {"exp", "log", "sigmoid", "relu", "leaky_relu", "sum", "max", "min"} <= set(functions())
    True
    """
    funcs = dict(sorted(REGISTRY.items()))
    for alias, name in aliases().items():
        funcs[alias] = REGISTRY[name]
    return funcs


def allowed_text(variables: Mapping[str, float] | None = None) -> str:
    """One sentence saying what an expression may contain."""
    names = ", ".join(sorted(variables)) if variables else "none given"
    spelled = ", ".join(f"{REGISTRY[n].symbol} for {n}" for n in aliases().values())
    return (f"allowed: numbers, the variables given values ({names}), + - * / **, unary minus, "
            f"and calls to {', '.join(sorted(REGISTRY))} (also written {spelled})")


def normalized_name(name: str) -> str:
    """``name`` as Python's parser reads it: NFKC-normalised (fullwidth ``ｘ`` is ``x``, ``ﬁ`` is ``fi``).

    >>> normalized_name("ｘ"), normalized_name("w1")
    ('x', 'w1')
    """
    return unicodedata.normalize("NFKC", name)


def _typed(text: str, node: ast.Name) -> str:
    """The name as typed in ``text`` (before Python normalised it), for messages."""
    typed = ast.get_source_segment(text, node) or node.id
    return f"{typed!r} (read as {node.id!r})" if typed != node.id else repr(node.id)


def _snippet(text: str, node: ast.AST) -> str:
    seg = ast.get_source_segment(text, node) or type(node).__name__
    seg = " ".join(seg.split())
    return seg if len(seg) <= 40 else seg[:39] + "…"


def _refuse(text: str, node: ast.AST, what: str, variables: Mapping[str, float]) -> ExpressionError:
    return ExpressionError(f"refused {_snippet(text, node)!r} ({what}); {allowed_text(variables)}")


def _check(text: str, tree: ast.Expression, variables: Mapping[str, float]) -> None:
    """Refuse every node outside the whitelist (the whole tree is checked before anything runs)."""
    funcs = functions()
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or value is None or not isinstance(value, (int, float)):
                kind = "strings" if isinstance(value, (str, bytes)) else f"the constant {value!r:.20}"
                if isinstance(value, complex):
                    kind = "complex numbers"
                raise _refuse(text, node, kind, variables)
            if isinstance(value, float) and not math.isfinite(value):  # 1e999 reads as inf
                literal = ast.get_source_segment(text, node) or repr(value)
                raise ExpressionError(f"the number {literal} is too large for a float (it would be inf); "
                                      "use a finite number, as --set does")
        elif isinstance(node, ast.Name):
            if node.id not in variables:
                hint = (f"{node.id} is a function: call it as {node.id}(...)" if node.id in funcs
                        else f"give it a value (on the command line: --set {node.id}=1.5)")
                raise ExpressionError(
                    f"unknown name {_typed(text, node)}: {hint}; {allowed_text(variables)}"
                )
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                op = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                      ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}.get(type(node.op), "?")
                raise _refuse(text, node, f"the operator {op}", variables)
            stack += [node.right, node.left]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refuse(text, node, "not / ~", variables)
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _refuse(text, node, "calling anything but a function name", variables)
            if node.func.id not in funcs:
                raise ExpressionError(
                    f"unknown function {_typed(text, node.func)} in {_snippet(text, node)!r}; "
                    f"{allowed_text(variables)}"
                )
            allowed = keyword_names(funcs[node.func.id])
            for kw in node.keywords:
                if kw.arg not in allowed:
                    given = "** unpacking" if kw.arg is None else f"the keyword {kw.arg}="
                    takes = (f"it takes {', '.join(k + '=' for k in allowed)}" if allowed
                             else "it takes no keyword arguments")
                    raise ExpressionError(f"{node.func.id}() does not take {given} in "
                                          f"{_snippet(text, node)!r}: {takes}")
            if len({kw.arg for kw in node.keywords}) < len(node.keywords):
                raise _refuse(text, node, "a keyword given twice", variables)
            stack += reversed([*node.args, *(kw.value for kw in node.keywords)])
        else:
            raise _refuse(text, node, _REFUSED.get(type(node), f"{type(node).__name__} expressions"),
                          variables)


#: Keyword names of an op whose parameter is several numbers (its method's parameter names).
_TUPLE_KEYWORDS: dict[str, tuple[str, ...]] = {"clamp": ("min", "max")}


def keyword_names(op: Op) -> tuple[str, ...]:
    """The keywords a call of ``op`` may use: its parameter's name, e.g. ``negative_slope``.

    >>> from tinygrad_edu.ops import REGISTRY
    >>> keyword_names(REGISTRY["softplus"]), keyword_names(REGISTRY["clamp"]), keyword_names(REGISTRY["exp"])
    (('beta',), ('min', 'max'), ())
    """
    if op.arity != 1 or not op.param or op.name == "pow":
        return ()
    if isinstance(op.domain.params[0], tuple):
        return _TUPLE_KEYWORDS.get(op.name, ())
    return (op.param,)


def _public_method(op: Op) -> Any:
    """``Value.<method>`` of a unary op with a parameter (``Value.softplus``), or None."""
    if not op.method.isidentifier() or op.method.startswith("_"):
        return None
    return getattr(Value, op.method, None)


def _with_keywords(name: str, op: Op, args: list[Operand], kwargs: dict[str, Operand]) -> list[Any]:
    """The positional form of a call with keywords: ``clamp(x, max=1)`` -> ``[x, None, 1]``."""
    names = keyword_names(op)
    if not args:
        raise ExpressionError(f"{name}() needs its input first, e.g. {name}(x, {names[0]}=...)")
    if len(args) > 1 + len(names):
        raise ExpressionError(f"{name}() takes at most {1 + len(names)} arguments, got {len(args)}")
    full: list[Any] = [*args] + [None] * (1 + len(names) - len(args))
    for i, key in enumerate(names, start=1):
        if key in kwargs:
            if i < len(args):
                raise ExpressionError(f"{name}() got {key} twice, by position and as {key}=")
            full[i] = kwargs[key]
    return full


def _call(name: str, op: Op, args: list[Operand], kwargs: dict[str, Operand] | None = None) -> Operand:
    """Apply registry op ``op`` to ``args``: a number when all args are numbers, else a new node."""
    if kwargs:
        args = _with_keywords(name, op, args, kwargs)
    n = len(args)
    if op.arity == 1:
        if op.param:
            method = _public_method(op)
            if n == 1 and isinstance(args[0], Value) and method is not None \
                    and not isinstance(op.domain.params[0], tuple):
                out = method(args[0])  # the method's default parameter
                if isinstance(out, Value) and out.op_spec is op:
                    return out
            p: Any  # a number, or a tuple of numbers (clamp's bounds)
            sample = op.domain.params[0]
            if isinstance(sample, tuple):  # a parameter of several numbers: clamp(x, lo, hi)
                keys = keyword_names(op) or (op.param,) * len(sample)
                if not 2 <= n <= 1 + len(sample) or any(isinstance(q, Value) for q in args[1:]):
                    raise ExpressionError(f"{name}() takes x and up to {len(sample)} numbers "
                                          f"({', '.join(keys)}), got {n} arguments")
                bounds: list[float | None] = [None if q is None else float(q) for q in args[1:]]
                bounds += [None] * (len(sample) - len(bounds))
                if all(q is None for q in bounds):
                    raise ExpressionError(f"{name}() needs {' or '.join(keys)}, e.g. {name}(x, {keys[0]}=0)")
                x, p = args[0], tuple(bounds)
            elif n != 2:
                raise ExpressionError(f"{name}() takes 2 arguments (x, {op.param}), got {n}")
            else:
                x, p = args
            if isinstance(p, Value):
                raise ExpressionError(f"{name}(): its {op.param} must be a number, "
                                      f"not an expression with variables")
            if method is not None:  # the method checks its parameter as in Python (softplus: beta > 0)
                v = x if isinstance(x, Value) else const(x)
                out = method(v, *p) if isinstance(p, tuple) else method(v, p)
                if isinstance(out, Value) and out.op_spec is op:
                    return out if isinstance(x, Value) else out.data
            if not isinstance(x, Value):
                return op.call_forward((x,), p)
            return unary(op, op.call_forward((x.data,), p), x, p)
        if n != 1:
            raise ExpressionError(f"{name}() takes 1 argument, got {n}")
        (x,) = args
        if not isinstance(x, Value):
            return op.call_forward((x,))
        return unary(op, op.call_forward((x.data,)), x)
    if op.arity == 2:
        if n != 2:
            raise ExpressionError(f"{name}() takes 2 arguments, got {n}")
        a, b = args
        if not isinstance(a, Value) and not isinstance(b, Value):
            return op.forward(a, b)  # type: ignore[no-any-return]
        va, vb = const(a), const(b)
        return binary(op, op.forward(va.data, vb.data), va, vb)
    if n == 0 or (name == "dot" and n % 2):
        need = "an even number of arguments: dot(w1, ..., wn, x1, ..., xn)" if name == "dot" \
            else "at least 1 argument"
        raise ExpressionError(f"{name}() takes {need}, got {n}")
    if not any(isinstance(a, Value) for a in args):
        return op.forward(*args)  # type: ignore[no-any-return]
    ins = tuple(const(a) for a in args)
    return nary(op, op.forward(*(v.data for v in ins)), ins)


def _binop(kind: str, a: Operand, b: Operand) -> Operand:
    if isinstance(a, Value) or isinstance(b, Value):
        if kind == "add":
            return a + b
        if kind == "sub":
            return a - b
        if kind == "mul":
            return a * b
        if kind == "div":
            return a / b
        return a**b
    return REGISTRY[kind].forward(a, b)  # type: ignore[no-any-return]


def _evaluate(tree: ast.Expression, leaves: Mapping[str, Value]) -> Operand:
    """Walk the checked tree bottom-up with an explicit stack (any nesting depth)."""
    funcs = functions()
    results: list[Operand] = []
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            number = node.value
            assert isinstance(number, (int, float))  # checked by _check
            try:
                literal = float(number)
            except OverflowError:
                raise ExpressionError(f"the number {str(number)[:20]}… is too large for a float") from None
            results.append(literal)
        elif isinstance(node, ast.Name):
            results.append(leaves[node.id])
        elif not ready:
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack += [(node.right, False), (node.left, False)]
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            elif isinstance(node, ast.Call):
                stack += [(a, False) for a in reversed([*node.args, *(kw.value for kw in node.keywords)])]
        elif isinstance(node, ast.BinOp):
            b = results.pop()
            a = results.pop()
            results.append(_binop(_BINOPS[type(node.op)], a, b))
        elif isinstance(node, ast.UnaryOp):
            x = results.pop()
            results.append(-x if isinstance(node.op, ast.USub) else x)
        elif isinstance(node, ast.Call):
            n, k = len(node.args), len(node.keywords)
            given = results[len(results) - n - k:]
            del results[len(results) - n - k:]
            kwargs = {str(kw.arg): value for kw, value in zip(node.keywords, given[n:])}
            assert isinstance(node.func, ast.Name)
            results.append(_call(node.func.id, funcs[node.func.id], given[:n], kwargs))
    (result,) = results
    return result


def parse_expression(text: str, variables: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``text`` with ``variables`` as labelled leaves; returns (output, leaves).

    Raises :class:`ExpressionError` (one line) for anything outside the
    whitelist - before computing anything - and for math errors such as
    ``log(-1)``.  Names are matched as Python reads them, after NFKC
    normalisation: a variable given as ``ｘ`` (fullwidth) is the ``x`` of the
    text and keeps the caller's spelling as its label; two variables that
    normalise to one name are refused.  The leaves are keyed by the caller's
    spelling.

    >>> y, leaves = parse_expression("sigmoid(w*x + b)", {"x": 1.0, "w": 2.0, "b": 0.0})
    >>> round(y.data, 4), y.op, sorted(leaves)
    (0.8808, 'sigmoid', ['b', 'w', 'x'])
    >>> parse_expression("().__class__", {})
    Traceback (most recent call last):
    ...
    tinygrad_edu.viz.expr.ExpressionError: refused '().__class__' (attribute access); allowed: ...
    """
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"the expression is {len(text)} characters long; at most "
                              f"{MAX_EXPRESSION_CHARS} are accepted")
    spelled: dict[str, str] = {}  # the name as Python reads it -> as the caller spelled it
    for name in variables:
        if not name.isidentifier():
            raise ExpressionError(f"variable name {name!r} is not a valid name (letters, digits, _)")
        key = normalized_name(name)
        if key in spelled:
            raise ExpressionError(
                f"the variables {spelled[key]!r} and {name!r} are one name to Python, which reads both "
                f"as {key!r} (NFKC normalisation: fullwidth and compatibility letters become plain "
                "ones); rename one of them"
            )
        spelled[key] = name
    given = {key: variables[name] for key, name in spelled.items()}
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {_shorten(text)!r}: {exc.msg} (column {exc.offset}); "
                              f"write it as Python arithmetic, e.g. 'sigmoid(w*x + b)'") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse {_shorten(text)!r}: {type(exc).__name__}: {exc}") from None
    _check(text.strip(), tree, given)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in given}
    leaves = {key: Value(float(given[key]), label=name) for key, name in spelled.items()}
    try:
        result = _evaluate(tree, leaves)
    except ExpressionError:
        raise
    except (TinygradEduError, ArithmeticError, ValueError) as exc:
        raise ExpressionError(f"cannot compute {_shorten(text)!r}: {_one_line(exc)}") from None
    if not isinstance(result, Value) or not used:
        raise ExpressionError(
            f"{_shorten(text)!r} uses no variable, so there is nothing to differentiate; "
            "use names given values, e.g. 'x * 2' with --set x=3"
        )
    return result, {spelled[key]: leaves[key] for key in sorted(used)}


def _shorten(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 60 else one[:59] + "…"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
