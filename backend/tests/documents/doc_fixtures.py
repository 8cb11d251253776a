"""Document fixtures made on the fly from our own Korean demo text: a multi-page PDF (reportlab's CID font
renders Hangul), a docx with headings and a table, HWPX (python-hwpx writes it) and HWP 5 (python-hwpx's
HWP 5 writer turns that HWPX into a .hwp), xlsx, csv, and broken ones."""

import io
import zipfile

# A made-up shop's policy booklet; page 3 holds the fact the chat tests ask for.
POLICY_PAGES = [
    ["제1장 회원 가입", "상담몰 회원은 만 14세 이상이면 누구나 가입할 수 있습니다.",
     "가입할 때 휴대폰 본인 인증을 한 번 거칩니다."],
    ["제2장 주문과 결제", "주문은 결제가 끝난 뒤 확정됩니다. 무통장 입금은 주문 후 3일 안에 입금해야 합니다.",
     "카드 결제는 할부를 최대 6개월까지 고를 수 있습니다."],
    ["제3장 반품과 환불", "단순 변심으로 인한 반품은 상품을 받은 날부터 10일 이내에 신청할 수 있습니다.",
     "반품 배송비 4천 원은 고객이 부담하며, 환불은 반품 상품이 물류센터에 도착한 뒤 2영업일 안에 처리됩니다."],
    ["제4장 포인트", "구매 확정 시 결제 금액의 1퍼센트가 상담몰 포인트로 적립됩니다.",
     "포인트는 적립일로부터 1년 동안 사용할 수 있습니다."],
]
REFUND_QUESTION = "단순 변심 반품은 며칠 안에 신청해야 하나요?"
POINTS_QUESTION = "적립된 상담몰 포인트는 얼마 동안 사용할 수 있나요?"


def make_pdf(pages: list[list[str]] | None = None) -> bytes:
    """A PDF with one page per list of lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for lines in pages or POLICY_PAGES:
        y = 780
        for line in lines:
            c.setFont("HYSMyeongJo-Medium", 11)
            c.drawString(60, y, line)
            y -= 24
        c.showPage()
    c.save()
    return out.getvalue()


def make_long_pdf(n_pages: int = 100) -> bytes:
    """A longer booklet: the policy pages repeated with numbered notes (the bench's 100-page PDF)."""
    pages = []
    for n in range(n_pages):
        base = POLICY_PAGES[n % len(POLICY_PAGES)]
        pages.append([f"{base[0]} ({n + 1})", *base[1:],
                      f"참고 {n + 1}: 이 안내는 {n + 1}번째 쪽의 예시 문장입니다. 자세한 내용은 고객센터에 문의하세요.",
                      f"상담몰 운영 원칙 {n + 1}항은 고객의 불편을 줄이는 것을 목표로 합니다."])
    return make_pdf(pages)


def scanned_pdf() -> bytes:
    """A PDF whose pages carry only drawings: no text layer."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for _ in range(2):
        c.rect(50, 50, 300, 300, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """The policy PDF behind a user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    """A docx with two headings, paragraphs and a table."""
    import docx

    d = docx.Document()
    d.add_heading("배송 안내", level=1)
    d.add_paragraph("주문한 상품은 결제 후 평일 기준 2일 안에 출고됩니다.")
    d.add_heading("배송비", level=2)
    d.add_paragraph("3만 원 이상 구매하면 배송비가 무료입니다.")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("지역", "추가 배송비"), ("제주", "3천 원"), ("도서산간", "5천 원")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _hwpx_document():
    from hwpx import HwpxDocument

    d = HwpxDocument.new()
    for line in ("제1조 목적", "이 규정은 상담몰 임직원의 출장 경비 지급 기준을 정합니다.",
                 "제2조 숙박비", "출장 숙박비는 하룻밤 10만 원까지 실비로 지급합니다."):
        d.add_paragraph(line)
    return d


def make_hwpx() -> bytes:
    return _hwpx_document().to_bytes()


def make_hwp() -> bytes:
    """HWP 5: the HWPX above through python-hwpx's HWP 5 writer."""
    from hwpx.hwp5.writer import write_hwp5

    data = make_hwpx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return write_hwp5({n: z.read(n) for n in z.namelist()})


def make_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "요금표"
    for row in (("상품", "월 요금", "약정"), ("기본형", "9900", "없음"), ("프리미엄", "19900", "12개월")):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_csv() -> bytes:
    return "지점,영업시간\n강남점,오전 10시부터 오후 9시까지\n부산점,오전 11시부터 오후 8시까지\n".encode()


def corrupt_docx() -> bytes:
    """A zip whose name says docx but that holds no document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "안녕하세요")
    return out.getvalue()
