"""The section sandbox and the field values, as pure functions."""

import pytest

from app.core.errors import AppError
from app.templates import render
from app.templates.values import validate_values

FIELDS = ["name", "amount", "items"]


@pytest.mark.parametrize("source", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ name.upper() }}",
    "{{ name['x'] }}",
    "{{ name | attr('__class__') }}",
    "{% import 'os' as os %}",
    "{% include 'x' %}",
    "{% extends 'base' %}",
    "{% macro m() %}{% endmacro %}",
    "{% set x = 1 %}",
    "{{ cycler }}",
    "{{ lipsum() }}",
    "{{ self }}",
    "{% for c in name recursive %}{{ loop(c) }}{% endfor %}",
])
def test_escapes_and_unknown_syntax_are_refused_when_saved(source):
    with pytest.raises(render.TemplateInvalid) as err:
        render.check(source, FIELDS)
    assert err.value.line == 1 and err.value.reason


def test_syntax_error_names_its_line():
    with pytest.raises(render.TemplateInvalid) as err:
        render.check("첫 줄\n둘째 줄\n{% if name %}닫지 않음", FIELDS)
    assert err.value.line == 3 and err.value.reason.startswith("syntax error")


def test_unknown_field_names_the_field_and_line():
    with pytest.raises(render.TemplateInvalid) as err:
        render.check("{{ name }}님\n주문 {{ order_no }}", FIELDS)
    assert err.value.reason == "unknown field 'order_no'" and err.value.line == 2


def test_loops_are_bounded():
    with pytest.raises(render.TemplateInvalid, match="nested"):
        render.check("{% for a in range(9) %}{% for b in range(9) %}x{% endfor %}{% endfor %}", FIELDS)
    render.check("{% for i in range(1000) %}x{% endfor %}", FIELDS)  # valid syntax, refused when run
    with pytest.raises(render.RenderFailed, match="limited to 100"):
        render.render("{% for i in range(1000) %}x{% endfor %}", {})


def test_output_is_bounded():
    with pytest.raises(render.RenderFailed, match="exceed"):
        render.render("{{ name * 100000000 }}", {"name": "ab"})
    with pytest.raises(render.RenderFailed, match="more than"):
        render.render("{% for i in range(100) %}{{ name }}{% endfor %}", {"name": "가" * 1000})


def test_fields_loops_and_filters_render():
    source = "{{ name }}님, {{ amount | format_number }}원{% for i in range(2) %} {{ loop.index }}{% endfor %}"
    render.check(source, FIELDS)
    assert render.render(source, {"name": "홍길동", "amount": 12000}) == "홍길동님, 12,000원 1 2"


def test_the_sandbox_still_refuses_at_render_time():
    with pytest.raises(render.RenderFailed):
        render.render("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})


FIELD_DEFS = [
    {"name": "customer", "label": "고객", "type": "text", "required": True, "max": 10},
    {"name": "qty", "label": "수량", "type": "number", "min": 1, "max": 5},
    {"name": "when", "label": "날짜", "type": "date"},
    {"name": "kind", "label": "유형", "type": "choice", "options": ["배송", "환불"]},
    {"name": "note", "label": "메모", "type": "long_text", "min": 3},
]


@pytest.mark.parametrize(("values", "field"), [
    ({}, "customer"),
    ({"customer": "가" * 11}, "customer"),
    ({"customer": "홍", "qty": 9}, "qty"),
    ({"customer": "홍", "qty": "많이"}, "qty"),
    ({"customer": "홍", "qty": True}, "qty"),
    ({"customer": "홍", "when": "2026-13-01"}, "when"),
    ({"customer": "홍", "kind": "교환"}, "kind"),
    ({"customer": "홍", "note": "짧"}, "note"),
    ({"customer": "홍", "surprise": "x"}, "surprise"),
])
def test_bad_values_name_the_field(values, field):
    with pytest.raises(AppError) as err:
        validate_values(FIELD_DEFS, values)
    assert err.value.status_code == 422 and err.value.message.startswith(f"values.{field}:")


def test_good_values_are_normalised():
    out = validate_values(FIELD_DEFS, {"customer": " 홍길동 ", "qty": "3", "when": "2026-12-02", "kind": "환불"})
    assert out == {"customer": "홍길동", "qty": 3, "when": "2026-12-02", "kind": "환불", "note": ""}
