import gzip
import json
import pickle
from pathlib import Path

import pytest

from app.knowledge.parsing import ImportLimits, KnowledgeFormatError, RawEntry, load_knowledge

FAQ = Path(__file__).resolve().parents[3] / "../shared/data/smartstore/final_result.pkl"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

PAIRS = {
    "택배사는 어디서 바꾸나요?": "설정 메뉴에서 바꿀 수 있어요.",
    "환불은 얼마나 걸려요?": "보통 사흘 걸립니다.",
}


def test_pickle_dict():
    entries = load_knowledge(pickle.dumps(PAIRS), "faq.pkl")
    assert entries == [RawEntry(q, a) for q, a in PAIRS.items()]


def test_pickle_list_of_records():
    data = pickle.dumps([{"question": "가입 조건?", "answer": "누구나 됩니다.", "category": "가입"}])
    assert load_knowledge(data, "x.pickle") == [RawEntry("가입 조건?", "누구나 됩니다.", "가입")]


class Sneaky:
    def __reduce__(self):
        return (print, ("pwned",))


@pytest.mark.parametrize("obj", [Sneaky(), {"q": {1, 2}}, {"q": Path("/tmp")}])
def test_pickle_rejects_anything_but_builtins(obj):
    with pytest.raises(KnowledgeFormatError):
        load_knowledge(pickle.dumps(obj), "evil.pkl")


def test_pickle_rejects_code_even_nested():
    with pytest.raises(KnowledgeFormatError, match="builtins.print"):
        load_knowledge(pickle.dumps([{"question": "q", "answer": Sneaky()}]), "evil.pkl")


@pytest.mark.parametrize("payload", [b"not a pickle", b"\x80\x05\x95"])
def test_pickle_garbage(payload):
    with pytest.raises(KnowledgeFormatError, match="pickle"):
        load_knowledge(payload, "bad.pkl")


@pytest.mark.parametrize(
    "obj", [42, "text", [1, 2], {"q": 3}, [{"question": "q"}], [{"question": "", "answer": "a"}]]
)
def test_wrong_shapes(obj):
    with pytest.raises(KnowledgeFormatError):
        load_knowledge(pickle.dumps(obj), "x.pkl")
    with pytest.raises(KnowledgeFormatError):
        load_knowledge(json.dumps(obj).encode(), "x.json")


def test_json_dict_and_list():
    assert len(load_knowledge(json.dumps(PAIRS, ensure_ascii=False).encode(), "a.json")) == 2
    records = [
        {"질문": "배송비는?", "답변": "무료예요.", "분류": "배송", "related": ["환불은 얼마나 걸려요?"]}
    ]
    entry = load_knowledge(json.dumps(records).encode(), "a.JSON")[0]
    assert entry == RawEntry("배송비는?", "무료예요.", "배송", ["환불은 얼마나 걸려요?"])


def test_json_errors():
    with pytest.raises(KnowledgeFormatError, match="invalid JSON at line 1"):
        load_knowledge(b'{"a": ', "a.json")
    with pytest.raises(KnowledgeFormatError, match="UTF-8"):
        load_knowledge("{'질문': 1}".encode("cp949"), "a.json")


def test_jsonl():
    lines = '{"question": "하나", "answer": "일"}\n\n{"question": "둘", "answer": "이", "category": "숫자"}\n'
    assert load_knowledge(lines.encode(), "a.jsonl") == [RawEntry("하나", "일"), RawEntry("둘", "이", "숫자")]
    with pytest.raises(KnowledgeFormatError, match="line 2"):
        load_knowledge(b'{"question": "q", "answer": "a"}\n{oops}\n', "a.jsonl")


def test_csv_english_and_korean_headers():
    text = 'question,answer,category\n"쉼표, 있는 질문","여러 줄\n답변",주문\n'
    assert load_knowledge(text.encode(), "a.csv") == [RawEntry("쉼표, 있는 질문", "여러 줄\n답변", "주문")]
    bom = "\ufeff분류,질문,답변\n정산,정산일은?,매주 화요일입니다.\n".encode()
    assert load_knowledge(bom, "b.csv") == [RawEntry("정산일은?", "매주 화요일입니다.", "정산")]


def test_csv_errors():
    with pytest.raises(KnowledgeFormatError, match="columns"):
        load_knowledge("제목,본문\n가,나\n".encode(), "a.csv")
    with pytest.raises(KnowledgeFormatError, match="no question/answer entries"):
        load_knowledge(b"question,answer\n", "a.csv")


def test_empty_and_unknown_type():
    with pytest.raises(KnowledgeFormatError, match="empty"):
        load_knowledge(b"  \n", "a.json")
    with pytest.raises(KnowledgeFormatError, match="unsupported"):
        load_knowledge(b"x", "a.xlsx")


def test_helpcentre_file_loads():
    """A pickle in the real FAQ's shape (protocol 4 dict, keys with BOM/NBSP) loads in order, keys byte-exact."""
    data = (FIXTURES / "faq_helpcentre.pkl").read_bytes()
    entries = load_knowledge(data, "faq_helpcentre.pkl")
    assert len(entries) == 12
    assert [e.question for e in entries] == list(pickle.loads(data))
    # The readable copy of the fixture is the same file's content.
    assert pickle.loads(data) == json.loads((FIXTURES / "faq_helpcentre.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not FAQ.exists(), reason="shared SmartStore FAQ not present")
def test_real_faq_loads():
    data = FAQ.read_bytes()
    entries = load_knowledge(data, FAQ.name)
    assert len(entries) == 2717
    assert [e.question for e in entries] == list(pickle.loads(data))


# ---- decoded-size bounds (a small file must not describe a huge knowledge base) ---------------------------

def test_pickle_sharing_one_long_string_is_refused_per_entry():
    shared = "긴 답변 " * 10_000  # 50,000 characters, stored once in the pickle, referred to by every entry
    data = pickle.dumps({f"질문 {i}": shared for i in range(100)})
    assert len(data) < 120_000
    with pytest.raises(KnowledgeFormatError, match="entry '질문 0' is longer than 20,000 characters"):
        load_knowledge(data, "faq.pkl")


def test_pickle_decoding_to_billions_of_characters_is_refused_at_once():
    shared = "가" * 5_000
    related = [shared] * 100_000  # 5 * 10^8 characters per entry, 10^4 entries: 5 * 10^12 in all
    data = pickle.dumps([{"question": "q", "answer": "a", "related": related}] * 10_000)
    with pytest.raises(KnowledgeFormatError, match="item 0 is longer than"):
        load_knowledge(data, "faq.pkl")


def test_total_characters_and_entries_are_bounded():
    answer = "답" * 5_000
    with pytest.raises(KnowledgeFormatError, match="more than 10,000,000 characters"):
        load_knowledge(pickle.dumps({f"q{i}": answer for i in range(2_500)}), "faq.pkl")
    with pytest.raises(KnowledgeFormatError, match="more than 20,000 entries"):
        load_knowledge(pickle.dumps({f"q{i}": "a" for i in range(20_001)}), "faq.pkl")
    small = ImportLimits(max_entries=2, max_entry_chars=100, max_total_chars=110)
    rows = "question,answer\n" + "".join(f"q{i},{'a' * 60}\n" for i in range(2))
    with pytest.raises(KnowledgeFormatError, match="more than 110 characters"):
        load_knowledge(rows.encode(), "faq.csv", small)
    lines = "".join(json.dumps({"question": f"q{i}", "answer": "a"}) + "\n" for i in range(3))
    with pytest.raises(KnowledgeFormatError, match="more than 2 entries"):
        load_knowledge(lines.encode(), "faq.jsonl", small)


def test_permanent_json_errors_are_readable():
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(KnowledgeFormatError, match="nested too deeply"):
        load_knowledge(deep.encode(), "faq.json")
    with pytest.raises(KnowledgeFormatError, match="line 1: nested too deeply"):
        load_knowledge(deep.encode(), "faq.jsonl")
    with pytest.raises(KnowledgeFormatError, match="invalid JSON in the file: .*digits"):
        load_knowledge(('{"q": ' + "1" * 5_000 + "}").encode(), "faq.json")


def test_pickle_nesting_and_huge_numbers_are_refused():
    with pytest.raises(KnowledgeFormatError, match="more than 64 bits"):
        load_knowledge(pickle.dumps({10**5000: "a"}), "faq.pkl")
    depth = 100_000  # pickle.dumps itself recurses, so write the opcodes: EMPTY_LIST x n, APPEND x n-1, STOP
    nested = b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."
    with pytest.raises(KnowledgeFormatError, match="item 0 is nested more than 8 levels"):
        load_knowledge(nested, "faq.pkl")


def test_gzip_upload_is_read_with_the_same_bounds():
    data = gzip.compress(json.dumps(PAIRS, ensure_ascii=False).encode())
    assert load_knowledge(data, "faq.json.gz") == [RawEntry(q, a) for q, a in PAIRS.items()]
    assert load_knowledge(gzip.compress(pickle.dumps(PAIRS)), "faq.pkl.gz") == load_knowledge(data, "faq.json.gz")
    with pytest.raises(KnowledgeFormatError, match="decompresses to more than 20 MB"):
        load_knowledge(gzip.compress(b" " * (21 * 1024 * 1024)), "faq.json.gz")
    with pytest.raises(KnowledgeFormatError, match="entry '질문 0' is longer"):
        load_knowledge(gzip.compress(pickle.dumps({f"질문 {i}": "x" * 30_000 for i in range(3)})), "faq.pkl.gz")
    with pytest.raises(KnowledgeFormatError, match="not a readable gzip"):
        load_knowledge(b"\x1f\x8bnot gzip", "faq.json.gz")
    with pytest.raises(KnowledgeFormatError, match="truncated"):
        load_knowledge(data[:-12], "faq.json.gz")
