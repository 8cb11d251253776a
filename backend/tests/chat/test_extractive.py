"""The extractive answer quotes the cited entry and never invents words."""

import re

from app.chat.answer import Extractive, Grounding
from app.chat.extractive import MAX_CHARS, quote, select_sentences, split_sentences
from app.llm.base import ChatMessage, ChatOptions

ANSWER = (
    "반품은 상품 수령 후 7일 이내에 신청할 수 있습니다. "
    "단순 변심의 경우 왕복 배송비 6,000원은 고객님 부담입니다."
    "상품이 불량이면 배송비는 판매자가 부담합니다!\n"
    "반품 신청 방법:\n"
    "- 마이페이지 > 주문내역에서 반품 신청\n"
    "- 고객센터(1588-0000)로 전화 신청\n"
    "포장을 훼손하면 반품이 어려울 수 있어요. 사은품도 함께 보내 주세요. "
    "환불은 회수 확인 후 3영업일 안에 처리됩니다. "
    "카드 결제는 카드사 사정에 따라 2.5일 정도 더 걸릴 수 있습니다. "
    "재고가 없는 상품은 교환 대신 환불로 처리됩니다."
)


async def run(question: str, answer: str = ANSWER) -> tuple[list[str], list]:
    pieces, finals = [], []
    async for chunk in quote(question, answer):
        (finals if chunk.usage else pieces).append(chunk)
    return [p.text for p in pieces], finals


def test_split_keeps_bullets_and_missing_spaces_and_decimals():
    units = [u.text for u in split_sentences(ANSWER)]
    assert "단순 변심의 경우 왕복 배송비 6,000원은 고객님 부담입니다." in units  # split even without a space
    assert "- 고객센터(1588-0000)로 전화 신청" in units
    assert "카드 결제는 카드사 사정에 따라 2.5일 정도 더 걸릴 수 있습니다." in units  # 2.5 not split
    assert len(units) == 11


def test_long_answer_keeps_first_and_relevant_sentences_in_order():
    text = select_sentences("환불은 언제 처리되나요?", ANSWER)
    assert text.startswith("반품은 상품 수령 후 7일 이내에 신청할 수 있습니다.")
    assert "환불은 회수 확인 후 3영업일 안에 처리됩니다." in text
    assert "재고가 없는 상품은 교환 대신 환불로 처리됩니다." in text
    assert "사은품" not in text and "마이페이지" not in text
    assert text.index("3영업일") < text.index("재고가")  # original order kept
    assert len(text) <= MAX_CHARS


def test_short_answer_is_returned_whole():
    short = "교환은 고객센터에서 접수합니다. 상담 시간은 평일 9시부터 6시까지입니다."
    assert select_sentences("전혀 관계없는 질문", short) == short


async def test_stream_never_emits_words_missing_from_the_passage():
    pieces, finals = await run("배송비는 누가 부담하나요?")
    text = "".join(pieces)
    assert text and len(pieces) > 2  # streamed in pieces of a few words (each piece is one SSE event)
    assert all(len(p.split()) <= 6 for p in pieces)
    # Whitespace may differ (a missing space after 다. is restored); every word is quoted.
    assert all(word in ANSWER for word in text.split())
    assert all(line.strip() in ANSWER or all(s in ANSWER for s in re.split(r"(?<=[.!?]) ", line))
               for line in text.splitlines())
    assert "판매자가 부담합니다!" in text
    assert finals[0].usage.prompt_tokens == 0 and finals[0].finish_reason == "stop"


async def test_the_strategy_quotes_the_first_cited_answer_for_the_question_as_understood():
    grounding = Grounding(question="환불은 언제 처리되나요?", answers=["", ANSWER, "교환은 고객센터에서 접수합니다."])
    chunks = [c async for c in Extractive().stream([ChatMessage("user", "안녕하세요")], ChatOptions(), grounding)]
    assert "3영업일" in "".join(c.text for c in chunks)


async def test_deterministic():
    assert await run("반품 신청 방법") == await run("반품 신청 방법")


async def test_no_answer_streams_no_text():
    pieces, finals = await run("무엇이든", answer="  ")
    assert pieces == [] and len(finals) == 1


async def test_a_short_answer_is_quoted_whole():
    pieces, _ = await run("교환", answer="교환은 고객센터에서 접수합니다.")
    assert "".join(pieces) == "교환은 고객센터에서 접수합니다."
