"""The structure of a stored answer: paragraphs, numbered steps, bullets, notes and headings, as blocks.

Scraped help-centre answers arrive flattened: "…진행 방법1. 우편을 받으면 작성해 주세요.2. 사진을 찍어 주세요."
keeps its steps only as inline numbers, bullets as "·" in running text, and a link's label as a sentence of its
own after the link itself is gone ("…동의서 다운로드》" cleaned to "…동의서."). `blocks` recovers the structure
so the extractive answer can quote whole lists as markdown; pure and deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# An inline step number: after a sentence end, a closing mark or a heading word ("방법1."), before a word.
# Never inside a number (2.5%, 1.980%) or a date (2024.01.).
_STEP = re.compile(r"(?:(?<=^)|(?<=[.!?)\]」』>])\s*|(?<=[가-힣A-Za-z])\s?|(?<=\s))(?<!\d)(\d{1,2})[.)](?!\d)"
                   r"(?:\s+(?=\S)|(?=[가-힣A-Za-z\[(<'\"‘“]))")
# A number in brackets that opens a sentence ("…주세요. (1) '네이버 아이디'로 가입하기 1) …"): the help centre's
# middle level, between "1." and "1)". Inside a sentence it enumerates ("환불은 (1) 배송전 취소, (2) …"), not a list.
_PAREN_STEP = re.compile(r"(?:(?<=^)|(?<=[.!?:])\s*)\((\d{1,2})\)\s*(?=[가-힣A-Za-z\[(<'\"‘“])")
_STEP_WORD = re.compile(r"(?i)(?<![a-z])step\s?$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED_STEP = re.compile(f"\\s*([{_CIRCLED}])\\s*")
# A bullet in running text: the middle dots and squares the help centre uses (never "-", it joins words).
# The help centre's mark for the items under an item ("… 1개 이상) ㄴ 180일 이내 등록할 경우 … ㄴ 180일 이후 …").
_SUB_BULLET = re.compile(r"(?:^|(?<=\s)|(?<=[.!?)\]]))\s*([ㄴ└])\s+(?=\S)")
_BULLET = re.compile(r"(?:(?:^|(?<=\s)|(?<=[.!?)\]]))\s*([·•▪◦■□●○◆◇▶▷]|-(?=\s))|([·•](?=\s)))\s*(?=\S)")
# A note label: "※ 참고.", "! 주의.", "※중요 :"
_NOTE = re.compile(r"(?:^|(?<=\s)|(?<=[.!?)\]])|(?=※))\s*((?:※|!)\s*(?:참고|주의|중요|유의|안내|TIP|Tip|팁)?\s*[.:]?)\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?。])\s+|(?<=[.!?]\))\s*(?=[가-힣A-Za-z])|(?<=[다요]\.)(?=[^\s\d.,)\]\"'])")
# A sentence that points at a link or guide the scrape did not keep ("아래 가이드에서 확인해 주세요").
_DEAD_POINTER = re.compile(r"(?:아래|하단|위)\s*(?:의\s*)?(?:가이드|링크|바로\s?가기|배너|URL|url|도움말|버튼을\s*클릭)"
                           r"|(?:바로\s?가기|더\s?보기|보러\s?가기)\s*[>▶»›]+\s*$")  # a link's label and its arrow
# A sentence that announces what follows it ("아래의 서류를…", "다음과 같습니다", "…방법:").
_INTRODUCES = re.compile(r"(?:아래|다음)(?:의|과|와)?\s*(?:같이|같은|서류|항목|내용|방법|절차|사항|조건|기준|표)|:\s*$")
# Marks the help centre puts before the name of a section of a list ("■ 국내 개인판매 회원 · …").
_SECTION_MARKS = frozenset("■□●○◆◇▶▷")
_LONE_NUMBER = re.compile(r"^\(?\d{1,2}[.)]$")
_PREDICATE_TAGS = ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA", "EF", "EC", "EP", "ETM", "ETN")


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # text | step | substep (a step of a list inside a step) | part (names a run of substeps) | bullet
    # | subbullet (an item under the item before it) | note | heading
    text: str
    group: int  # the blocks of one list (with its heading) share a group; a text block is a group of its own
    para: int = 0  # text blocks of one source paragraph share it (joined with a space, not a blank line)


def _markers(line: str) -> list[tuple[int, int, str, str, int]]:
    """(start, end, kind, marker, run) of the structure marks in a line, in order; steps count only as a 1, 2, 3…
    run of at least two (`run` numbers it; 0 for bullets and notes)."""
    steps: list[tuple[int, int, str, str, int]] = []
    # Runs are counted per style: the help centre nests "1) 2)" inside "1. 2." (an inner "1)" does not end the
    # outer list). An inner step's marker keeps its ")" (`substep` in `blocks`).
    run: dict[str, list[tuple[int, int, str, str, int]]] = {".": [], ")": []}
    expected = {".": 0, ")": 0}
    runs = 0
    for m in _STEP.finditer(line):
        if line.rfind("[", 0, m.start()) > line.rfind("]", 0, m.start()):
            continue  # inside a menu path: "[고객관리 > STEP 1. 스토어 고객 확인하기]"
        n, style = int(m.group(1)), line[m.end(1)]
        mark = _step_mark(n, style)
        # "STEP1." / "STEP 1.": the word is part of the marker, not the end of the sentence before it
        word = _STEP_WORD.search(line, max(0, m.start() - 6), m.start())  # (the word and a space: a short window)
        start = m.start() - len(word.group(0)) if word else m.start()
        if n == 1:
            if len(run[style]) >= 2:
                steps.extend(run[style])
            runs += 1
            run[style], expected[style] = [(start, m.end(), "step", mark, runs)], 2
        elif n == expected[style] and run[style]:
            run[style].append((start, m.end(), "step", mark, run[style][0][4]))
            expected[style] += 1
        elif n == expected[other := ")" if style == "." else "."] and run[other]:  # "…4) … 5. …": the list goes on
            run[other].append((start, m.end(), "step", _step_mark(n, other), run[other][0][4]))
            expected[other] += 1
    for style in run:
        if len(run[style]) >= 2:
            steps.extend(run[style])
    circled = [(m.start(), m.end(), "step", str(_CIRCLED.index(m.group(1)) + 1), -1)
               for m in _CIRCLED_STEP.finditer(line)]
    found = steps + (circled if len(circled) >= 2 else []) + _paren_steps(line)
    taken = [(s, e) for s, e, *_ in found]
    for pattern, kind in ((_SUB_BULLET, "subbullet"), (_BULLET, "bullet"), (_NOTE, "note")):
        for m in pattern.finditer(line):
            g = next(i for i in range(1, (m.lastindex or 1) + 1) if m.group(i) is not None)
            if not any(s <= m.start(g) < e for s, e in taken):
                found.append((m.start(), m.end(), kind, m.group(g).strip(), 0))
                taken.append((m.start(), m.end()))
    return sorted(found)


def _paren_steps(line: str) -> list[tuple[int, int, str, str, int]]:
    """The "(1) (2)" marks of a line that open sentences, kept only as a 1, 2, 3… run of at least two (run -2)."""
    out: list[tuple[int, int, str, str, int]] = []
    for m in _PAREN_STEP.finditer(line):
        if int(m.group(1)) == len(out) + 1:
            out.append((m.start(), m.end(), "step", f"({m.group(1)})", -2))
    return out if len(out) >= 2 else []


@lru_cache(maxsize=4096)
def is_label(text: str) -> bool:
    """A bare noun phrase left where a link was ("…정책 바로가기》" cleaned to "…정책."): no predicate at all."""
    from app.retrieval.analysis import kiwi

    core = text.strip().rstrip(".:!?").strip()
    if not core or len(core) > 40 or core.startswith(("(", "[", "※", "예)", "ex)")) or core.endswith(")"):
        return False
    if re.search(r"\d", core) and not re.search(r"[가-힣]{2}", core):
        return False
    tags = [t.tag.split("-")[0] for t in kiwi().tokenize(core)]
    return bool(tags) and not any(tag.startswith(_PREDICATE_TAGS) for tag in tags)


# A citation in brackets standing after a sentence, glued to the next one: "…드립니다. (약관 제5조 (성립) 3항)만 14세…"
_CITATION = re.compile(r"(?<=[.!?])(\s*\((?:[^()]|\([^()]*\))*\))(?=[가-힣A-Za-z])")


def _sentences(text: str) -> list[str]:
    parts = _CITATION.sub("\\1\x1f", text).split("\x1f")
    return [s.strip() for part in parts for s in _SENTENCE_BREAK.split(part) if s and s.strip()]


# A link's label glued to the closing bracket before it, to the end of the sentence: "…(ID 필수 기재)네이버 동의서."
_GLUED_LABEL = re.compile(r"(?<=\))([가-힣A-Za-z][^()\[\].!?]{3,40}\.?)$")


def _unglued(sentence: str) -> str:
    """The sentence without a dead link's label glued to its closing bracket (the label has no predicate)."""
    m = _GLUED_LABEL.search(sentence)
    return sentence[:m.start()].rstrip() if m and is_label(m.group(1)) else sentence


def _kept(text: str, first: bool = True, said: set[str] | None = None) -> str:
    """A block's text without dead link labels and pointers; the first sentence of a list item always stays.
    A later sentence the answer has already said (`said`: a heading scraped again after an item) goes too."""
    parts = [_unglued(p) for p in _sentences(text)]
    kept = [p for k, p in enumerate(parts) if not _DEAD_POINTER.search(p) and not (is_label(p) and (k or not first))
            and not (k and said is not None and p in said)]
    if said is not None:
        said.update(kept)
    return " ".join(kept)


def _is_row(line: str) -> bool:
    """A line of a flattened table ("영세 1.980%"): short, no sentence in it."""
    return len(line) <= 60 and not _SENTENCE_BREAK.search(line) and not line.rstrip().endswith((".", "?", "!", ":"))


def blocks(answer: str, links: Iterable[str] = ()) -> list[Block]:
    """Split an answer into blocks; dead link labels, pointers to missing guides and the titles of other entries
    (`links`: links whose label is another entry's question; they are offered as follow-ups instead) are left out.

    A list is one group: its heading, its items and the notes between its steps, so that quoting never drops a
    step from the middle. Consecutive table rows are one group of bullet lines."""
    out: list[Block] = []
    group = para = 0
    rows = False  # the previous line was a table row
    said: set[str] = set()  # the sentences quoted so far: the same sentence again is a scraped heading, not news
    for title in sorted(links, key=len, reverse=True):
        answer = answer.replace(title, " ")

    def text_blocks(text: str, inside: bool = False, heading: bool = False) -> None:
        nonlocal group
        sentences: list[str] = []
        for sentence in _sentences(text):
            # A step number split from its step ("7." "'교환 재배송처리' 버튼을…") goes back in front of it; before a
            # number it is part of a date ("2021. 11. 01").
            if sentences and _LONE_NUMBER.match(sentences[-1]) and not sentence[:1].isdigit():
                sentences[-1] += " " + sentence
            else:
                sentences.append(sentence)
        for k, sentence in enumerate(sentences):
            # (A noun phrase right before a list is the list's heading, not a link label.)
            label = is_label(sentence) and not (heading and k == len(sentences) - 1)
            if k == len(sentences) - 1 and _LONE_NUMBER.match(sentence) and (heading or k):
                continue  # a step number with nothing after it but a list of its own ("1." then "1) 2)"): says nothing
            if not out or not (_DEAD_POINTER.search(sentence) or label or sentence in said):
                group += 0 if inside else 1  # text between two steps of a list stays with the list
                out.append(Block("text", sentence, group, para))
                said.add(sentence)

    for line in answer.splitlines():
        line = line.strip()
        if not line:
            continue
        para += 1
        marks = _markers(line)
        if not marks and _is_row(line) and (rows or len(line) <= 40):
            if not rows:
                group += 1
            out.append(Block("bullet", line, group, para))
            rows = True
            continue
        rows = False
        text_blocks(line[:marks[0][0]] if marks else line, heading=bool(marks))
        in_list = in_run = False
        outer = _outer_runs(marks)
        for i, (start, end, kind, marker, run_id) in enumerate(marks):
            nxt = marks[i + 1] if i + 1 < len(marks) else None
            body = line[end:nxt[0] if nxt else len(line)].strip()
            # An inner step ("1)" inside an outer "1. 2.") belongs to the outer list: its run goes on after it.
            around = next((r for r, (a, b) in outer.items() if a < start < b), None) if marker.endswith(")") else None
            inner = kind == "step" and around is not None
            # "(1) (2)" inside an outer step name the parts its "1) 2)" sub-steps come in; on their own, a list.
            part = inner and marker.startswith("(")
            first = kind == "step" and marker in ("1", "1)", "(1)") and not inner
            if kind == "step":
                in_run = any(m[2] == "step" and m[4] in (run_id, around) for m in marks[i + 1:])
            rest = ""
            if nxt is None or kind == "note" or (kind == "step" and not in_run):
                # The last item of a list (and a note) ends with its first sentence; then running text again.
                parts = _sentences(body)
                body, rest = (parts[0], " ".join(parts[1:])) if parts else (body, "")
            section = kind == "bullet" and marker in _SECTION_MARKS and is_label(body.rstrip(".:") + ".")
            if first and _headed_note(out):
                pass  # "…하는 경우 ※ 참고. … 1. …": the steps join their heading and its note
            elif not in_list or first or (kind == "note" and not in_run) or section:
                group += 1
                _heading(out, group)
            in_list = True
            body = _kept(body, first=kind != "note", said=said)
            if section:  # "■ 국내 개인판매 회원 · …": the name of the list that follows
                out.append(Block("heading", body.rstrip(".:"), group, para))
            elif kind == "note":
                out.append(Block("note", f"{marker} {body}".strip(), group, para))
            elif part:
                out.append(Block("part", body, group, para))
            elif kind == "step":
                out.append(Block("substep" if inner else "step", f"{marker.strip('()')}. {body}", group, para))
            elif body:
                out.append(Block("subbullet" if kind == "subbullet" else "bullet", body, group, para))
            if rest:
                para += 1
                text_blocks(rest, inside=in_run)
                in_list = in_run
    return out


def _step_mark(n: int, style: str) -> str:
    """A step's marker as `blocks` reads it: "2" for "2.", "2)" for "2)" (an inner step keeps its ")")."""
    return str(n) if style == "." else f"{n})"


def _outer_runs(marks: list[tuple[int, int, str, str, int]]) -> dict[int, tuple[int, int]]:
    """The span (first to last marker) of each "1. 2." run of a line: "1) 2)" steps inside one are its sub-steps."""
    spans: dict[int, tuple[int, int]] = {}
    for start, _, kind, marker, run_id in marks:
        if kind == "step" and not marker.endswith(")") and run_id >= 0:
            a, b = spans.get(run_id, (start, start))
            spans[run_id] = (min(a, start), max(b, start))
    return spans


def _headed_note(out: list[Block]) -> bool:
    """The last group is a heading with only notes after it, so far: the list that comes next is its list."""
    if not out or out[-1].kind != "note":
        return False
    last = [b for b in out if b.group == out[-1].group]
    return last[0].kind == "heading" and all(b.kind == "note" for b in last[1:])


@lru_cache(maxsize=4096)
def is_heading(text: str) -> bool:
    """A phrase that names a section of the answer ("예약충전 설정을 변경하고 싶은 경우"): short, no sentence
    ending, closing on a noun."""
    from app.retrieval.analysis import kiwi

    core = text.strip()
    if not core or len(core) > 50 or core[-1] in ".?!)]" or core.startswith(("(", "※")):
        return False
    tags = [t.tag for t in kiwi().tokenize(core)]
    return bool(tags) and not any(tag.startswith("EF") for tag in tags) and tags[-1] in ("NNG", "NNP", "NNB")


def _heading(out: list[Block], group: int) -> None:
    """A noun phrase right before a list is its heading ("…탈퇴 가능 조건 및 방법"): it joins the list's group. So
    does a sentence that introduces the list ("아래의 서류를 제출해 주세요", "…은 다음과 같습니다:"): quoted without
    it, the list would answer nothing; it stays a sentence."""
    if out and out[-1].kind == "text" and (is_label(out[-1].text.rstrip(":") + ".") or is_heading(out[-1].text)):
        last = out.pop()
        out.append(Block("heading", last.text.rstrip(".:"), group, last.para))
    elif out and out[-1].kind == "text" and _INTRODUCES.search(out[-1].text):
        last = out.pop()
        out.append(Block("text", last.text, group, last.para))


_ITEM_LINE = re.compile(r"^\s*(?:\d{1,2}\.|-)\s+(?:\*\*)?")  # a list item's line up to its text


def render(chosen: list[Block]) -> str:
    """Markdown for blocks in answer order: steps as a numbered list, bullets as "- ", headings in bold; a blank
    line between groups, sentences of one paragraph on one line. A note or sentence between the sub-steps of a
    step is indented under the sub-step before it, so the sub-list goes on after it."""
    lines: list[str] = []
    prev: Block | None = None
    parted = False  # a part of the current step was named ("(1) …"): its sub-steps go one level deeper
    sub = False  # inside the sub-list of a step: from a sub-step (or a named part) to the next step of the group
    below = 0  # where the items under an item start (the column of that item's text)
    for b in chosen:
        same = prev is not None and prev.group == b.group
        parted = b.kind == "part" or (parted and same and b.kind != "step")
        deeper = "   " if parted and b.kind != "part" else ""
        sub = b.kind in ("substep", "part") or (sub and same and b.kind != "step")
        # Bullets inside a sub-list (a sub-step's, or those of a note between sub-steps) are indented under it, and
        # the sub-list goes on after them.
        under = b.kind == "bullet" and sub
        inset = f"   {deeper}   " if sub and b.kind in ("note", "text") else ""
        if b.kind == "subbullet":  # under the item before it: at that item's text, as its siblings before it are
            if not (same and prev.kind == "subbullet"):
                item = _ITEM_LINE.match(lines[-1]) if lines and same else None
                below = len(item.group(0)) if item else 0
            inset = " " * below
        if prev is not None and b.kind == prev.kind == "text" and b.para == prev.para:
            lines[-1] += " " + b.text
        else:
            if prev is not None and (not same or b.kind == "note" or (prev.kind == "text" and b.kind != "text")
                                     or (prev.kind in ("note", "text") and b.kind in ("step", "substep", "part"))):
                lines.append("")  # (a sentence announcing a list; a note between steps: "2." cannot break a paragraph)
            lines.append(inset + {"bullet": f"{deeper + '      ' if under else ''}- {b.text}", "subbullet": f"- {b.text}",
                                  "heading": f"**{b.text}**", "substep": f"   {deeper}{b.text}",
                                  "part": f"   - **{b.text}**"}.get(b.kind, b.text))
        prev = b
    return "\n".join(lines).strip()
