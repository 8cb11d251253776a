"""Answers keep the source's structure: steps, bullets and table rows come out as markdown lines."""

from app.chat.extractive import MAX_CHARS, select_sentences
from app.chat.layout import blocks, is_label, render

# Flattened the way the scraped help centre stores it: inline step numbers, "·" bullets, a note, a link label.
STEPS = (
    "반품 신청은 판매자센터에서 직접 처리할 수 있습니다. 처리 방법1. 주문 관리 메뉴에서 반품할 주문을 선택해 주세요."
    "2. 반품 사유를 고르고 회수 방법을 정해 주세요. ! 주의. 회수 방법은 접수 후 바꿀 수 없습니다.3. 저장 버튼을 누르면"
    " 구매자에게 안내 문자가 발송됩니다. 반품 정책 가이드. ※ 참고. · 반품 배송비는 사유에 따라 달라집니다."
    " · 묶음 주문은 함께 반품됩니다."
)
TABLE = "수수료는 등급에 따라 다릅니다.\n영세 1.5%\n중소 2.0%\n일반 3.0%\n등급은 연 2회 갱신됩니다."


def test_inline_steps_become_a_numbered_list_with_every_step():
    text = render(blocks(STEPS))
    lines = text.splitlines()
    assert "1. 주문 관리 메뉴에서 반품할 주문을 선택해 주세요." in lines
    assert "2. 반품 사유를 고르고 회수 방법을 정해 주세요." in lines
    assert "3. 저장 버튼을 누르면 구매자에게 안내 문자가 발송됩니다." in lines
    assert "**처리 방법**" in lines  # the glued heading is a heading of the list
    assert "- 반품 배송비는 사유에 따라 달라집니다." in lines and "- 묶음 주문은 함께 반품됩니다." in lines


def test_the_steps_and_the_note_between_them_are_one_group():
    found = blocks(STEPS)
    steps = [b for b in found if b.kind == "step"]
    note = next(b for b in found if b.kind == "note" and "회수 방법" in b.text)
    assert len({b.group for b in steps} | {note.group}) == 1


def test_a_dead_link_label_is_left_out_but_sentences_stay():
    text = render(blocks(STEPS))
    assert "반품 정책 가이드" not in text
    assert is_label("반품 정책 가이드.") and is_label("상품검색 가이드 '이미지' 항목.")
    assert not is_label("반품은 7일 안에 신청합니다.") and not is_label("(배송조회 불가)")


def test_a_link_label_glued_to_a_closing_bracket_is_left_out():
    text = render(blocks("· 보호자 동의서 사본 1부 (판매자 ID 필수 기재)스마트스토어 보호자 동의서. · 가족관계증명서 사본 1부"
                         " (최근 발급)을 준비해 주세요."))
    assert text.splitlines() == ["- 보호자 동의서 사본 1부 (판매자 ID 필수 기재)",
                                 "- 가족관계증명서 사본 1부 (최근 발급)을 준비해 주세요."]
    # A sentence that goes on after the bracket is a sentence, not a label.
    assert render(blocks("가입이 불가합니다.(약관 제5조 3항)만 14세 이상은 서류를 제출해 주세요.")).endswith("제출해 주세요.")


def test_a_citation_after_a_sentence_is_not_glued_to_the_next_one():
    text = render(blocks("보호자 동의가 필요합니다. (이용약관 제5조 (계약의 성립) 3항)만 14세 이상은 서류를 내 주세요."))
    assert text == "보호자 동의가 필요합니다. (이용약관 제5조 (계약의 성립) 3항) 만 14세 이상은 서류를 내 주세요."
    fee = "수수료는 3.5%(부가세 포함)이며 바뀔 수 있습니다."
    assert render(blocks(fee)) == fee


def test_a_pointer_to_a_missing_guide_is_left_out():
    text = render(blocks("등록은 판매자센터에서 합니다. 자세한 내용은 아래 가이드에서 확인해 주세요."))
    assert text == "등록은 판매자센터에서 합니다."
    text = render(blocks("적립은 구매확정 후에 됩니다. 추가 지급을 원하시면 아래의 도움말을 참고해 주세요."))
    assert text == "적립은 구매확정 후에 됩니다."
    text = render(blocks("고시는 필수 입력사항입니다. 고시 개정 안내(2023년 시행) 공지 바로가기 >"))
    assert text == "고시는 필수 입력사항입니다."


def test_a_heading_scraped_again_after_an_item_is_said_once():
    text = render(blocks("구매자에게 다음 혜택이 제공됩니다. 기본으로 주는 포인트 혜택 1. 구매 적립 · 결제 금액의 1%를"
                         " 적립해 드립니다. 기본으로 주는 포인트 혜택 2. 리뷰 적립 · 리뷰를 쓰면 50원을 드립니다."))
    assert text.count("기본으로 주는 포인트 혜택") == 1
    assert "- 결제 금액의 1%를 적립해 드립니다." in text.splitlines()


def test_a_flattened_table_comes_out_as_one_line_per_row():
    lines = render(blocks(TABLE)).splitlines()
    assert ["- 영세 1.5%", "- 중소 2.0%", "- 일반 3.0%"] == [x for x in lines if x.startswith("- ")]
    assert lines[0] == "수수료는 등급에 따라 다릅니다." and lines[-1] == "등급은 연 2회 갱신됩니다."


def test_decimals_and_dates_are_not_steps():
    found = blocks("요율은 2.5%입니다. 2024.01.15부터 1.980%로 바뀝니다.")
    assert [b.kind for b in found] == ["text", "text"]


def test_another_entrys_title_inside_the_answer_is_removed_for_a_follow_up():
    answer = "심사는 3영업일 걸립니다. 가입 서류는 어디로 보내나요? 결과는 메일로 안내됩니다."
    text = render(blocks(answer, links=["가입 서류는 어디로 보내나요?"]))
    assert text == "심사는 3영업일 걸립니다. 결과는 메일로 안내됩니다."


def test_a_long_answer_quotes_the_matching_list_whole():
    filler = " ".join(f"이 안내는 {i}번째 참고 문장으로 반품과는 관계가 없는 내용을 길게 담고 있습니다." for i in range(12))
    text = select_sentences("반품 처리 방법 알려주세요", f"{filler} {STEPS}")
    assert len(text) > 0 and all(f"{n}. " in text for n in (1, 2, 3))
    assert len([x for x in text.splitlines() if x[:2] in ("1.", "2.", "3.")]) == 3
    assert len(text) <= MAX_CHARS * 3


# A help-centre answer with named sections (our own text): "■ name" then "·" items, announced by a sentence.
SECTIONS = (
    "미성년자는 보호자 동의가 있으면 가입할 수 있습니다. 만 14세 이상이면 아래의 서류를 가입 단계에서 제출해야 심사가"
    " 진행됩니다. ■ 개인 판매 회원 · 보호자 동의서 사본 1부 · 가족관계증명서 사본 1부 ■ 사업자 판매 회원 · 사업자"
    " 등록증 사본 1부 · 대표자 통장 사본 1부 심사는 영업일 기준 3일 걸립니다."
)


def test_a_named_section_of_a_list_is_its_heading_and_the_sentence_announcing_it_goes_with_it():
    found = blocks(SECTIONS)
    heads = [b for b in found if b.kind == "heading"]
    assert [h.text for h in heads] == ["개인 판매 회원", "사업자 판매 회원"]
    intro = next(b for b in found if "아래의 서류" in b.text)
    assert intro.kind == "text" and intro.group == heads[0].group  # quoted with the list it announces
    items = [b for b in found if b.kind == "bullet"]
    assert [b.group for b in items] == [heads[0].group] * 2 + [heads[1].group] * 2
    lines = render(found).splitlines()
    assert "**개인 판매 회원**" in lines and "- 보호자 동의서 사본 1부" in lines and "- 개인 판매 회원" not in lines
    assert lines[lines.index("**개인 판매 회원**") - 1] == ""  # the heading is no part of the sentence before it


def test_the_quoted_answer_keeps_the_sentence_that_announces_its_list():
    """A long list fills the budget once chosen; the sentence that says what it is a list of still comes with it."""
    kinds = ["보호자 동의서", "가족관계증명서", "보호자 신분증", "본인 신분증", "주민등록등본", "기본증명서", "통장",
             "학생증", "재학증명서", "여권", "외국인등록증", "인감증명서"]
    items = " ".join(f"· {k} 사본 1부 (최근 3개월 이내 발급분, 주민등록번호 뒤자리 가림 처리 필요, 원본 대조필 날인)"
                     for k in kinds)
    answer = (f"미성년자는 보호자 동의가 있으면 가입할 수 있습니다. 만 14세 이상이면 아래의 서류를 가입 단계에서 제출해야"
              f" 심사가 진행됩니다. ■ 개인 판매 회원 {items} 심사는 영업일 기준 3일 걸립니다. 결과는 메일로 알려 드립니다."
              " 심사 중에는 상품을 등록할 수 없습니다. 승인되면 바로 판매를 시작할 수 있습니다.")
    assert len(answer) > MAX_CHARS  # long enough that not everything is quoted
    text = select_sentences("미성년자 판매 회원 서류", answer)
    assert "보호자 동의서 사본 1부" in text and "인감증명서 사본 1부" in text  # the list, whole
    assert "아래의 서류를" in text


def test_a_section_named_by_a_phrase_keeps_its_heading_and_note_with_its_steps():
    text = ("충전은 미리 등록한 수단으로 됩니다. 설정을 바꾸고 싶은 경우※ 참고. 바꿔도 결제수단은 그대로입니다."
            "1. 관리 메뉴로 들어갑니다.2. 설정 변경 버튼을 누릅니다.")
    found = blocks(text)
    heading = next(b for b in found if b.kind == "heading")
    assert heading.text == "설정을 바꾸고 싶은 경우"
    assert {b.group for b in found if b.kind in ("heading", "note", "step")} == {heading.group}
    lines = render(found).splitlines()
    assert "**설정을 바꾸고 싶은 경우**" in lines and "※ 참고. 바꿔도 결제수단은 그대로입니다." in lines
    assert "2. 설정 변경 버튼을 누릅니다." in lines


def test_a_step_number_split_from_its_step_stays_in_front_of_it():
    # An outer "1." whose items are numbered "1) 2)" is split from its words; it must not stand alone.
    nested = ("1. 아이디 만들기 아이디 하나로 여러 서비스를 이용합니다. (1) 휴대폰으로 가입하기 1) 가입 버튼을 눌러 주세요."
              " 2) 휴대폰 번호를 인증해 주세요. 3) 가입이 완료됩니다.")
    found = blocks(nested)
    assert all(any(ch.isalpha() for ch in b.text) for b in found)
    assert select_sentences("아이디는 어떻게 만드나요?", nested).startswith("1. 아이디 만들기")
    # Before a number it is a date's, not a step's: "2021. 11. 01" keeps its month.
    dated = "예약 기간을 2021. 11. 01 ~ 2021. 11. 30로 설정했을 경우 그 전에는 판매대기 상태입니다."
    assert "11. 01" in render(blocks(dated))


def test_steps_numbered_inside_a_step_are_its_sub_steps_and_the_outer_list_goes_on():
    nested = ("가입은 다음 순서로 진행합니다. 1. 아이디 만들기 1) 가입 버튼을 눌러 주세요. 2) 휴대폰 번호를 인증해 주세요."
              " 2. 판매자 유형을 골라 주세요. 3. 서류를 올려 주세요.")
    found = blocks(nested)
    steps = [(b.kind, b.text[:2]) for b in found if b.kind in ("step", "substep")]
    assert steps == [("step", "1."), ("substep", "1."), ("substep", "2."), ("step", "2."), ("step", "3.")]
    assert len({b.group for b in found if b.kind in ("step", "substep")}) == 1  # one list, quoted whole or not at all
    expected = "1. 아이디 만들기\n   1. 가입 버튼을 눌러 주세요.\n   2. 휴대폰 번호를 인증해 주세요.\n2. 판매자 유형을"
    assert expected in render(found)


def test_a_list_that_changes_its_numbering_style_midway_keeps_every_step():
    switched = ("실패 사유는 다음과 같습니다. 1) 이미지가 없습니다. 2) 재고수량이 틀렸습니다. 3) 옵션가가 범위를 넘었습니다."
                " 4. 원산지 코드가 없습니다. 5. 택배사 코드가 없습니다.")
    assert [b.text[:2] for b in blocks(switched) if b.kind == "step"] == ["1.", "2.", "3.", "4.", "5."]


def test_bullets_after_a_sub_step_are_indented_under_it():
    nested = ("1. 상품 조회하기 1) 메뉴에 접속합니다. 2) 조건을 정해 검색해 주세요. · 판매중 상품이 먼저 보입니다."
              " · 전체를 보려면 판매상태를 전체로 고르세요. 3) 상품번호를 누르면 상세페이지가 열립니다. 2. 상품 수정하기")
    text = render(blocks(nested))
    assert "   2. 조건을 정해 검색해 주세요.\n      - 판매중 상품이 먼저 보입니다.\n      - 전체를 보려면" in text
    assert "\n   3. 상품번호를 누르면" in text


def test_bracketed_numbers_that_open_sentences_name_the_parts_of_a_step():
    # "1." > "(1)" > "1)": the help centre's three levels (its sign-up guide is written so).
    nested = ("1. 아이디 만들기 아이디 하나로 여러 서비스를 씁니다. (1) 휴대폰으로 가입하기 1) 가입 버튼을 눌러 주세요."
              " 2) 번호를 인증해 주세요. (2) 이메일로 가입하기 1) 이메일 가입 버튼을 눌러 주세요. ※ 참고. 쓰는 주소여야 합니다."
              " 2) 메일을 인증해 주세요. 2. 판매자 유형을 골라 주세요. 3. 서류를 올려 주세요.")
    found = blocks(nested)
    kinds = [(b.kind, b.text[:4]) for b in found if b.kind in ("step", "substep", "part")]
    assert kinds == [("step", "1. 아"), ("part", "휴대폰으"), ("substep", "1. 가"), ("substep", "2. 번"),
                     ("part", "이메일로"), ("substep", "1. 이"), ("substep", "2. 메"), ("step", "2. 판"),
                     ("step", "3. 서")]
    assert len({b.group for b in found}) == 1
    text = render(found)
    assert ("1. 아이디 만들기 아이디 하나로 여러 서비스를 씁니다.\n   - **휴대폰으로 가입하기**\n"
            "      1. 가입 버튼을 눌러 주세요.\n      2. 번호를 인증해 주세요.\n   - **이메일로 가입하기**\n") in text
    # The note between two sub-steps stays inside the sub-list, and the list goes on after it.
    assert "      1. 이메일 가입 버튼을 눌러 주세요.\n\n         ※ 참고. 쓰는 주소여야 합니다.\n\n      2. 메일을" in text
    assert "\n2. 판매자 유형을 골라 주세요.\n3. 서류를" in text


def test_bracketed_numbers_inside_a_sentence_enumerate_and_stay_in_it():
    inline = "환불은 (1) 배송전 구매취소, (2) 배송후 반품을 모두 포함합니다. 환불일 기준으로 집계됩니다."
    assert [b.kind for b in blocks(inline)] == ["text", "text"]
    assert "(1) 배송전 구매취소, (2) 배송후 반품" in render(blocks(inline))
    # Opening sentences with no outer list, they are a list of their own.
    own = "대상 제외는 두 가지입니다. (1) 이번달만 제외합니다. (2) 영구히 제외합니다."
    assert [b.text for b in blocks(own) if b.kind == "step"] == ["1. 이번달만 제외합니다.", "2. 영구히 제외합니다."]


def test_a_note_between_steps_is_followed_by_a_blank_line():
    # In markdown "4." cannot interrupt a paragraph: without the blank line the step would join the note.
    text = render(blocks("1. 정보를 입력합니다. 2. 서류를 올립니다. ! 주의. 탈퇴한 이름은 못 씁니다. 3. 심사가 진행됩니다."))
    assert "! 주의. 탈퇴한 이름은 못 씁니다.\n\n3. 심사가 진행됩니다." in text


def test_a_step_word_goes_with_its_number_and_a_menu_path_is_no_list():
    text = render(blocks("보내는 방법STEP1. 스토어를 고르세요. STEP2. 대상을 고르세요. STEP 3. 보내세요."))
    assert text.startswith("**보내는 방법**\n1. 스토어를 고르세요.\n2. 대상을 고르세요.\n3. 보내세요.")
    assert "STEP" not in text
    path = "[고객관리>고객군 마케팅>STEP 1. 고객 확인하기]와 [고객군 마케팅>STEP 2. 타겟팅 선택하기]에서 고릅니다."
    assert render(blocks(path)) == path


def test_items_marked_under_an_item_are_indented_under_it():
    text = render(blocks("· 상품이 등록되면 정상 상태가 됩니다. ㄴ 180일 이내면 즉시 변경 ㄴ 180일 이후면 다음날 변경"
                         " · 상품을 모두 지워도 그대로입니다."))
    assert text == ("- 상품이 등록되면 정상 상태가 됩니다.\n  - 180일 이내면 즉시 변경\n  - 180일 이후면 다음날 변경\n"
                    "- 상품을 모두 지워도 그대로입니다.")
    under_step = render(blocks("1. 메뉴에 들어갑니다. └ 가능 항목 : 판매변경, 전시변경 2. 저장합니다."))
    assert under_step == "1. 메뉴에 들어갑니다.\n   - 가능 항목 : 판매변경, 전시변경\n2. 저장합니다."
