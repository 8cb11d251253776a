"""`make demo FAQ=<file>`: play the brief's two dialogues (and small talk) against a knowledge file; print the
transcript as markdown (docs/demo.md keeps the one on our demo FAQ).

Every turn goes through `chat.answering.reply`, the chat endpoint's code path; the follow-ups are shown as the
SPA offers them, each tied to its entry.
"""

import argparse
import sys
import uuid
from pathlib import Path

from app.chat import answering
from app.chat import events as ev
from app.chat import service as chat
from app.core.db import sessionmaker
from app.eval.run import run_cli, setup_workspace

DIALOGUES = [
    ("가입하려는 미성년자", ["미성년자도 판매 회원 등록이 가능한가요?", "네 알려주세요", "고마워요"]),
    ("맛집을 묻는 사용자", ["안녕하세요", "오늘 저녁에 여의도 가려는데 맛집 추천좀 해줄래?", "아니요 괜찮아요"]),
    ("반려동물 용품", ["강아지 사료 추천해줘"]),
]


async def _turn(ws_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID, content: str) -> list[str]:
    text: list[str] = []
    sources: list[dict] = []
    followups: list[dict] = []
    refused = False
    async for event in answering.reply(ws_id=ws_id, user_id=user_id, session_id=session_id, content=content):
        if isinstance(event, ev.Token):
            text.append(event.text)
        elif isinstance(event, ev.Sources):
            sources = event.sources
        elif isinstance(event, ev.Followups):
            followups = event.followups
        elif isinstance(event, ev.Done):
            refused = event.refused
    out = [f"**사용자:** {content}", "", "**상담봇:**" + (" _(범위 밖: 거절)_" if refused else ""), ""]
    out += ["".join(text).strip(), ""]
    if sources:
        out += [f"출처: {sources[0]['question']}", ""]
    if followups:
        out += ["이어서 물어볼 만한 질문:"] + [f"- {f['question']}" for f in followups] + [""]
    return out


async def main(faq: Path, reuse: bool) -> None:
    ws_id, user_id, imported, _ = await setup_workspace(faq, reuse)
    print(f"imported {imported['entries']} entries", file=sys.stderr)
    lines = [f"# 대화 데모: `{faq.name}` ({imported['entries']}개 항목, LLM 없이 추출형 답변)", ""]
    for title, turns in DIALOGUES:
        async with sessionmaker()() as s:
            session = await chat.create_session(session=s, ws_id=ws_id, user_id=user_id, title=title)
        lines += [f"## {title}", ""]
        for content in turns:
            lines += await _turn(ws_id, user_id, session.id, content)
    print("\n".join(lines))


def cli() -> None:
    parser = argparse.ArgumentParser(prog="make demo")
    parser.add_argument("--faq", required=True)
    parser.add_argument("--reuse", action="store_true", help="reuse a workspace imported from the same file")
    args = parser.parse_args()
    run_cli(args, lambda faq: main(faq, args.reuse))


if __name__ == "__main__":
    cli()
