"""A prompt's declared variables are its built-in text's placeholders; every version uses exactly those."""

import pytest

from app.prompts.variables import VariableError, check, declared, placeholders


def test_placeholders_in_order_of_first_use_and_literal_braces_are_not_variables():
    assert placeholders("{b} {a} {b} {{literal}}") == ["b", "a"]


def test_every_registered_prompt_declares_the_variables_its_callers_fill():
    assert declared("chat.system") == ["display_name", "persona", "refusal_message", "sources"]
    assert declared("chat.rewrite") == ["history", "message"]
    assert declared("retrieval.rerank") == ["question", "candidates"]
    assert declared("chat.suggestion") == ["question"]


@pytest.mark.parametrize("text, named", [
    ("{question} and {answer}", "Unknown variable {answer}"),
    ("no placeholder at all", "Missing variable {question}"),
    ("{question.__class__}", "Unknown variable {question.__class__}"),
    ("{question[0]}", "Unknown variable {question[0]}"),
    ("{0} {question}", "Unknown variable {0}"),
    ("{question!r}", "Unknown variable {question}"),
    ("{question:>10}", "Unknown variable {question}"),
    ("{question} {", "unbalanced braces"),
])
def test_a_version_with_an_unknown_missing_or_non_plain_variable_is_refused_naming_it(text, named):
    with pytest.raises(VariableError) as err:
        check("chat.suggestion", text)
    assert named in err.value.message and err.value.status_code == 422


def test_a_version_using_exactly_the_declared_variables_passes():
    check("chat.suggestion", "'{question}' 관련 내용을 찾으시나요?")
    check("chat.rewrite", "{message} / {history}")
