"""BM25 as a sparse dot product: per-chunk term weights and a per-workspace lexicon of document frequencies

Each chunk's Kiwi lexemes get a generated `bm25` sparsevec holding the BM25 term-frequency part
(k1 1.2, b 0.75, length pivot `PIVOT` lexemes) at hashed dimensions; `knowledge_lexicon` keeps each workspace's
document frequency per lexeme (and, under the empty lexeme, its number of chunks), maintained by statement
triggers. A query then costs one dot product per matching chunk with a vector of its terms' IDF, instead of
unnesting every matching chunk's lexemes and counting frequencies at query time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:00:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPACE = 536870912  # 2^29 hashed dimensions (sparsevec allows up to 1e9)
PIVOT = 24  # lexemes: where length normalisation is neutral (the mean chunk of the SmartStore FAQ)


def upgrade() -> None:
    # md5 rather than hashtext(): stable across PostgreSQL versions and reproducible outside the database.
    op.execute(f"""
CREATE FUNCTION sangdam_lexeme_dim(lexeme text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ((('x' || substr(md5(lexeme), 1, 8))::bit(32)::integer) & {SPACE - 1}) + 1
""")
    op.execute(f"""
CREATE FUNCTION sangdam_bm25_tf(lexemes tsvector) RETURNS sparsevec
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT ('{{' || coalesce(string_agg(d::text || ':' || w::text, ',' ORDER BY d), '') || '}}/{SPACE}')::sparsevec
    FROM (
        SELECT sangdam_lexeme_dim(u.lexeme) AS d,
               sum(cardinality(u.positions) * 2.2
                   / (cardinality(u.positions) + 1.2 * (0.25 + 0.75 * length(lexemes) / {PIVOT}.0)))::real AS w
        FROM unnest(lexemes) AS u GROUP BY 1
    ) t
)
""")
    op.execute("ALTER TABLE knowledge_chunks ADD COLUMN bm25 sparsevec "
               "GENERATED ALWAYS AS (sangdam_bm25_tf(lexemes)) STORED")
    op.execute("""
CREATE TABLE knowledge_lexicon (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    lexeme text NOT NULL,
    df integer NOT NULL,
    PRIMARY KEY (workspace_id, lexeme)
)""")
    # Per statement: each distinct lexeme of each chunk counts once, and '' counts the chunk itself.
    op.execute("""
CREATE FUNCTION sangdam_lexicon_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        WITH gone AS (
            SELECT o.workspace_id, u.lexeme, count(*) AS n FROM old_rows o CROSS JOIN LATERAL unnest(o.lexemes) u
            WHERE o.lexemes IS NOT NULL GROUP BY 1, 2
            UNION ALL
            SELECT o.workspace_id, '', count(*) FROM old_rows o WHERE o.lexemes IS NOT NULL GROUP BY 1
        )
        UPDATE knowledge_lexicon k SET df = k.df - g.n FROM gone g
        WHERE k.workspace_id = g.workspace_id AND k.lexeme = g.lexeme;
        DELETE FROM knowledge_lexicon k USING (SELECT DISTINCT workspace_id FROM old_rows) w
        WHERE k.workspace_id = w.workspace_id AND k.df <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO knowledge_lexicon AS k (workspace_id, lexeme, df)
        SELECT workspace_id, lexeme, sum(n) FROM (
            SELECT n.workspace_id, u.lexeme, count(*) AS n FROM new_rows n CROSS JOIN LATERAL unnest(n.lexemes) u
            WHERE n.lexemes IS NOT NULL GROUP BY 1, 2
            UNION ALL
            SELECT n.workspace_id, '', count(*) FROM new_rows n WHERE n.lexemes IS NOT NULL GROUP BY 1
        ) t GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (workspace_id, lexeme) DO UPDATE SET df = k.df + excluded.df;
    END IF;
    RETURN NULL;
END $$""")
    for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                          ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
        op.execute(f"CREATE TRIGGER knowledge_lexicon_{event.lower()} AFTER {event} ON knowledge_chunks "
                   f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION sangdam_lexicon_sync()")
    op.execute("""
INSERT INTO knowledge_lexicon (workspace_id, lexeme, df)
SELECT workspace_id, lexeme, sum(n) FROM (
    SELECT c.workspace_id, u.lexeme, count(*) AS n FROM knowledge_chunks c CROSS JOIN LATERAL unnest(c.lexemes) u
    WHERE c.lexemes IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT c.workspace_id, '', count(*) FROM knowledge_chunks c WHERE c.lexemes IS NOT NULL GROUP BY 1
) t GROUP BY 1, 2""")


def downgrade() -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS knowledge_lexicon_{event} ON knowledge_chunks")
    op.execute("DROP FUNCTION IF EXISTS sangdam_lexicon_sync()")
    op.execute("DROP TABLE IF EXISTS knowledge_lexicon")
    op.execute("ALTER TABLE knowledge_chunks DROP COLUMN IF EXISTS bm25")
    op.execute("DROP FUNCTION IF EXISTS sangdam_bm25_tf(tsvector)")
    op.execute("DROP FUNCTION IF EXISTS sangdam_lexeme_dim(text)")
