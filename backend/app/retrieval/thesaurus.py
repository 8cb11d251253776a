"""How sellers say it vs. how a help centre writes it: query expansion for Korean commerce support.

Customers type colloquial words ("끄다", "막다", "고딩", "며칠") where support articles use the formal ones
("해제", "차단", "미성년자", "기한"). Neither BM25 nor a small embedding model bridges that gap reliably, so a
query's lexemes are expanded with the formal vocabulary below before searching:

- the keyword signal gets the added lexemes at reduced weight (`EXPANSION_WEIGHT` of their IDF), and
- the dense query gets them appended in brackets ("2단계 인증 끄고 싶어요 (해제, 비활성화)").

Keys are lexemes as `analysis.keywords()` emits them (verb and adjective stems end in "다"); values are words
the help centre would use. The list is general commerce and seller-support vocabulary, not tied to one FAQ.
"""

from app.retrieval.analysis import keywords, surface_forms

EXPANSION_WEIGHT = 0.5

_PAIRS: dict[str, tuple[str, ...]] = {
    # changing, stopping, blocking
    "바꾸다": ("변경", "수정", "교체"), "고치다": ("수정",), "바뀌다": ("변경",), "갈아타다": ("변경", "전환"),
    "끄다": ("해제", "비활성화"), "켜다": ("설정", "활성화"), "풀다": ("해제",), "멈추다": ("중지", "일시정지"),
    "막다": ("차단", "제한"), "거르다": ("차단",), "빼다": ("제외", "삭제"),
    "없애다": ("삭제",), "지우다": ("삭제",), "날리다": ("삭제",),
    "숨기다": ("비노출", "노출"), "안보이다": ("노출",), "보이다": ("노출",), "뜨다": ("노출",),
    "올리다": ("등록",), "넣다": ("등록", "입력"), "적다": ("입력",), "쓰다": ("입력", "작성"),
    # losing, forgetting, access
    "까먹다": ("분실", "찾기"), "잊다": ("분실", "찾기"), "잊어버리다": ("분실", "찾기"),
    "잃어버리다": ("분실",), "비번": ("비밀번호",), "털리다": ("도용", "해킹"), "해킹": ("도용", "보안"),
    "로그인": ("접속",), "들어가다": ("접속", "로그인"),
    # time
    "며칠": ("기간", "기한", "영업일"), "언제": ("기한", "시점"), "얼마나": ("기간",), "오래": ("기간", "지연"),
    "늦다": ("지연",), "늦어지다": ("지연",), "빨리": ("신속",), "당일": ("오늘출발",),
    # people
    "고딩": ("미성년자",), "고등학생": ("미성년자",), "중학생": ("미성년자",), "학생": ("미성년자",),
    "미성년": ("미성년자",), "애기": ("미성년자",), "손님": ("구매자", "고객"), "고객": ("구매자",),
    "사장님": ("판매자",), "셀러": ("판매자",), "외국인": ("해외",), "알바": ("부매니저", "매니저"),
    "직원": ("매니저",), "대표": ("대표자",), "명의": ("대표자", "양도"),
    # buying, selling, money
    "사다": ("구매",), "팔다": ("판매",), "가게": ("스토어",), "쇼핑몰": ("스토어",), "매장": ("스토어",),
    "돈": ("정산", "금액", "대금"), "입금": ("정산",), "들어오다": ("정산", "접수"), "받다": ("수령",),
    "수수료": ("이용료",), "비용": ("수수료", "이용료"), "공짜": ("무료",),
    "세금": ("부가세", "세금계산서"), "영수증": ("증빙", "현금영수증"), "카드": ("신용카드", "결제"),
    "할인": ("쿠폰", "혜택"), "적립": ("포인트",), "포인트": ("적립",), "가격": ("판매가",),
    "환불": ("반품", "취소"), "돌려받다": ("환불",), "돌려주다": ("환불",), "물리다": ("반품",),
    "교환": ("재배송",), "택배": ("배송", "택배사"), "보내다": ("발송",), "부치다": ("발송",),
    "합배송": ("묶음배송",), "묶다": ("묶음배송",), "배달": ("배송",), "송장": ("운송장",),
    "반송": ("반품",), "파손": ("훼손",),
    # things
    "폰": ("휴대폰", "휴대전화"), "핸드폰": ("휴대폰", "휴대전화"), "전번": ("전화번호",), "연락처": ("전화번호",),
    "사진": ("이미지",), "그림": ("이미지",), "움짤": ("gif", "움직이는 이미지"), "짤": ("이미지",),
    "픽셀": ("사이즈", "해상도"), "화질": ("해상도",), "용량": ("파일 크기",), "썸네일": ("대표 이미지",),
    "동영상": ("영상",), "상세페이지": ("상세정보", "상세 이미지"),
    "글": ("게시글",), "후기": ("리뷰",), "별점": ("리뷰", "평점"),
    "문자": ("알림", "메시지"), "톡": ("톡톡",), "채팅": ("톡톡",), "서류": ("제출", "증빙"), "증명서": ("서류",),
    "가입": ("신청",), "탈퇴": ("해지",), "그만두다": ("탈퇴", "해지", "종료"), "접다": ("탈퇴", "휴업"),
    "그만": ("종료", "해지", "중지"),
    "쉬다": ("휴업", "휴가"), "휴가": ("휴무",), "페널티": ("패널티", "제재"), "패널티": ("페널티", "제재"),
    "벌점": ("페널티", "패널티"), "정지": ("제재",), "개수": ("수량",), "갯수": ("수량",), "몇개": ("수량",),
    "광고": ("마케팅",), "검색": ("노출",), "순위": ("노출", "랭킹"), "주소": ("배송지",),
    # everyday words and abbreviations for the help centre's terms
    "답글": ("댓글", "답변"), "댓글": ("답글",), "악플": ("악성", "댓글"), "목록": ("내역",), "리스트": ("목록", "내역"),
    "책": ("도서",), "조심": ("주의",), "조심하다": ("주의",), "알아서": ("자동",), "저절로": ("자동",),
    "가져가다": ("수거",), "지재권": ("지식재산권",), "등기부등본": ("등기사항전부증명서",),
    "인스타": ("SNS", "외부"), "인스타그램": ("SNS", "외부"),
    "순서": ("절차",), "물어보다": ("문의",), "묻다": ("문의",), "다르다": ("차이",),
    "한꺼번에": ("일괄",), "한번에": ("일괄",), "대량": ("일괄",), "통장": ("계좌",),
    "사업자번호": ("사업자등록번호",), "주민번호": ("주민등록번호",), "잠기다": ("잠금", "보호조치"),
    "떼다": ("차감",), "까다": ("차감",), "가짜": ("가품", "위조"), "짝퉁": ("가품", "위조"), "외국": ("해외",),
    "글씨": ("텍스트", "문구"), "수익": ("매출",), "매상": ("매출",), "장사": ("판매",), "벌금": ("과태료", "페널티"),
}


def _compile() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """key lexeme -> (words to append to the dense query, lexemes they analyse to)."""
    return {key: (words, tuple(dict.fromkeys(lex for w in words for lex in keywords(w))))
            for key, words in _PAIRS.items()}


_TABLE: dict | None = None


def expand(terms: list[str], text: str) -> tuple[list[str], list[str]]:
    """Return (words to append to the dense query, extra lexemes for the keyword signal) for a query: its
    keyword terms and every morpheme of `text` are looked up.

    Words already in the text and lexemes already among the terms are left out."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _compile()
    words: list[str] = []
    lexemes: list[str] = []
    # Short and stop words count here too; nouns of two or more letters also match inside compounds and
    # across the analyser's splits ("손님" is 손 + 님, "몇 개" is two words).
    compact = "".join(text.split())
    said = list(dict.fromkeys([*terms, *sorted(surface_forms(text)),
                               *(k for k in _TABLE if len(k) > 1 and not k.endswith("다") and k in compact)]))
    for term in said:
        entry = _TABLE.get(term)
        if not entry:
            continue
        for word in entry[0]:
            if word not in text and word not in words:
                words.append(word)
        for lex in entry[1]:
            if lex not in terms and lex not in lexemes:
                lexemes.append(lex)
    return words, lexemes


def expanded_query(text: str, words: list[str]) -> str:
    """The dense query: the text with the formal words in brackets."""
    return f"{text} ({', '.join(words)})" if words else text


def knows(word: str) -> bool:
    """Whether `word` is one of the colloquial words the table maps (slang is not a typo: "고딩")."""
    return word in _PAIRS


def formal_lexemes(term: str) -> tuple[str, ...]:
    """The lexemes of the formal words a colloquial lexeme expands to (empty when the table does not map it)."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _compile()
    entry = _TABLE.get(term)
    return entry[1] if entry else ()
