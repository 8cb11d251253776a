"""Resolve the active version of a prompt template."""

import uuid

from sqlalchemy import select

from app.core.db import read
from app.models import Prompt, PromptVersion
from app.prompts.defaults import DEFAULTS


async def active_template(key: str) -> tuple[uuid.UUID | None, str]:
    """Return (version id, template) of the active version of `key`, or the built-in default."""
    row = (await read(
        select(PromptVersion.id, PromptVersion.template).join(Prompt, Prompt.active_version_id == PromptVersion.id)
        .where(Prompt.key == key))).first()
    if row is not None:
        return row[0], row[1]
    return None, DEFAULTS[key]
