"""Exports read back with python-docx and python-hwpx: text and tables intact; uploaded layouts filled."""

import io

import docx
import pytest
from hwpx.document import HwpxDocument
from hwpx.tools.exporter import export_text

from tests.helpers import parse_sse


def url(ws, tail=""):
    return f"/api/v1/workspaces/{ws}{tail}"


TEMPLATE = {
    "name": "점검표",
    "fields": [{"name": "store", "label": "스토어", "type": "text", "required": True},
               {"name": "count", "label": "상품 수", "type": "number"}],
    "sections": [
        {"key": "intro", "title": "안내", "kind": "text",
         "body": "{{ store }} 판매자님 환영합니다.\n- 첫째 할 일\n- 둘째 할 일\n| 단계 | 할 일 |\n| --- | --- |\n"
                 "| 1 | 신고 |\n| 2 | 등록 |"},
        {"key": "closing", "title": "맺음", "kind": "text", "body": "상품 {{ count }}개를 준비해 주세요."},
    ],
}


@pytest.fixture
async def made(client, owner_ws):
    actor, ws = owner_ws
    tpl = (await client.post(url(ws, "/templates"), json=TEMPLATE, headers=actor.headers)).json()
    r = await client.post(url(ws, f"/templates/{tpl['id']}/generate"),
                          json={"values": {"store": "가나다상점", "count": 12}, "title": "가나다 점검표"},
                          headers=actor.headers)
    doc_id = parse_sse(r.text)[-1][1]["document_id"]
    return {"actor": actor, "ws": ws, "tpl": tpl, "doc": doc_id}


async def download(client, made, fmt):
    r = await client.get(url(made["ws"], f"/generated-documents/{made['doc']}/export"), params={"format": fmt},
                         headers=made["actor"].headers)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    return r


async def test_markdown(client, made):
    text = (await download(client, made, "md")).text
    assert text.startswith("# 가나다 점검표\n")
    assert "| 스토어 | 가나다상점 |" in text and "## 안내" in text and "| 1 | 신고 |" in text
    assert "상품 12개를 준비해 주세요." in text


async def test_docx_round_trip_keeps_text_and_tables(client, made):
    d = docx.Document(io.BytesIO((await download(client, made, "docx")).content))
    paragraphs = [p.text for p in d.paragraphs]
    assert "가나다 점검표" in paragraphs and "안내" in paragraphs and "맺음" in paragraphs
    assert "가나다상점 판매자님 환영합니다." in paragraphs and "첫째 할 일" in paragraphs
    fields, steps = d.tables
    assert [[c.text for c in row.cells] for row in fields.rows] == [["항목", "값"], ["스토어", "가나다상점"],
                                                                    ["상품 수", "12"]]
    assert [[c.text for c in row.cells] for row in steps.rows] == [["단계", "할 일"], ["1", "신고"], ["2", "등록"]]


async def test_hwpx_round_trip_keeps_text_and_tables(client, made):
    data = (await download(client, made, "hwpx")).content
    doc = HwpxDocument.open(data)
    try:
        text = export_text(doc)
        paragraphs = [p.text for p in doc.paragraphs]
    finally:
        doc.close()
    assert paragraphs[0] == "가나다 점검표" and "안내" in paragraphs and "상품 12개를 준비해 주세요." in paragraphs
    assert "스토어\t가나다상점" in text and "단계\t할 일" in text and "2\t등록" in text


async def test_an_edit_is_what_exports(client, made):
    await client.patch(url(made["ws"], f"/generated-documents/{made['doc']}"),
                       json={"sections": [{"key": "closing", "content": "손으로 고친 맺음말"}]},
                       headers=made["actor"].headers)
    d = docx.Document(io.BytesIO((await download(client, made, "docx")).content))
    assert "손으로 고친 맺음말" in [p.text for p in d.paragraphs]


def _docx_layout(*markers: str) -> bytes:
    d = docx.Document()
    d.add_paragraph("우리 회사 레터헤드")
    for m in markers:
        d.add_paragraph(m)
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "스토어", "{{ store }}"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


async def test_docx_layout_is_filled_and_keeps_its_own_text(client, made):
    base = url(made["ws"], f"/templates/{made['tpl']['id']}")
    files = {"file": ("layout.docx", _docx_layout("{{ title }}", "{{ intro }}", "끝: {{ closing }}"),
                      "application/octet-stream")}
    r = await client.put(f"{base}/layout", files=files, headers=made["actor"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["layout"] == {"kind": "docx", "filename": "layout.docx"} and r.json()["version"] == 2
    # The document was made from version 1 (no layout): a new one uses the layout.
    r = await client.post(f"{base}/generate", json={"values": {"store": "라마상점", "count": 3}},
                          headers=made["actor"].headers)
    made = made | {"doc": parse_sse(r.text)[-1][1]["document_id"]}
    d = docx.Document(io.BytesIO((await download(client, made, "docx")).content))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "우리 회사 레터헤드" in text and "라마상점 판매자님 환영합니다." in text and "끝: 상품 3개를" in text
    assert "{{" not in text and d.tables[0].cell(0, 1).text == "라마상점"


async def test_layouts_with_unknown_markers_or_unreadable_are_refused(client, made):
    base = url(made["ws"], f"/templates/{made['tpl']['id']}")
    cases = [("bad.docx", _docx_layout("{{ nobody }}"), 422, "nobody"),
             ("evil.docx", _docx_layout("{{ store.__class__ }}"), 422, "attribute"),
             ("junk.docx", b"not a zip", 422, "readable"),
             ("notes.txt", b"hello", 415, "docx")]
    for name, data, status, word in cases:
        r = await client.put(f"{base}/layout", files={"file": (name, data, "application/octet-stream")},
                             headers=made["actor"].headers)
        assert r.status_code == status and word in r.json()["message"], (name, r.text)
    tpl = (await client.get(base, headers=made["actor"].headers)).json()
    assert tpl["version"] == 1 and tpl["layout"] is None


async def test_hwpx_layout_is_filled(client, made):
    layout = HwpxDocument.new()
    layout.paragraphs[0].text = "공문 머리: {{ title }}"
    layout.add_paragraph("스토어 {{ store }} / {{ closing }}")
    t = layout.add_table(1, 2)
    t.cell(0, 0).text, t.cell(0, 1).text = "상품 수", "{{ count }}"
    data = layout.to_bytes()
    layout.close()
    base = url(made["ws"], f"/templates/{made['tpl']['id']}")
    r = await client.put(f"{base}/layout", files={"file": ("form.hwpx", data, "application/octet-stream")},
                         headers=made["actor"].headers)
    assert r.status_code == 200 and r.json()["layout"]["kind"] == "hwpx", r.text
    r = await client.post(f"{base}/generate", json={"values": {"store": "바사상점", "count": 7}, "title": "공문"},
                          headers=made["actor"].headers)
    made = made | {"doc": parse_sse(r.text)[-1][1]["document_id"]}
    doc = HwpxDocument.open((await download(client, made, "hwpx")).content)
    try:
        text = export_text(doc)
    finally:
        doc.close()
    assert "공문 머리: 공문" in text and "스토어 바사상점 / 상품 7개를 준비해 주세요." in text
    assert "상품 수\t7" in text and "{{" not in text
    r = await client.put(f"{base}/layout", files={"file": ("x.hwpx", _hwpx_with("{{ ghost }}"),
                                                            "application/octet-stream")}, headers=made["actor"].headers)
    assert r.status_code == 422 and "ghost" in r.json()["message"]


def _hwpx_with(text: str) -> bytes:
    d = HwpxDocument.new()
    d.paragraphs[0].text = text
    try:
        return d.to_bytes()
    finally:
        d.close()


async def test_json_without_a_stream_and_as_an_export(client, owner_ws):
    actor, ws = owner_ws
    tpl = (await client.post(url(ws, "/templates"), json=TEMPLATE, headers=actor.headers)).json()
    r = await client.post(url(ws, f"/templates/{tpl['id']}/generate"), params={"stream": "false"},
                          json={"values": {"store": "JSON상점"}}, headers=actor.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    doc = r.json()
    assert doc["status"] == "complete" and doc["sections"][0]["content"].startswith("JSON상점 판매자님")
    r = await client.get(url(ws, f"/generated-documents/{doc['id']}/export"), params={"format": "json"},
                         headers=actor.headers)
    assert r.status_code == 200 and r.json() == doc
