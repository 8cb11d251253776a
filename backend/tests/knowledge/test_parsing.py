import json
import pickle
from pathlib import Path

import pytest

from app.knowledge.parsing import KnowledgeFormatError, RawEntry, load_knowledge

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
