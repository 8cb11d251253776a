"""Field values of a generation request, checked against the template's typed fields."""

import math
from collections.abc import Mapping, Sequence
from datetime import date

from app.core.errors import AppError

TEXT_MAX = {"text": 2000, "long_text": 20_000, "choice": 200, "date": 10}


def _invalid(name: str, reason: str) -> AppError:
    return AppError(f"values.{name}: {reason}", code="validation_error", status_code=422)


def _one(field: Mapping, value: object) -> object:
    name, kind = field["name"], field.get("type", "text")
    lo, hi = field.get("min"), field.get("max")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _invalid(name, "must be a number")
        try:
            number = float(value)
        except ValueError:
            raise _invalid(name, "must be a number") from None
        if not math.isfinite(number):
            raise _invalid(name, "must be a finite number")
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            raise _invalid(name, f"must be between {lo if lo is not None else '-∞'} and {hi if hi is not None else '∞'}")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _invalid(name, "must be text")
    text = str(value).strip()
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise _invalid(name, "must be a date written YYYY-MM-DD") from None
    if kind == "choice":
        if text not in field.get("options", []):
            raise _invalid(name, f"must be one of: {', '.join(field.get('options', []))}")
        return text
    limit = TEXT_MAX[kind]
    if len(text) > limit or (hi is not None and len(text) > hi):
        raise _invalid(name, f"is longer than {int(min(limit, hi if hi is not None else limit))} characters")
    if lo is not None and len(text) < lo:
        raise _invalid(name, f"must be at least {int(lo)} characters long")
    return text


def validate_values(fields: Sequence[Mapping], values: Mapping[str, object]) -> dict[str, object]:
    """The values normalised (numbers as numbers, dates ISO); 422 naming the first bad field, unknown ones too."""
    known = {f["name"] for f in fields}
    for name in values:
        if name not in known:
            raise _invalid(name, "is not a field of this template")
    out: dict[str, object] = {}
    for field in fields:
        value = values.get(field["name"])
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.get("required"):
                raise _invalid(field["name"], "is required")
            out[field["name"]] = ""
            continue
        out[field["name"]] = _one(field, value)
    return out
