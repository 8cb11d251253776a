"""A prompt's variables: the `{name}` placeholders of its text (str.format syntax), checked against the declared ones."""

import string

from app.core.errors import AppError
from app.prompts.defaults import DEFAULTS


class VariableError(AppError):
    status_code, code = 422, "invalid_prompt_variables"


def placeholders(text: str) -> list[str]:
    """The placeholder names of `text` in order of first use; VariableError on malformed or non-plain fields.

    Only bare names are allowed: `{a.b}`, `{a[0]}`, `{0}`, `{a!r}` and `{a:>5}` are refused, so a template cannot
    reach into the objects it is filled with."""
    names: list[str] = []
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise VariableError(f"The text has unbalanced braces ({exc}); write {{{{ and }}}} for literal braces.") from exc
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise VariableError(f"Unknown variable {{{name}}}: only plain {{name}} placeholders are allowed.")
        if name not in names:
            names.append(name)
    return names


def declared(key: str) -> list[str]:
    """The variables of a registered prompt: those its built-in default uses."""
    return placeholders(DEFAULTS[key])


def check(key: str, text: str) -> None:
    """Refuse a version of `key` that uses an undeclared variable or leaves out a declared one (422, naming it)."""
    used, allowed = placeholders(text), declared(key)
    unknown = [n for n in used if n not in allowed]
    if unknown:
        raise VariableError(f"Unknown variable {{{unknown[0]}}} for {key}; its variables are "
                            + ", ".join(f"{{{n}}}" for n in allowed) + ".")
    missing = [n for n in allowed if n not in used]
    if missing:
        raise VariableError(f"Missing variable {{{missing[0]}}}: every version of {key} must use "
                            + ", ".join(f"{{{n}}}" for n in allowed) + ".")
