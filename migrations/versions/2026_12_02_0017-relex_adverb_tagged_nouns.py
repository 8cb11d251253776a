"""Re-analyse the indexed pieces' keywords after Kiwi's adverb tag is read in context (retrieval/analysis.py,
`_adverb_as_noun`): "톡톡으로", "톡톡에서" (the Naver service, tagged as an adverb) now give the lexeme 톡톡, and
"톡톡계정", "오늘출발" the compounds. Only the lexemes of pieces whose analysis changed are rewritten (the
SmartStore FAQ: 261 of 7,099 pieces); vectors are untouched, and the lexicon triggers keep the document
frequencies exact.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    from app.retrieval.analysis import keywords, tsvector_literal

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, text FROM knowledge_chunks WHERE lexemes IS NOT NULL")).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        # rows whose analysis is unchanged are left alone (no trigger work, no dead tuples)
        bind.execute(sa.text(
            "UPDATE knowledge_chunks c SET lexemes = CAST(v.lex AS tsvector) "
            "FROM unnest(CAST(:ids AS uuid[]), CAST(:lex AS text[])) AS v(id, lex) "
            "WHERE c.id = v.id AND c.lexemes IS DISTINCT FROM CAST(v.lex AS tsvector)"),
            {"ids": [r.id for r in batch], "lex": [tsvector_literal(keywords(r.text)) for r in batch]})


def downgrade() -> None:
    # The lexemes written by upgrade() are valid under the earlier analysis too (a few more words and compounds).
    pass
