"""Korean morphology for keyword search: content morphemes as exact `tsvector` / `tsquery` lexemes.

Kiwi (kiwipiepy) splits text into morphemes; we keep nouns, foreign words, numbers, roots and
verb/adjective stems (as their dictionary form, "확인하다"), drop particles, endings and chat
filler ("알려주세요", "궁금해요"), and add the joined form of nouns written together
("스마트스토어" -> 스마트, 스토어, 스마트스토어) so spaced and unspaced writings both match.

The lexemes go to PostgreSQL verbatim, bypassing its text parser, which would split or
lower-case them differently: `tsvector_literal()` for `CAST(:lex AS tsvector)` (keeps positions);
the search statement builds its OR tsquery from the query's lexemes itself (retrieval/service.py).

Speed: one query of ~30 characters in ~0.25 ms after the model is loaded (~2 s, once per process).
"""

import re
import threading
import unicodedata
from functools import lru_cache

_kiwi = None
_kiwi_lock = threading.Lock()

_NOUN_TAGS = {"NNG", "NNP", "XR"}
_VERB_TAGS = {"VV", "VA"}
_FOREIGN_TAGS = {"SL", "SH", "SN"}
# Stems that carry no topic in a support question; stored with the "다" marker, as keywords() emits.
STOP_STEMS = frozenset(
    "하다 되다 있다 없다 이다 아니다 같다 알다 알리다 주다 보다 싶다 궁금하다 어떻다 그렇다 이렇다 저렇다 "
    "가능하다 필요하다 원하다 모르다 싶어하다 드리다 말다 오다 가다 받다 대하다 위하다 통하다 관하다 "
    "괜찮다 좋다 많다 적다 어떠하다 해주다 부탁하다 안되다 못하다 여쭙다".split()
)
STOP_NOUNS = frozenset(
    "문의 질문 궁금 방법 경우 관련 내용 부분 정도 때문 어떻게 무엇 뭐 왜 언제 어디 얼마 이것 그것 저것 "
    "여기 거기 요즘 혹시 제발 좀 답변 답 안녕 감사 부탁 확인 가능 여부 해당 어떤 저희 우리 제 저 "
    "알려주세요 궁금해요 하나요 건가요 어떡해 도움 상담사 상담원 "
    "ㅎㅎ ㅋㅋ ㅠㅠ".split()
)
MAX_COMPOUND = 3  # nouns joined into one compound lexeme at most
_LEXEME_CHARS = re.compile(r"[^0-9a-z가-힣]+")


def kiwi():
    """Return the process-wide Kiwi analyser, loading its model on first use (~2 s)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def _norm(form: str) -> str:
    return _LEXEME_CHARS.sub("", unicodedata.normalize("NFKC", form).lower())


def plain(text: str) -> str:
    """A text's letters and digits only, lower case: two titles that differ in spacing, punctuation or case are
    the same question ("상품명 등록 기준을 알고 싶어요." / "상품명 등록기준을 알고 싶어요")."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").lower() if ch.isalnum())


def keywords(text: str) -> list[str]:
    """Return the content lexemes of a text in order of appearance, repeats kept (for tf)."""
    return list(_keywords(text or ""))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """Kiwi's morphemes of a text as (normalised form, base tag, start, end): one analysis per text, shared by
    `keywords()` and `surface_forms()` (a query needs both)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return ()
    # VV-I / VA-R: the suffix marks irregular conjugation
    return tuple((_norm(t.form), t.tag.split("-")[0], t.start, t.start + t.len) for t in kiwi().tokenize(text))


@lru_cache(maxsize=4096)
def _keywords(text: str) -> tuple[str, ...]:
    return tuple(lexeme for lexeme, _ in _lexemes(text))


@lru_cache(maxsize=4096)
def _lexemes(text: str) -> tuple[tuple[str, bool], ...]:
    """(lexeme, whether it joins nouns written together) in order of appearance."""
    out: list[tuple[str, bool]] = []
    run: list[tuple[str, int]] = []  # nouns written back to back, to emit the joined compound

    def flush() -> None:
        # Two or three nouns written together are a compound ("스마트스토어", "마케팅분석"); a longer run is
        # a sentence typed without spaces, and its joined form would be a lexeme nothing else uses.
        if 1 < len(run) <= MAX_COMPOUND:
            joined = "".join(form for form, _ in run)
            if joined not in STOP_NOUNS:
                out.append((joined, True))
        run.clear()

    tokens = _tokens(text)
    for i, (form, tag, start, end) in enumerate(tokens):
        if tag == "MAG":
            tag = _adverb_as_noun(tokens, i)
        if tag == "MAG+N":  # the first part of a compound ("톡톡계정", "오늘출발"): in the run, not alone
            if run and run[-1][1] != start:
                flush()
            run.append((form, end))
            continue
        if tag in _NOUN_TAGS or tag in _FOREIGN_TAGS:
            if run and run[-1][1] != start:
                flush()
            if form:
                run.append((form, end))
                if form not in STOP_NOUNS and (len(form) > 1 or tag in _FOREIGN_TAGS):
                    out.append((form, False))
            continue
        flush()
        if tag in _VERB_TAGS and form:
            lemma = form + "다"
            if lemma not in STOP_STEMS:
                out.append((lemma, False))
        elif tag.startswith("W_") and tag != "W_URL" and tag != "W_EMAIL":
            # hashtags, serials ("1:1"): keep their letters as one lexeme
            if form and form not in STOP_NOUNS:
                out.append((form, False))
    flush()
    return tuple(out)


_CASE_PARTICLE = ("JKS", "JKC", "JKG", "JKO", "JKB", "JC")


def _adverb_as_noun(tokens: tuple[tuple[str, str, int, int], ...], i: int) -> str:
    """Kiwi's reading of a word it tags as an adverb (MAG), from the morpheme written right after it. An adverb
    takes no case particle, so one that does is a noun Kiwi does not know ("톡톡으로", "톡톡에서": the Naver
    service): "NNG". One written together with a noun begins a compound ("톡톡계정", "오늘출발", "직접배송"):
    "MAG+N", kept in the compound but not as a word of its own (as one, "직접" and "오늘" matched too much:
    two false refusals over the committed sets). Any other stays "MAG" ("바로 확인", "다시 등록")."""
    if i + 1 >= len(tokens) or tokens[i + 1][2] != tokens[i][3]:
        return "MAG"
    following = tokens[i + 1][1]
    if following in _CASE_PARTICLE:
        return "NNG"
    return "MAG+N" if following in _NOUN_TAGS else "MAG"


def adverbs(text: str) -> list[str]:
    """The words of a text Kiwi reads as adverbs, as written: a query's "톡톡 메시지" may name what the
    knowledge writes as a noun elsewhere ("톡톡으로 문의"), which only the knowledge's lexicon can tell."""
    return list(dict.fromkeys(form for form, tag, _, _ in _tokens(text) if tag == "MAG" and len(form) > 1))


@lru_cache(maxsize=4096)
def surface_forms(text: str) -> frozenset[str]:
    """Every morpheme of a text as written (normalised), verb and adjective stems as their "다" form:
    unlike `keywords()` nothing is filtered, so short and stop words ("폰", "언제") are there too."""
    return frozenset(form + "다" if tag in _VERB_TAGS else form for form, tag, _, _ in _tokens(text) if form)


def is_stem(lexeme: str) -> bool:
    """Whether a lexeme is a verb or adjective stem (`keywords` writes them in their "…다" form): what a question
    says is done or how something is, not what it is about."""
    return lexeme.endswith("다")


@lru_cache(maxsize=4096)
def word_initial(text: str) -> frozenset[str]:
    """The morphemes of a text (normalised) that begin a written word. One Kiwi carved out of a word's middle
    ("저장만" read as 저 + 장만) is its reading of that word, not something the writer typed."""
    analysed = unicodedata.normalize("NFKC", text or "").strip()  # the text `_tokens` gives offsets in
    return frozenset(form for form, _, start, _ in _tokens(text)
                     if form and (start == 0 or not analysed[start - 1].isalnum()))


@lru_cache(maxsize=4096)
def names(text: str) -> frozenset[str]:
    """The proper nouns and foreign words of a text as lexemes ("아마존", "11번가", "kbo"): what a question is
    about, when the knowledge has never heard of it."""
    return frozenset(form for form, tag, _, _ in _tokens(text) if form and tag in ("NNP", "SL"))


_RUN_ON = re.compile(r"\S*[가-힣]{7,}\S*")


@lru_cache(maxsize=4096)
def respace(text: str) -> str:
    """Put back the spaces a hurried writer left out ("스마트스토어판매자가입가능함?"), so that the models and the
    keyword analysis see words instead of one long run-on token. Only runs of seven or more Hangul syllables
    are re-spaced (a Korean word is rarely that long); the rest of the text is kept as written, since the
    spacer would also split slang and abbreviations it does not know ("고딩", "통판업")."""
    if not text or not _RUN_ON.search(text):
        return text
    return _RUN_ON.sub(lambda m: kiwi().space(m.group(0)), text)


def keyword_set(text: str) -> list[str]:
    """Return the distinct lexemes of a text, first occurrence order."""
    return list(dict.fromkeys(keywords(text)))


def compounds(text: str) -> set[str]:
    """The lexemes of a text that join nouns written together (each noun is a lexeme of its own too)."""
    return {lexeme for lexeme, joined in _lexemes(text or "") if joined}


def query_terms(text: str) -> tuple[str, list[str], set[str]]:
    """A query's text as searched (`respace`), its lexemes, and which of them are compounds: the lexemes of the
    re-spaced text, then the compounds the writer joined ("노출중단"), which re-spacing splits but the knowledge
    may write joined, then the words Kiwi reads as adverbs (`adverbs`; counted with the compounds)."""
    spaced = respace(text)
    if spaced == text:
        lexemes, joined = keyword_set(text), compounds(text)
    else:
        lexemes = list(dict.fromkeys([*keyword_set(spaced), *keyword_set(text)]))
        joined = compounds(spaced) | compounds(text)
    # Adverb-tagged words are searched as well (the statement keeps those the knowledge uses as words), but
    # never counted among the words the knowledge lacks.
    extra = [a for a in adverbs(spaced) if a not in lexemes]
    return spaced, lexemes + extra, joined | set(extra)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(lexemes: list[str]) -> str:
    """Return tsvector input text ("'a':1 'b':2,5") for `CAST(:lex AS tsvector)`; positions kept."""
    positions: dict[str, list[int]] = {}
    for i, lexeme in enumerate(lexemes, 1):
        if lexeme:
            positions.setdefault(lexeme, []).append(min(i, 16383))
    return " ".join(f"{_quote(lex)}:{','.join(map(str, pos[:256]))}" for lex, pos in positions.items())


_HANGUL_WORD = re.compile(r"^[가-힣]{2,5}$")


def typo_variants(word: str) -> set[str]:
    """Every word one keystroke-sized slip away from a Hangul noun: one syllable with another initial, vowel or
    final consonant (final added or dropped included), e.g. "가읍" -> ..., "가입", ... Empty for anything
    else (verb stems, Latin, one-syllable words: too many neighbours to guess from)."""
    if not _HANGUL_WORD.match(word) or word.endswith("다"):
        return set()
    out: set[str] = set()
    for i, ch in enumerate(word):
        code = ord(ch) - 0xAC00
        initial, vowel, final = code // 588, code % 588 // 28, code % 28
        for a, b, c in ([(x, vowel, final) for x in range(19)] + [(initial, x, final) for x in range(21)]
                        + [(initial, vowel, x) for x in range(28)]):
            out.add(word[:i] + chr(0xAC00 + a * 588 + b * 28 + c) + word[i + 1:])
    out.discard(word)
    return out
