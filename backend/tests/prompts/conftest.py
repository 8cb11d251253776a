import pytest
from sqlalchemy import text

from tests.chat.conftest import _no_real_llm, start_server  # noqa: F401 - shared fixtures
from tests.conftest import make_actor


@pytest.fixture
async def admin(client):
    return await make_actor(client, is_admin=True)


@pytest.fixture(autouse=True)
async def _restore_platform_labels():
    """Put the platform's labels back where they were: every test here may move them, and other suites' answers
    (and prompts) must not depend on the order tests ran in."""
    from app.core.db import sessionmaker
    from app.prompts.service import invalidate
    from app.prompts.store import ensure_all

    await ensure_all()
    async with sessionmaker()() as s:
        before = (await s.execute(text("select id, version_id, previous_version_id from prompt_labels "
                                       "where workspace_id is null"))).all()
    yield
    async with sessionmaker()() as s:
        ids = [r.id for r in before]
        await s.execute(text("delete from prompt_labels where workspace_id is null and not (id = any(:ids))"),
                        {"ids": ids})
        for r in before:
            await s.execute(text("update prompt_labels set version_id = :v, previous_version_id = :p where id = :id"),
                            {"v": r.version_id, "p": r.previous_version_id, "id": r.id})
        await s.commit()
    await invalidate()
