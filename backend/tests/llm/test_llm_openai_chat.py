"""OpenAIChatModel against the loopback OpenAI-compatible server."""

import socket

import pytest

from app.llm.base import ChatMessage, ChatOptions, LLMError
from app.llm.providers._openai_client import close_clients, get_client
from app.llm.providers.openai_chat import OpenAIChatModel

MESSAGES = [ChatMessage("system", "당신은 상담원입니다."), ChatMessage("user", "배송은 얼마나 걸리나요?")]


def model_for(fake, **kw) -> OpenAIChatModel:
    return OpenAIChatModel(api_key="test-key", base_url=fake.base_url, **kw)


async def collect(model, options=ChatOptions()):
    texts, finals = [], []
    async for chunk in model.stream(MESSAGES, options):
        (finals if chunk.usage else texts).append(chunk)
    return [c.text for c in texts], finals


async def test_streams_deltas_in_order_with_usage(fake_openai):
    deltas = ["배송은 ", "결제 후 ", "2~3일 ", "걸립니다."]
    fake_openai.reply(chunks=deltas, prompt_tokens=31, completion_tokens=9)
    texts, finals = await collect(model_for(fake_openai))
    assert texts == deltas
    assert len(finals) == 1
    usage = finals[0].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (31, 9, False)
    assert finals[0].finish_reason == "stop"


async def test_request_carries_model_temperature_messages(fake_openai):
    fake_openai.reply("네.")
    options = ChatOptions(model="qwen2.5-7b-instruct-1m", temperature=0.7, max_tokens=128, stop=("###",))
    await model_for(fake_openai).complete(MESSAGES, options)
    body = fake_openai.chat_requests[-1]
    assert body["model"] == "qwen2.5-7b-instruct-1m"
    assert body["temperature"] == 0.7
    assert body["max_tokens"] == 128
    assert body["stop"] == ["###"]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": "system", "content": "당신은 상담원입니다."},
                                {"role": "user", "content": "배송은 얼마나 걸리나요?"}]
    auth = next(r.headers["authorization"] for r in fake_openai.requests)
    assert auth == "Bearer test-key"


async def test_default_model_used_when_options_have_none(fake_openai):
    await model_for(fake_openai, default_model="gpt-4o-mini").complete(MESSAGES, ChatOptions())
    assert fake_openai.chat_requests[-1]["model"] == "gpt-4o-mini"


async def test_complete_joins_stream(fake_openai):
    fake_openai.reply("주문 취소는 마이페이지에서 가능합니다.")
    result = await model_for(fake_openai).complete(MESSAGES, ChatOptions())
    assert result.text == "주문 취소는 마이페이지에서 가능합니다."
    assert result.usage.completion_tokens > 0 and not result.usage.estimated


async def test_missing_usage_chunk_is_estimated(fake_openai):
    fake_openai.reply("사용량을 보내지 않는 서버입니다.", send_usage=False)
    result = await model_for(fake_openai).complete(MESSAGES, ChatOptions())
    assert result.text == "사용량을 보내지 않는 서버입니다."
    assert result.usage.estimated
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0


@pytest.mark.parametrize(("status", "code"), [
    (500, "llm_unavailable"), (503, "llm_unavailable"), (401, "llm_unavailable"),
    (429, "llm_rate_limited"), (400, "llm_bad_response"),
])
async def test_http_errors_are_mapped(fake_openai, status, code):
    fake_openai.fail(status)
    with pytest.raises(LLMError) as info:
        await model_for(fake_openai, max_retries=0).complete(MESSAGES, ChatOptions())
    assert info.value.code == code
    assert "fake failure" not in info.value.message  # provider text never leaks to users


async def test_one_server_error_is_retried(fake_openai):
    fake_openai.fail(500)
    fake_openai.reply("재시도 성공")
    result = await model_for(fake_openai).complete(MESSAGES, ChatOptions())
    assert result.text == "재시도 성공"
    assert len(fake_openai.chat_requests) == 2


async def test_slow_first_byte_times_out(fake_openai):
    fake_openai.reply("늦은 답", delay_s=2)
    with pytest.raises(LLMError) as info:
        await model_for(fake_openai, max_retries=0).complete(MESSAGES, ChatOptions(timeout_s=0.3))
    assert info.value.code == "llm_timeout"
    assert info.value.status_code == 504


async def test_stall_mid_stream_times_out_after_partial_text(fake_openai):
    fake_openai.reply(chunks=["첫 ", "둘째"], stall_after=1, stall_s=2)
    seen = []
    with pytest.raises(LLMError) as info:
        async for chunk in model_for(fake_openai, max_retries=0).stream(MESSAGES, ChatOptions(timeout_s=0.3)):
            seen.append(chunk.text)
    assert info.value.code == "llm_timeout"
    assert seen == ["첫 "]


async def test_malformed_chunk_is_bad_response(fake_openai):
    fake_openai.reply("정상 시작", malformed=True)
    with pytest.raises(LLMError) as info:
        await model_for(fake_openai).complete(MESSAGES, ChatOptions())
    assert info.value.code == "llm_bad_response"


async def test_in_stream_error_event_is_bad_response(fake_openai):
    fake_openai.reply(chunks=["a", "b"], error_after=1)
    with pytest.raises(LLMError) as info:
        await model_for(fake_openai).complete(MESSAGES, ChatOptions())
    assert info.value.code == "llm_bad_response"


async def test_unreachable_server_is_unavailable():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = OpenAIChatModel(api_key="k", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(LLMError) as info:
        await model.complete(MESSAGES, ChatOptions(timeout_s=2))
    assert info.value.code == "llm_unavailable"


async def test_unconfigured_model_is_unavailable():
    with pytest.raises(LLMError) as info:
        await OpenAIChatModel(api_key=None, base_url=None).complete(MESSAGES, ChatOptions())
    assert info.value.code == "llm_unavailable"


async def test_client_is_reused_per_endpoint_and_key(fake_openai):
    a = get_client(base_url=fake_openai.base_url, api_key="k1")
    assert get_client(base_url=fake_openai.base_url, api_key="k1") is a
    assert get_client(base_url=fake_openai.base_url, api_key="k2") is not a


async def test_close_clients_forgets_them(fake_openai):
    a = get_client(base_url=fake_openai.base_url, api_key="k3")
    await close_clients()
    assert get_client(base_url=fake_openai.base_url, api_key="k3") is not a
