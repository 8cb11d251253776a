"""The `documents` level of `make bench` (app/eval/bench.py): a generated 100-page Korean PDF uploaded, extracted,
chunked, embedded and indexed, then the extractive summary's first-token time. Needs reportlab (a dev dependency)
to write the PDF."""

import io
import time
import uuid

from app.chat import events as ev
from app.core.db import sessionmaker
from app.documents import chunking, extract, service, summary
from app.documents.schemas import SummaryCreate
from app.jobs.registry import get_kind
from app.jobs.runner import run
from app.users.service import ensure_user
from app.workspaces import service as workspaces

CHAPTERS = [
    ("회원 가입", "상담몰 회원은 만 14세 이상이면 누구나 가입할 수 있습니다. 가입할 때 휴대폰 본인 인증을 한 번 거칩니다."),
    ("주문과 결제", "주문은 결제가 끝난 뒤 확정됩니다. 무통장 입금은 주문 후 3일 안에 입금해야 합니다."),
    ("반품과 환불", "단순 변심 반품은 상품을 받은 날부터 10일 이내에 신청할 수 있습니다. 반품 배송비는 고객이 부담합니다."),
    ("포인트", "구매 확정 시 결제 금액의 1퍼센트가 포인트로 적립됩니다. 포인트는 적립일로부터 1년 동안 사용할 수 있습니다."),
    ("배송", "주문한 상품은 결제 후 평일 기준 2일 안에 출고됩니다. 3만 원 이상 구매하면 배송비가 무료입니다."),
]


def policy_pdf(pages: int = 100) -> bytes:
    """A booklet of `pages` pages, each a chapter heading and about a dozen lines of our own demo text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for n in range(pages):
        title, body = CHAPTERS[n % len(CHAPTERS)]
        c.setFont("HYSMyeongJo-Medium", 11)
        c.drawString(60, 790, f"제{n + 1}장 {title}")
        y = 760
        for k in range(6):
            c.drawString(60, y, f"{body.split('. ')[k % 2].rstrip('.')}({n + 1}-{k + 1}).")
            c.drawString(60, y - 20, f"이 조항은 {n + 1}쪽의 {k + 1}번째 안내이며, 자세한 내용은 고객센터에서 확인합니다.")
            y -= 48
        c.showPage()
    c.save()
    return out.getvalue()


async def measure(pages: int = 100) -> dict:
    """Upload (extraction), the indexing job (chunking, embedding, the swap) and the extractive summary, timed."""
    data = policy_pdf(pages)
    t = time.perf_counter()
    extracted = extract.extract(data, "bench.pdf")
    extract_s = time.perf_counter() - t
    t = time.perf_counter()
    pieces = chunking.chunk(extracted.units)
    chunk_s = time.perf_counter() - t
    async with sessionmaker()() as s:
        owner = await ensure_user(session=s, email=f"bench-docs-{uuid.uuid4().hex[:8]}@sangdam.dev",
                                  password=uuid.uuid4().hex)
        ws = await workspaces.create(session=s, owner=owner, name="bench documents")
        ws_id, owner_id = ws.id, owner.id
    try:
        async with sessionmaker()() as s:
            t = time.perf_counter()
            doc = await service.upload(session=s, ws_id=ws_id, user_id=owner_id, filename="bench.pdf", data=data)
            upload_s = time.perf_counter() - t
            job_id = doc.job_id
        t = time.perf_counter()
        await run(get_kind(service.KIND), {}, str(job_id), 0)  # the job's one step, in this process
        index_s = time.perf_counter() - t
        async with sessionmaker()() as s:
            doc, job = await service.get_with_job(session=s, ws_id=ws_id, document_id=doc.id)
            assert doc.status == "ready", (doc.status, job.error if job else None)
        first = None
        t = time.perf_counter()
        summary_run = await summary.start(ws_id=ws_id, user_id=owner_id, document_id=doc.id,
                                          body=SummaryCreate(length="medium", mode="extractive"))
        async for event in summary_run.events():
            if isinstance(event, ev.Token) and first is None:
                first = time.perf_counter() - t
        total = time.perf_counter() - t
        return {
            "pages": extracted.page_count, "bytes": len(data), "units": len(extracted.units), "pieces": len(pieces),
            "extract_s": round(extract_s, 2), "chunk_s": round(chunk_s, 3),
            "upload_s": round(upload_s, 2),  # the request: extraction, duplicate check, rows, job queued
            "index_job_s": round(index_s, 1),  # chunking, embedding (question model + USE), Kiwi lexemes, swap
            "pages_per_s_indexed": round(extracted.page_count / (upload_s + index_s), 1),
            "summary_first_token_s": round(first, 2) if first is not None else None,
            "summary_total_s": round(total, 2), "summary_sentences": len(chunking.sentences(extracted.units)),
        }
    finally:
        async with sessionmaker()() as s:
            await workspaces.delete(session=s, ws=await s.get(type(ws), ws_id))
