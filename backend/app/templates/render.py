"""Section text in Jinja2's sandbox, on an allow-list: field names, a few filters, `if` and one level of `for`.

A template is checked when it is saved (`check`): it must parse, name only the template's fields, and use only
the allowed syntax; no attribute or item access (`{{ ''.__class__ }}`), no imports, includes, macros or calls but
`range` (at most RANGE_MAX). Rendering (`render`) runs in a `SandboxedEnvironment` as well and stops past
MAX_OUTPUT characters, so a template that slipped past the check still cannot reach Python objects or run away.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT = 20_000  # characters one section may render to
MAX_SOURCE = 20_000  # characters of one section's template
RANGE_MAX = 100
MAX_LOOP_DEPTH = 1
# No filter that takes a width or a replacement: each could make a short template render to gigabytes.
FILTERS = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim", "truncate", "length",
                     "count", "round", "int", "float", "string", "join", "first", "last", "abs", "wordcount",
                     "list", "reverse", "sort", "unique", "format_number"})
TESTS = frozenset({"defined", "undefined", "none", "number", "string", "even", "odd", "divisibleby", "eq", "ne",
                   "lt", "le", "gt", "ge", "in", "true", "false"})
LOOP_ATTRS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
# Nodes a section may use; anything else (Getattr, Getitem, Call, Import, Include, Macro, Set, Block, ...) is refused.
ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.List, nodes.Tuple,
           nodes.If, nodes.For, nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand, nodes.And, nodes.Or,
           nodes.Not, nodes.Neg, nodes.Pos, nodes.Concat, nodes.CondExpr, nodes.Add, nodes.Sub, nodes.Mul,
           nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Keyword)


class TemplateInvalid(ValueError):
    """A section template that cannot be saved: the reason and the line (1-based) it is on."""

    def __init__(self, reason: str, line: int | None):
        super().__init__(reason)
        self.reason, self.line = reason, line


def _bounded_range(*args: int) -> range:
    r = range(*args)
    if len(r) > RANGE_MAX:
        raise SecurityError(f"range() is limited to {RANGE_MAX} items")
    return r


def _format_number(value: object) -> str:
    """1234567 -> 1,234,567 (for prices and counts in Korean documents)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return f"{int(number):,}" if number == int(number) else f"{number:,.2f}"


class _Sandbox(SandboxedEnvironment):
    """The sandbox, with `*` checked: `{{ name * 100000000 }}` would build the string before any size check."""

    intercepted_binops = frozenset({"*"})

    def call_binop(self, context, operator, left, right):  # noqa: ANN001 - Jinja's signature
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                    raise SecurityError(f"the result would exceed {MAX_OUTPUT} characters")
        return super().call_binop(context, operator, left, right)


def _environment() -> SandboxedEnvironment:
    env = _Sandbox(autoescape=False, keep_trailing_newline=False)
    env.filters = {k: v for k, v in env.filters.items() if k in FILTERS} | {"format_number": _format_number}
    env.tests = {k: v for k, v in env.tests.items() if k in TESTS}
    env.globals = {"range": _bounded_range}
    return env


ENV = _environment()


def _walk(node: nodes.Node, fields: frozenset[str], depth: int = 0, bound: frozenset[str] = frozenset()) -> None:
    line = getattr(node, "lineno", None)
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "loop" \
            and depth > 0 and node.attr in LOOP_ATTRS:
        return
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "range" \
            and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None and len(node.args) <= 3:
        for arg in node.args:
            _walk(arg, fields, depth, bound)
        return
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        raise TemplateInvalid("attribute and item access are not allowed (use a field's name alone)", line)
    if not isinstance(node, ALLOWED):
        raise TemplateInvalid(f"'{type(node).__name__}' is not allowed in a section template", line)
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise TemplateInvalid(f"unknown filter '{node.name}'", line)
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        raise TemplateInvalid(f"unknown test '{node.name}'", line)
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in fields and node.name not in bound:
        raise TemplateInvalid(f"unknown field '{node.name}'", line)
    if isinstance(node, nodes.For):
        if depth >= MAX_LOOP_DEPTH:
            raise TemplateInvalid(f"loops may not be nested (at most {MAX_LOOP_DEPTH} level)", line)
        if node.recursive:
            raise TemplateInvalid("recursive loops are not allowed", line)
        _walk(node.iter, fields, depth, bound)
        if node.test is not None:
            raise TemplateInvalid("loop filters are not allowed", line)
        names = frozenset(n.name for n in node.target.find_all(nodes.Name)) | (
            {node.target.name} if isinstance(node.target, nodes.Name) else set())
        for child in [*node.body, *node.else_]:
            _walk(child, fields, depth + 1, bound | names | {"loop"})
        return
    for child in node.iter_child_nodes():
        _walk(child, fields, depth, bound)


def check(source: str, fields: Iterable[str], *, max_source: int | None = MAX_SOURCE) -> None:
    """Raise TemplateInvalid unless `source` parses and uses only the allowed syntax and the given field names
    (a docx layout's document XML is checked with no size limit)."""
    if max_source is not None and len(source) > max_source:
        raise TemplateInvalid(f"a section template is limited to {max_source} characters", None)
    try:
        tree = ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(f"syntax error: {exc.message}", exc.lineno) from None
    _walk(tree, frozenset(fields))


@dataclass
class RenderFailed(Exception):
    reason: str

    def __str__(self) -> str:
        return self.reason


def render(source: str, values: Mapping[str, object]) -> str:
    """Render a checked section template with the field values; at most MAX_OUTPUT characters."""
    try:
        template = ENV.from_string(source)
        out: list[str] = []
        size = 0
        for piece in template.generate(**values):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise RenderFailed(f"the section renders to more than {MAX_OUTPUT} characters")
            out.append(piece)
    except (SecurityError, UndefinedError, TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise RenderFailed(f"the section could not be rendered: {exc}") from None
    return "".join(out).strip()
