"""Chat-model fine-tuning through an OpenAI-compatible API (the official `openai` SDK's files and fine_tuning).

The job is a chain of steps: validate the chat set (as OpenAI's data-prep guide does), upload it, create the
fine-tuning job, then poll it on a schedule (each poll one short step, re-enqueued POLL_S later: no worker waits
on it), recording its events and checkpoints with their metrics. On success the `ft:...` model joins the
catalogue as a chat model the workspace can select.
"""

import json
import math

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app.core.config import get_settings
from app.core.db import sessionmaker
from app.finetune import data
from app.finetune.models import FinetunedChatModel, FinetuneEvent, FinetuneMetric
from app.jobs.registry import Later, register
from app.jobs.runner import Cancelled, Step
from app.llm.providers._openai_client import get_client

KIND = "finetune_openai"
DEFAULT_BASE = "gpt-4o-mini-2024-07-18"
POLL_S = 30.0
MIN_EXAMPLES = 10
MAX_TOKENS_PER_EXAMPLE = 65536  # the longest example the API trains on (gpt-4o-mini); longer ones are cut
ROLES = {"system", "user", "assistant", "function", "tool"}
KEYS = {"role", "content", "name", "function_call", "tool_calls", "tool_call_id", "weight"}


class DataError(Exception):
    """The training set does not validate, or the API failed the job (fails the job at once)."""


def estimate_tokens(text: str) -> int:
    """Tokens of a text, estimated without a tokenizer: about one per 3 UTF-8 bytes (Hangul syllables take
    3 bytes and o200k/cl100k spend about one token each; ASCII words run shorter). An estimate, stated as one."""
    return math.ceil(len(text.encode("utf-8")) / 3)


def validate(lines: list[str]) -> tuple[list[dict], dict]:
    """Check a chat JSONL set line by line the way OpenAI's data-prep guide does; return (errors, stats)."""
    errors: list[dict] = []
    tokens: list[int] = []
    assistant_tokens: list[int] = []

    def err(line: int, code: str, message: str) -> None:
        errors.append({"line": line, "error": code, "message": message})

    for n, raw in enumerate(lines, start=1):
        try:
            ex = json.loads(raw)
        except ValueError:
            err(n, "invalid_json", "The line is not JSON.")
            continue
        if not isinstance(ex, dict):
            err(n, "data_type", "An example must be a JSON object.")
            continue
        messages = ex.get("messages")
        if not isinstance(messages, list) or not messages:
            err(n, "missing_messages_list", "An example needs a non-empty `messages` list.")
            continue
        count, said = 3, 0
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or "role" not in m or ("content" not in m and "tool_calls" not in m):
                err(n, "message_missing_key", f"Message {i + 1} needs `role` and `content`.")
                continue
            if set(m) - KEYS:
                err(n, "message_unrecognized_key", f"Message {i + 1} has unknown keys: {sorted(set(m) - KEYS)}.")
            if m["role"] not in ROLES:
                err(n, "unrecognized_role", f"Message {i + 1} has the unknown role {m['role']!r}.")
            content = m.get("content")
            if not m.get("tool_calls") and (not isinstance(content, str) or not content.strip()):
                err(n, "missing_content", f"Message {i + 1} has no text.")
                continue
            t = estimate_tokens(content or "") + 4
            count += t
            if m["role"] == "assistant":
                said += t
        if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
            err(n, "example_missing_assistant_message", "An example needs at least one assistant message.")
        if count > MAX_TOKENS_PER_EXAMPLE:
            err(n, "too_many_tokens", f"About {count} tokens: over the {MAX_TOKENS_PER_EXAMPLE} an example may have.")
        tokens.append(count)
        assistant_tokens.append(said)
    if len(lines) < MIN_EXAMPLES:
        err(0, "too_few_examples", f"{len(lines)} examples: at least {MIN_EXAMPLES} are needed.")
    stats = {"examples": len(lines), "tokens_total": sum(tokens), "tokens_max": max(tokens, default=0),
             "assistant_tokens_total": sum(assistant_tokens), "tokens_estimated": True}
    return errors, stats


def to_jsonl(examples: list[dict]) -> str:
    """The examples as JSON Lines."""
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples)


def to_lora_jsonl(examples: list[dict]) -> str:
    """The set for local LoRA trainers of Qwen2.5-7B-Instruct (axolotl `chat_template`, LLaMA-Factory
    `sharegpt` with role/content tags, TRL's SFTTrainer): `{"messages": [{role, content}...]}` per line, only
    the system/user/assistant roles and no API-only keys."""
    out = []
    for e in examples:
        msgs = [{"role": m["role"], "content": m["content"]} for m in e["messages"]
                if m.get("role") in ("system", "user", "assistant") and m.get("content")]
        out.append(json.dumps({"messages": msgs}, ensure_ascii=False) + "\n")
    return "".join(out)


def client():
    """The SDK client of the configured OpenAI-compatible endpoint."""
    s = get_settings()
    return get_client(base_url=s.openai_base_url or None, api_key=s.openai_api_key or None, max_retries=2)


async def _log(step: Step, message: str, level: str = "info", external_id: str | None = None, **extra) -> None:
    async with sessionmaker()() as s:
        await s.execute(insert(FinetuneEvent).values(job_id=step.job.id, workspace_id=step.job.workspace_id,
                                                     level=level, message=message[:4000], external_id=external_id,
                                                     data=extra).on_conflict_do_nothing())
        await s.commit()


@register(KIND, fatal=(DataError,), timeout_s=300, max_tries=5)
async def finetune_openai(step: Step):
    """One step of a chat-model fine-tuning job, by the stage in the payload."""
    stage = step.state.get("stage") or "validating"
    if stage == "validating":
        return await _validate_and_upload(step)
    return await _poll(step)


async def _validate_and_upload(step: Step):
    job = step.job
    async with sessionmaker()() as s:
        examples = await data.chat_examples(s, job.workspace_id)
    body = to_jsonl(examples)
    errors, stats = validate(body.splitlines())
    if errors:
        for e in errors[:50]:
            await _log(step, f"line {e['line']}: {e['message']}", "error", code=e["error"], line=e["line"])
        raise DataError(f"The training set has {len(errors)} errors (first: line {errors[0]['line']}: "
                        f"{errors[0]['message']}).")
    await _log(step, f"Validated {stats['examples']} examples, about {stats['tokens_total']} tokens.", **stats)
    api = client()
    if "file_id" not in step.state:
        f = await api.files.create(file=("train.jsonl", body.encode("utf-8")), purpose="fine-tune")
        await step.save(file_id=f.id, dataset=stats)
        await _log(step, f"Uploaded the training file {f.id}.")
    params = step.state.get("params") or {}
    hyper = {k: params[k] for k in ("n_epochs", "batch_size", "learning_rate_multiplier") if k in params}
    created = await api.fine_tuning.jobs.create(model=step.state["base_model"], training_file=step.state["file_id"],
                                                suffix=params.get("suffix") or None,
                                                **({"hyperparameters": hyper} if hyper else {}))
    await step.save(stage="polling", external_id=created.id, external_status=created.status)
    await _log(step, f"Created fine-tuning job {created.id} ({created.status}).")
    return Later(0)


async def _poll(step: Step):
    job, api, ext = step.job, client(), step.state["external_id"]
    remote = await api.fine_tuning.jobs.retrieve(ext)
    events = await api.fine_tuning.jobs.list_events(ext, limit=100)
    for e in reversed(list(events.data)):
        await _log(step, e.message, e.level if e.level in ("info", "warn", "error") else "info", external_id=e.id)
    checkpoints = await api.fine_tuning.jobs.checkpoints.list(ext)
    async with sessionmaker()() as s:
        for c in checkpoints.data:
            m = c.metrics
            values = {"train_loss": getattr(m, "train_loss", None), "val_loss": getattr(m, "valid_loss", None)}
            await s.execute(insert(FinetuneMetric).values(job_id=job.id, workspace_id=job.workspace_id,
                                                          step=c.step_number, **values)
                            .on_conflict_do_update(constraint="uq_finetune_metric_step", set_=values))
        await s.commit()
    polls = int(step.state.get("polls", 0)) + 1
    await step.save(external_status=remote.status, polls=polls,
                    checkpoints=[c.fine_tuned_model_checkpoint for c in checkpoints.data])
    if remote.status == "succeeded":
        name = remote.fine_tuned_model
        await _register(step, name)
        await _log(step, f"Fine-tuned model {name} is ready and selectable in Settings.")
        return {"model": name, "external_id": ext, "trained_tokens": remote.trained_tokens, "polls": polls}
    if remote.status == "failed":
        why = remote.error.message if remote.error and remote.error.message else "no reason given"
        raise DataError(f"The fine-tuning API failed the job: {why}")
    if remote.status == "cancelled":
        raise Cancelled()
    return Later(float(step.state.get("params", {}).get("poll_s", POLL_S)))


async def _register(step: Step, name: str) -> None:
    from app.finetune.service import register_chat_model

    job = step.job
    async with sessionmaker()() as s:
        await s.execute(insert(FinetunedChatModel).values(workspace_id=job.workspace_id, provider="openai",
                                                          name=name, base_model=step.state["base_model"],
                                                          job_id=job.id).on_conflict_do_nothing())
        await s.commit()
        row = await s.scalar(select(FinetunedChatModel).where(FinetunedChatModel.workspace_id == job.workspace_id,
                                                              FinetunedChatModel.name == name))
    register_chat_model(row)


async def cancel_remote(external_id: str) -> str | None:
    """Ask the API to cancel its job; the error text if it could not."""
    try:
        await client().fine_tuning.jobs.cancel(external_id)
    except Exception as exc:  # the local job is cancelled whatever the API says
        return f"{type(exc).__name__}: {exc}"[:500]
    return None
