"""Property-based API fuzzing with schemathesis: no 5xx, and every reply is one the OpenAPI schema documents.

Every operation of the schema gets a bounded number of generated requests (valid and invalid ones, a fixed seed),
sent as a real user of a real workspace (its id, and real session / entry / job ids, in the paths) so the tenant
routes run for real against the test database. Requests go through the app on the test's own event loop (the
database pool belongs to it); Hypothesis runs in a worker thread and waits for each reply.
"""

import asyncio
import re

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import add_member, make_actor, make_workspace

SEED = 20261201
MAX_EXAMPLES = 20  # per operation and generation mode: about 1,400 requests, under a minute on two cores
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _prepared(kwargs: dict) -> dict:
    """schemathesis serialises a case for `requests`: let it encode the body (multipart included), send the bytes."""
    allowed = ("method", "url", "headers", "params", "json", "data", "files", "cookies")
    prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in allowed}).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return {"method": prepared.method, "url": prepared.url, "headers": dict(prepared.headers), "content": body}


async def test_schemathesis_finds_no_server_errors_and_only_documented_replies(app, client):
    owner, member = await make_actor(client, is_admin=True), await make_actor(client)
    ws = await make_workspace(client, owner)
    doomed = await make_workspace(client, owner, name="지워도 되는 곳")  # DELETE /workspaces/{id} gets this one
    await add_member(client, owner, ws["id"], member, role="editor")
    base = f"/api/v1/workspaces/{ws['id']}"
    r = await client.post(f"{base}/knowledge", json={"question": "배송은 언제 오나요?", "answer": "이틀 걸려요."},
                          headers=owner.headers)
    entry_id = r.json()["id"]
    session_id = (await client.post(f"{base}/chat/sessions", json={}, headers=owner.headers)).json()["id"]
    job_id = (await client.post(f"{base}/knowledge/reembed", headers=owner.headers)).json()["id"]
    document_id = (await client.post(f"{base}/documents", files={"file": ("안내.txt", "주차는 2시간 무료입니다.".encode())},
                                     headers=owner.headers)).json()["id"]
    known = {"workspace_id": ws["id"], "entry_id": entry_id, "session_id": session_id, "job_id": job_id,
             "user_id": str(member.user.id), "document_id": document_id}

    loop = asyncio.get_running_loop()
    schema = schemathesis.openapi.from_dict(app.openapi())
    failures: list[str] = []
    sent = {"requests": 0}

    # A 500 must come back as a reply to check, not as the app's exception raised into the test.
    fuzzer = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                               base_url="http://test")

    async def send(kwargs: dict):
        return await fuzzer.request(**kwargs)

    def fuzz_all() -> None:
        operations = [result.ok() for result in schema.get_all_operations()]
        # Deleting comes last, so the other operations find the workspace, entry and session still there.
        operations.sort(key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))
        for op in operations:
            names = re.findall(r"\{(\w+)\}", op.path)
            fixed = {n: known[n] for n in names if n in known}
            if op.method.upper() == "DELETE" and op.path == "/api/v1/workspaces/{workspace_id}":
                fixed["workspace_id"] = doomed["id"]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run(op, mode, fixed)

    def run(op, mode, fixed) -> None:
        strategy = op.as_strategy(generation_mode=mode, path_parameters=fixed or None)

        @hypothesis.seed(SEED)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=False,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def fuzz(case) -> None:
            kwargs = case.as_transport_kwargs(base_url="http://test", headers=owner.headers)
            response = asyncio.run_coroutine_threadsafe(send(_prepared(kwargs)), loop).result(120)
            sent["requests"] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseExceptionGroup as group:  # schemathesis's FailureGroup: collect, report them all together
                for exc in group.exceptions:
                    failures.append(f"{op.method.upper()} {op.path} [{mode.value}] -> {response.status_code} "
                                    f"{response.text[:160]!r}: {str(exc).splitlines()[0][:200]}")

        fuzz()

    try:
        await asyncio.to_thread(fuzz_all)
    finally:
        await fuzzer.aclose()
    assert sent["requests"] > 100
    assert not failures, f"{len(failures)} of {sent['requests']} requests failed:\n" + "\n".join(
        sorted(set(failures))[:40])


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_safe_str_is_what_the_fuzzer_found(bad):
    """The validator behind the 422s: NUL and lone surrogates never reach PostgreSQL."""
    from pydantic import TypeAdapter, ValidationError

    from app.core.types import SafeStr

    with pytest.raises(ValidationError):
        TypeAdapter(SafeStr).validate_python(f"a{bad}b")
    assert TypeAdapter(SafeStr).validate_python("정상 문자열 🙂") == "정상 문자열 🙂"
