"""Uploading documents: every type through the API and the indexing job, the refusals (415, 413, 422, 409) with
nothing stored, new versions, delete, and other workspaces' 404."""

import uuid

import pytest
from sqlalchemy import func, select

from app.core.db import sessionmaker
from app.documents.models import Document, DocumentFile
from app.models import Job, KnowledgeChunk
from tests.conftest import add_member, make_actor, make_workspace, run_worker
from tests.documents import doc_fixtures as fx


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}/documents{tail}"


async def upload(client, actor, ws_id, name: str, data: bytes):
    return await client.post(url(ws_id), files={"file": (name, data)}, headers=actor.headers)


async def counts(ws_id) -> tuple[int, int, int, int]:
    """Documents, files, pieces (rows) and jobs of a workspace."""
    ws = uuid.UUID(str(ws_id))
    async with sessionmaker()() as s:
        return tuple([await s.scalar(select(func.count()).select_from(t).where(t.workspace_id == ws))
                       for t in (Document, DocumentFile, KnowledgeChunk, Job)])


async def indexed(client, actor, ws_id, doc_id) -> dict:
    await run_worker()
    r = await client.get(url(ws_id, f"/{doc_id}"), headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
async def owner_ws(client):
    owner = await make_actor(client)
    return owner, (await make_workspace(client, owner))["id"]


async def test_every_type_is_uploaded_and_indexed_with_its_places(client, owner_ws):
    owner, ws = owner_ws
    files = {"정책.pdf": fx.make_pdf(), "배송.docx": fx.make_docx(), "출장.hwpx": fx.make_hwpx(),
             "출장.hwp": fx.make_hwp(), "요금.xlsx": fx.make_xlsx(), "지점.csv": fx.make_csv(),
             "교환.md": "# 교환\n\n교환은 7일 안에 됩니다.".encode(),
             "안내.html": "<h1>안내</h1><p>매장은 월요일 휴무입니다.</p>".encode(),
             "메모.txt": "주차는 2시간 무료입니다.".encode()}
    ids = {}
    for name, data in files.items():
        r = await upload(client, owner, ws, name, data)
        assert r.status_code == 201, (name, r.text)
        body = r.json()
        assert body["status"] == "queued" and body["indexing"]["status"] == "queued"
        ids[name] = body["id"]
    await run_worker()
    listed = (await client.get(url(ws), headers=owner.headers)).json()["items"]
    assert {d["filename"]: d["status"] for d in listed} == {name: "ready" for name in files}
    pdf = next(d for d in listed if d["filename"] == "정책.pdf")
    assert pdf["page_count"] == 4 and pdf["piece_count"] >= 4 and pdf["file_type"] == "pdf"
    assert pdf["indexing"]["status"] == "succeeded" and pdf["indexing"]["stage"] == "embedding"
    async with sessionmaker()() as s:
        rows = (await s.execute(select(KnowledgeChunk).where(KnowledgeChunk.document_id == uuid.UUID(ids["정책.pdf"]))
                                )).scalars().all()
    refund = [c for c in rows if "단순 변심" in c.text]
    assert len(refund) == 2  # the question model's row (with lexemes) and the USE row, one piece
    assert {c.page for c in refund} == {3} and refund[0].piece_id == refund[1].piece_id
    assert all(c.embedding is not None and c.entry_id is None for c in rows)
    assert sum(c.lexemes is not None for c in rows) == pdf["piece_count"]
    page = (await client.get(url(ws, f"/{ids['정책.pdf']}/text?page=3"), headers=owner.headers)).json()
    assert page["units"][0] == {"text": "제3장 반품과 환불", "kind": "heading", "page": 3, "section": "제3장 반품과 환불"}
    assert all(u["page"] == 3 for u in page["units"])


@pytest.mark.parametrize("name,data,status,code", [
    ("setup.exe", b"MZ\x90\x00", 415, "unsupported_file"),
    ("잠김.pdf", fx.encrypted_pdf(), 422, "encrypted_document"),
    ("스캔.pdf", fx.scanned_pdf(), 422, "no_text_layer"),
    ("깨짐.docx", fx.corrupt_docx(), 422, "corrupt_document"),
    ("빈.txt", b"", 400, "empty_file"),
])
async def test_refused_files_leave_nothing_behind(client, owner_ws, name, data, status, code):
    owner, ws = owner_ws
    r = await upload(client, owner, ws, name, data)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code and r.json()["message"]
    assert await counts(ws) == (0, 0, 0, 0)


async def test_too_large_and_too_many_pages_are_413(client, owner_ws, monkeypatch):
    from app.documents import extract, router

    owner, ws = owner_ws

    class Small:
        upload_max_mb = 1

    monkeypatch.setattr(router, "get_settings", lambda: Small())
    r = await upload(client, owner, ws, "큰.txt", "가".encode() * 400_000)
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    monkeypatch.setattr(extract, "MAX_PAGES", 3)
    r = await upload(client, owner, ws, "정책.pdf", fx.make_pdf())
    assert r.status_code == 413 and r.json()["error"] == "too_many_pages"
    assert await counts(ws) == (0, 0, 0, 0)


async def test_a_duplicate_names_the_document_it_matches(client, owner_ws):
    owner, ws = owner_ws
    first = (await upload(client, owner, ws, "정책.pdf", fx.make_pdf())).json()
    r = await upload(client, owner, ws, "정책 사본.pdf", fx.make_pdf())
    assert r.status_code == 409
    assert r.json()["error"] == "duplicate_document" and r.json()["document_id"] == first["id"]
    assert "정책.pdf" in r.json()["message"]
    assert (await counts(ws))[:2] == (1, 1)
    # the same file in another workspace is no duplicate
    other = (await make_workspace(client, owner, "다른 곳"))["id"]
    assert (await upload(client, owner, other, "정책.pdf", fx.make_pdf())).status_code == 201


async def test_a_new_version_replaces_the_pieces_and_delete_removes_them(client, owner_ws):
    owner, ws = owner_ws
    doc = (await upload(client, owner, ws, "정책.pdf", fx.make_pdf())).json()
    await indexed(client, owner, ws, doc["id"])
    before = (await counts(ws))[2]
    r = await client.put(url(ws, f"/{doc['id']}/file"), files={"file": ("정책 v2.pdf", fx.make_pdf(fx.POLICY_PAGES[:2]))},
                         headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["status"] == "queued"
    assert (await counts(ws))[2] == before  # the old pieces stay searchable until the new ones are in
    after = await indexed(client, owner, ws, doc["id"])
    assert after["status"] == "ready" and after["page_count"] == 2 and after["filename"] == "정책 v2.pdf"
    async with sessionmaker()() as s:
        pages = set((await s.execute(select(KnowledgeChunk.page).where(
            KnowledgeChunk.document_id == uuid.UUID(doc["id"])))).scalars())
    assert pages == {1, 2}
    assert (await client.delete(url(ws, f"/{doc['id']}"), headers=owner.headers)).status_code == 204
    docs, files, pieces, _ = await counts(ws)
    assert (docs, files, pieces) == (0, 0, 0)
    assert (await client.get(url(ws, f"/{doc['id']}"), headers=owner.headers)).status_code == 404


async def test_members_read_but_only_editors_upload(client, owner_ws):
    owner, ws = owner_ws
    member = await make_actor(client)
    await add_member(client, owner, ws, member, role="member")
    assert (await upload(client, member, ws, "메모.txt", "주차는 2시간 무료입니다.".encode())).status_code == 403
    doc = (await upload(client, owner, ws, "메모.txt", "주차는 2시간 무료입니다.".encode())).json()
    assert (await client.get(url(ws, f"/{doc['id']}"), headers=member.headers)).status_code == 200
    assert (await client.delete(url(ws, f"/{doc['id']}"), headers=member.headers)).status_code == 403


async def test_another_workspace_gets_404_on_every_document_route(client, owner_ws):
    owner, ws = owner_ws
    doc = (await upload(client, owner, ws, "정책.pdf", fx.make_pdf())).json()
    stranger = await make_actor(client)
    theirs = (await make_workspace(client, stranger, "남의 곳"))["id"]
    d = doc["id"]
    for target in (ws, theirs):  # A's workspace (not a member) and B's own workspace with A's id
        h = stranger.headers
        calls = [
            client.get(url(target, f"/{d}"), headers=h),
            client.get(url(target, f"/{d}/text"), headers=h),
            client.get(url(target, f"/{d}/summaries"), headers=h),
            client.post(url(target, f"/{d}/summaries"), json={}, headers=h),
            client.put(url(target, f"/{d}/file"), files={"file": ("x.txt", "다른 내용".encode())}, headers=h),
            client.delete(url(target, f"/{d}"), headers=h),
        ]
        for call in calls:
            r = await call
            assert r.status_code == 404, r.text
            assert r.json()["error"] == "not_found"
    assert (await client.get(url(theirs), headers=stranger.headers)).json()["items"] == []
    assert (await client.get(url(ws), headers=stranger.headers)).status_code == 404
    assert (await counts(ws))[:2] == (1, 1)
