"""Greetings, thanks and "아니요 괜찮아요" get a friendly reply with starter questions, never the refusal."""

import pytest

from app.chat.smalltalk import kind, reply


@pytest.mark.parametrize("message, expected", [
    ("안녕하세요", "greeting"), ("안녕하세요~ ㅎㅎ", "greeting"), ("hello", "greeting"),
    ("고마워요", "thanks"), ("정말 감사합니다!", "thanks"), ("도움이 됐어요", "thanks"),
    ("아니요 괜찮아요", "decline"), ("아뇨 됐어요", "decline"),
    ("수고하세요", "bye"),
])
def test_small_talk_is_recognised(message, expected):
    assert kind(message) == expected


@pytest.mark.parametrize("message", [
    "안녕하세요, 정산은 언제 되나요?", "네 알려주세요", "두통약이랑 감기약 같이 먹어도 괜찮아요?",
    "감사 인사 문자를 고객에게 보내고 싶어요", "아니 그게 아니라 반품이요",
])
def test_a_message_that_asks_something_is_not_small_talk(message):
    assert kind(message) is None


def test_the_reply_names_the_workspace():
    assert "스마트스토어 도우미" in reply("greeting", "스마트스토어 도우미")
