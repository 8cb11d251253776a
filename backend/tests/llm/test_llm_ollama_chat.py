"""OllamaChatModel against the loopback server speaking Ollama's /api/chat NDJSON stream."""

import socket

import pytest

from app.llm.base import ChatMessage, ChatOptions, LLMError
from app.llm.providers.ollama_chat import OllamaChatModel
from app.llm.registry import LLMConfig, default_chat_provider, get_chat_model

MESSAGES = [ChatMessage("system", "당신은 상담원입니다."), ChatMessage("user", "배송은 얼마나 걸리나요?")]
MODEL = "qwen2.5-7b-instruct-1m"


def model_for(fake, **kw) -> OllamaChatModel:
    return get_chat_model("ollama", LLMConfig(ollama_base_url=fake.base_url, **kw))


async def collect(model, options=ChatOptions(), messages=MESSAGES):
    texts, finals = [], []
    async for chunk in model.stream(messages, options):
        (finals if chunk.usage else texts).append(chunk)
    return [c.text for c in texts], finals


async def test_streams_lines_in_order_with_usage(fake_ollama):
    pieces = ["배송은 ", "결제 후 ", "2~3일 ", "걸립니다."]
    fake_ollama.reply(chunks=pieces, prompt_eval_count=31, eval_count=9, done_reason="length")
    texts, finals = await collect(model_for(fake_ollama))
    assert texts == pieces
    assert len(finals) == 1
    usage = finals[0].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (31, 9, False)
    assert finals[0].finish_reason == "length"


async def test_request_is_ollama_native_with_num_ctx(fake_ollama):
    options = ChatOptions(temperature=0.7, max_tokens=128, stop=("###",))
    await model_for(fake_ollama).complete(MESSAGES, options)
    body = fake_ollama.chat_requests[-1]
    assert body["model"] == MODEL and body["stream"] is True
    assert body["options"] == {"temperature": 0.7, "num_predict": 128, "num_ctx": 32768, "stop": ["###"]}
    assert body["messages"] == [{"role": "system", "content": "당신은 상담원입니다."},
                                {"role": "user", "content": "배송은 얼마나 걸리나요?"}]


async def test_long_prompt_widens_num_ctx_up_to_the_models_context(fake_ollama):
    long_doc = [ChatMessage("user", "가" * 200_000)]  # ~150k tokens by our estimate
    model = model_for(fake_ollama, ollama_num_ctx=8192)
    await model.complete(long_doc, ChatOptions(max_tokens=512))
    assert fake_ollama.chat_requests[-1]["options"]["num_ctx"] == 262_144  # the next power of two that fits
    assert model.window(MODEL, MESSAGES, 512) == 8192  # short chats keep the configured window
    # a model the catalogue gives 32k never gets more; one it does not know keeps the setting
    assert model.window("qwen2.5:7b-instruct", long_doc, 512) == 32_768
    assert model.window("someone/unknown", long_doc, 512) == 8192


async def test_complete_joins_and_estimates_usage_of_a_cached_prompt(fake_ollama):
    fake_ollama.reply("주문 취소는 마이페이지에서 가능합니다.", cached_prompt=True)
    result = await model_for(fake_ollama).complete(MESSAGES, ChatOptions())
    assert result.text == "주문 취소는 마이페이지에서 가능합니다."
    assert result.usage.estimated and result.usage.prompt_tokens > 0


async def test_options_model_overrides_default(fake_ollama):
    fake_ollama.models.append("qwen2.5:7b-instruct")
    try:
        await model_for(fake_ollama).complete(MESSAGES, ChatOptions(model="qwen2.5:7b-instruct"))
    finally:
        fake_ollama.models.remove("qwen2.5:7b-instruct")
    assert fake_ollama.chat_requests[-1]["model"] == "qwen2.5:7b-instruct"


@pytest.mark.parametrize(("status", "code"), [(500, "llm_unavailable"), (503, "llm_unavailable"),
                                              (429, "llm_rate_limited"), (400, "llm_bad_response")])
async def test_http_errors_map_to_codes(fake_ollama, status, code):
    fake_ollama.fail(status, "boom")
    with pytest.raises(LLMError) as info:
        await collect(model_for(fake_ollama))
    assert info.value.code == code and "boom" not in info.value.message


async def test_missing_model_says_to_pull_it(fake_ollama):
    with pytest.raises(LLMError) as info:
        await collect(model_for(fake_ollama), ChatOptions(model="qwen9:404b"))
    assert info.value.code == "llm_unavailable" and "qwen9:404b" in info.value.message
    assert info.value.status_code == 503


@pytest.mark.parametrize("script", [{"error_after": 1}, {"malformed": True}, {"cut_after": 2}])
async def test_broken_streams_are_bad_responses_after_the_text_so_far(fake_ollama, script):
    fake_ollama.reply("가나다라마바사아자차", **script)
    seen = []
    with pytest.raises(LLMError) as info:
        async for chunk in model_for(fake_ollama).stream(MESSAGES, ChatOptions()):
            seen.append(chunk.text)
    assert info.value.code == "llm_bad_response"
    assert seen[0] == "가나다"


async def test_stall_between_lines_times_out(fake_ollama):
    fake_ollama.reply("가나다라마바", stall_after=1, stall_s=1.5)
    with pytest.raises(LLMError) as info:
        await collect(model_for(fake_ollama), ChatOptions(timeout_s=0.3))
    assert info.value.code == "llm_timeout"


async def test_unreachable_server_is_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    model = OllamaChatModel(base_url=f"http://127.0.0.1:{port}", default_model=MODEL)
    with pytest.raises(LLMError) as info:
        await collect(model)
    assert info.value.code == "llm_unavailable"


def test_auto_prefers_openai_then_ollama_then_extractive():
    assert default_chat_provider(LLMConfig()) == "extractive"
    assert default_chat_provider(LLMConfig(ollama_base_url="http://h:11434")) == "ollama"
    assert default_chat_provider(LLMConfig(ollama_base_url="http://h:11434", openai_api_key="k")) == "openai"
