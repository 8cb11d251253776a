"""Validated request types: text PostgreSQL can store, and bounded pagination.

PostgreSQL text cannot hold a NUL character (asyncpg refuses the query, which surfaced as a 500), and a lone
UTF-16 surrogate (`"\\ud800"` in JSON) cannot be encoded as UTF-8 at all. Both are rejected at the schema, so a
request carrying one gets 422 naming the field. Every string a client sends goes through `SafeStr`.
"""

from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator, EmailStr


def reject_unstorable(value: object) -> object:
    """Refuse a string holding a NUL character or a lone surrogate; anything else passes on unchanged."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL (\\u0000) characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must not contain unpaired UTF-16 surrogates") from None
    return value


SafeStr = Annotated[str, BeforeValidator(reject_unstorable)]
SafeEmail = Annotated[EmailStr, BeforeValidator(reject_unstorable)]

# Paging: an offset past PostgreSQL's bigint (2^63) made asyncpg raise; no list is anywhere near these sizes.
MAX_OFFSET = 1_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
