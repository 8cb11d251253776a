"""Jobs that always finish: a lease with a heartbeat, resumable steps, cancellation and a `cancelled` status

`runner` names the arq delivery holding the job (NULL between steps), `heartbeat_at` is its last sign of life (the
sweeper settles jobs whose heartbeat went stale), `step` counts the job's finished steps (a delivery of an older
step is a duplicate and does nothing), `cancel_requested` asks the runner to stop.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("step", sa.Integer(), server_default="0", nullable=False))
    op.add_column("jobs", sa.Column("runner", sa.String(120), nullable=True))
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("jobs", sa.Column("cancel_requested", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.drop_constraint("ck_job_status", "jobs", type_="check")
    op.create_check_constraint("ck_job_status", "jobs", "status in ('queued','running','succeeded','failed','cancelled')")
    # The sweeper's scan: only unfinished jobs, a handful at any time.
    op.create_index("ix_jobs_unfinished", "jobs", ["heartbeat_at"], postgresql_where=sa.text(
        "status in ('queued','running')"))
    # Jobs left `running` by a worker that died before this revision: settle them as the sweeper would.
    op.execute("UPDATE jobs SET status = 'failed', finished_at = now(), error = 'The worker running this job "
               "stopped before it finished.' WHERE status = 'running'")


def downgrade() -> None:
    op.drop_index("ix_jobs_unfinished", table_name="jobs")
    op.execute("UPDATE jobs SET status = 'failed', error = coalesce(error, 'Cancelled.') WHERE status = 'cancelled'")
    op.drop_constraint("ck_job_status", "jobs", type_="check")
    op.create_check_constraint("ck_job_status", "jobs", "status in ('queued','running','succeeded','failed')")
    for column in ("cancel_requested", "heartbeat_at", "runner", "step"):
        op.drop_column("jobs", column)
