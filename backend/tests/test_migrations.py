"""Every migration upgrades and downgrades cleanly, on a database of its own."""

import os
import subprocess
import sys
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from tests.conftest import ROOT


async def test_upgrade_downgrade_upgrade_on_a_fresh_database():
    url = make_url(os.environ["DATABASE_URL"])
    name = f"mig_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(user=url.username, password=url.password, host=url.host, port=url.port,
                                  database=url.database)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = os.environ | {"DATABASE_URL": url.set(database=name).render_as_string(hide_password=False),
                            "PYTHONPATH": str(ROOT / "backend")}
        alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "migrations" / "alembic.ini")]
        for step in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"]):
            done = subprocess.run(alembic + step, env=env, capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"{step}: {done.stderr[-2000:]}"
        conn = await asyncpg.connect(user=url.username, password=url.password, host=url.host, port=url.port,
                                     database=name)
        try:
            indexes = {r["indexname"] for r in await conn.fetch(
                "select indexname from pg_indexes where tablename = 'knowledge_chunks'")}
            assert {"ix_chunks_hnsw_384", "ix_chunks_hnsw_512", "ix_chunks_hnsw_1536", "ix_chunks_lexemes"} <= indexes
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
