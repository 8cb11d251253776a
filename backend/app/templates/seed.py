"""Three templates for the demo workspace, written by us: a reply to a complaint, a seller onboarding checklist
and an internal notice of a policy change. Seeded by `python -m app.cli seed` (idempotent, by name)."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.templates import service
from app.templates.models import DocTemplate
from app.templates.schemas import TemplateCreate

DEMO_TEMPLATES: list[dict] = [
    {
        "name": "고객 불만 회신",
        "description": "구매자의 불만 문의에 보내는 정중한 회신. 처리 기준은 워크스페이스 지식에서 찾아 인용합니다.",
        "fields": [
            {"name": "customer_name", "label": "고객 이름", "type": "text", "required": True, "max": 50},
            {"name": "order_no", "label": "주문 번호", "type": "text", "required": True, "max": 40},
            {"name": "issue", "label": "불만 유형", "type": "choice", "required": True,
             "options": ["배송 지연", "상품 파손", "반품 거절", "환불 지연"]},
            {"name": "details", "label": "고객이 남긴 내용", "type": "long_text", "max": 2000},
            {"name": "reply_date", "label": "회신일", "type": "date", "required": True},
        ],
        "sections": [
            {"key": "greeting", "title": "인사", "kind": "text",
             "body": "{{ customer_name }}님, 안녕하세요.\n주문 번호 {{ order_no }} 건으로 불편을 드려 진심으로 "
                     "사과드립니다.{% if details %}\n남겨 주신 내용(\"{{ details | truncate(120) }}\")을 "
                     "꼼꼼히 확인했습니다.{% endif %}"},
            {"key": "policy", "title": "처리 기준 안내", "kind": "knowledge",
             "body": "{% if issue == '배송 지연' %}발송 기한이 지나 배송이 늦어지면 어떻게 되나요?"
                     "{% elif issue == '상품 파손' %}배송 중 상품이 분실되거나 파손되면 어떻게 처리하나요?"
                     "{% elif issue == '반품 거절' %}반품이나 교환을 거절할 수 있는 경우가 있나요?"
                     "{% else %}구매자의 반품 요청은 어떻게 처리하나요?{% endif %}"},
            {"key": "closing", "title": "맺음말", "kind": "text",
             "body": "다시 한번 불편을 드려 죄송합니다. 추가로 궁금하신 점은 언제든 문의해 주세요.\n"
                     "{{ reply_date }} 고객지원팀 드림"},
        ],
    },
    {
        "name": "신규 판매자 온보딩 체크리스트",
        "description": "새로 가입한 판매자에게 보내는 첫 주 체크리스트. 각 단계의 방법은 지식에서 인용합니다.",
        "fields": [
            {"name": "seller_name", "label": "판매자(스토어) 이름", "type": "text", "required": True, "max": 60},
            {"name": "seller_type", "label": "판매자 유형", "type": "choice", "required": True,
             "options": ["개인", "개인사업자", "법인"]},
            {"name": "start_date", "label": "판매 시작 예정일", "type": "date", "required": True},
            {"name": "product_count", "label": "등록 예정 상품 수", "type": "number", "min": 1, "max": 100000},
        ],
        "sections": [
            {"key": "intro", "title": "환영합니다", "kind": "text",
             "body": "{{ seller_name }}({{ seller_type }}) 판매자님, 입점을 환영합니다.\n"
                     "{{ start_date }} 판매 시작을 목표로 아래 순서대로 준비해 주세요."
                     "{% if product_count %} 등록 예정 상품은 {{ product_count | format_number }}개입니다."
                     "{% endif %}\n"
                     "| 단계 | 할 일 |\n| --- | --- |\n| 1 | 통신판매업 신고 |\n| 2 | 상품 등록 |\n"
                     "| 3 | 배송비 설정 |\n| 4 | 정산 계좌 확인 |"},
            {"key": "registration", "title": "1. 통신판매업 신고", "kind": "knowledge",
             "body": "통신판매업 신고는 언제, 어떻게 해야 하나요?"},
            {"key": "products", "title": "2. 상품 등록", "kind": "knowledge",
             "body": "{% if product_count and product_count > 50 %}여러 상품을 한 번에 등록하는 방법이 있나요?"
                     "{% else %}상품명은 어떤 규칙에 맞춰 작성해야 하나요?{% endif %}"},
            {"key": "shipping", "title": "3. 배송비 설정", "kind": "knowledge",
             "body": "상품별 배송비는 어떻게 설정하나요?"},
            {"key": "settlement", "title": "4. 정산", "kind": "knowledge", "body": "판매 대금은 언제 정산되나요?"},
        ],
    },
    {
        "name": "정책 변경 사내 공지",
        "description": "운영 정책이 바뀔 때 팀에 돌리는 사내 공지. 현재 기준은 지식에서 인용합니다.",
        "fields": [
            {"name": "policy_name", "label": "변경되는 정책", "type": "text", "required": True, "max": 100},
            {"name": "effective_date", "label": "시행일", "type": "date", "required": True},
            {"name": "change_summary", "label": "변경 내용 요약", "type": "long_text", "required": True,
             "min": 10, "max": 3000},
            {"name": "current_rule_question", "label": "현재 기준을 찾을 질문", "type": "text", "required": True,
             "max": 200},
            {"name": "owner_team", "label": "담당 부서", "type": "text", "required": True, "max": 50},
        ],
        "sections": [
            {"key": "summary", "title": "공지 요약", "kind": "text",
             "body": "[사내 공지] {{ policy_name }} 변경 안내\n{{ effective_date }}부터 {{ policy_name }}이(가) "
                     "아래와 같이 바뀝니다.\n{{ change_summary }}"},
            {"key": "current_rule", "title": "현재 기준 (지식 인용)", "kind": "knowledge",
             "body": "{{ current_rule_question }}"},
            {"key": "actions", "title": "팀별 조치", "kind": "text",
             "body": "- 고객 응대: 시행일 전까지 기존 기준으로 안내하고, 시행일부터 새 기준을 적용합니다.\n"
                     "- 답변 템플릿: 관련 자주 쓰는 답변을 시행일에 맞춰 고칩니다.\n"
                     "- 문의처: {{ owner_team }}"},
        ],
    },
]


async def ensure_demo_templates(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None = None) -> int:
    """Create the demo templates the workspace lacks (by name); return how many were created."""
    have = set((await session.execute(select(DocTemplate.name).where(DocTemplate.workspace_id == ws_id))).scalars())
    created = 0
    for spec in DEMO_TEMPLATES:
        if spec["name"] in have:
            continue
        await service.create_template(session=session, ws_id=ws_id, user_id=user_id,
                                      body=TemplateCreate.model_validate(spec | {"note": "데모 템플릿"}), commit=False)
        created += 1
    await session.commit()
    return created
