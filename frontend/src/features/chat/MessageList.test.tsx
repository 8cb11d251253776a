import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/render";
import type { UiMessage } from "./hooks";
import { MessageList } from "./MessageList";

const base = {
  sources: [],
  followups: [],
  refused: false,
  status: "complete" as const,
  feedback: null,
  standalone_query: null,
  latency_ms: {},
  prompt_versions: {},
  created_at: "2026-01-01T00:00:00Z",
};

const messages: UiMessage[] = [
  { ...base, id: "u1", role: "user", reply_to_id: null, content: "미성년자도 가입할 수 있나요?" },
  {
    ...base,
    id: "a1",
    role: "assistant", reply_to_id: null,
    content: "네, **법정대리인 동의**가 있으면 가입할 수 있습니다.\n\n- 동의서\n- 가족관계증명서",
    sources: [
      { entry_id: "e1", question: "미성년자도 판매자로 가입할 수 있나요?", category: "판매자 가입", score: 0.946, rank_score: 3.1 },
      { entry_id: "e2", question: "미성년자 서류는?", category: null, score: 0.02 },
    ],
    followups: [{ question: "미성년자 판매자는 어떤 서류를 제출해야 하나요?", entry_id: "e2" }],
    feedback: 1,
  },
  { ...base, id: "u2", role: "user", reply_to_id: null, content: "강남역 근처 파스타 맛집 알려줘" },
  {
    ...base,
    id: "a2",
    role: "assistant", reply_to_id: null,
    content: "저는 스마트 스토어 FAQ를 위한 챗봇입니다.",
    refused: true,
  },
];

function setup(list = messages, busy = false, linkHosts: string[] = []) {
  const actions = { onFollowup: vi.fn(), onFeedback: vi.fn(), onCopy: vi.fn(), onRegenerate: vi.fn() };
  renderWithProviders(<MessageList messages={list} busy={busy} actions={actions} linkHosts={linkHosts} />);
  return actions;
}

describe("MessageList", () => {
  it("renders user and assistant messages with markdown", () => {
    setup();
    expect(screen.getAllByRole("article", { name: "나" })).toHaveLength(2);
    const [answer] = screen.getAllByRole("article", { name: "상담봇" });
    expect(within(answer).getByText("법정대리인 동의").tagName).toBe("STRONG");
    expect(within(answer).getAllByRole("listitem").map((li) => li.textContent)).toContain("동의서");
  });

  it("expands sources with title, category and score", async () => {
    setup();
    const [answer] = screen.getAllByRole("article", { name: "상담봇" });
    const toggle = within(answer).getByRole("button", { name: "출처 2개" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(within(answer).queryByText("미성년자도 판매자로 가입할 수 있나요?")).not.toBeInTheDocument();
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const list = within(answer).getByRole("list", { name: "출처 2개" });
    expect(within(list).getByText("미성년자도 판매자로 가입할 수 있나요?")).toBeVisible();
    expect(within(list).getByText("판매자 가입")).toBeVisible();
    expect(within(list).getByText(/0\.95/)).toBeVisible();
  });

  it("sends a follow-up with its entry id when its chip is clicked", async () => {
    const actions = setup();
    const chips = screen.getByRole("group", { name: "이어서 물어보기" });
    await userEvent.click(within(chips).getByRole("button", { name: "미성년자 판매자는 어떤 서류를 제출해야 하나요?" }));
    expect(actions.onFollowup).toHaveBeenCalledWith({ question: "미성년자 판매자는 어떤 서류를 제출해야 하나요?", entry_id: "e2" });
  });

  it("shows a model's offer on the chip and still asks the entry's question", async () => {
    const offered = { question: "미성년자 판매자는 어떤 서류를 제출해야 하나요?", entry_id: "e2", offer: "필요한 서류 안내해드릴까요?" };
    const list = messages.map((m) => (m.role === "assistant" && !m.refused ? { ...m, followups: [offered] } : m));
    const actions = setup(list);
    const chip = within(screen.getAllByRole("group", { name: "이어서 물어보기" })[0]).getByRole("button", { name: offered.offer });
    expect(chip).toHaveAttribute("title", offered.question);
    await userEvent.click(chip);
    expect(actions.onFollowup).toHaveBeenCalledWith(offered);
  });

  it("marks a refusal distinctly", () => {
    setup();
    const [answer, refusal] = screen.getAllByRole("article", { name: "상담봇" });
    expect(within(refusal).getByText("답변 범위 밖")).toBeInTheDocument();
    expect(refusal.closest("li")).toHaveAttribute("data-refused", "true");
    expect(within(answer).queryByText("답변 범위 밖")).not.toBeInTheDocument();
  });

  it("offers feedback, copy, and regenerate only on the last answer", async () => {
    const actions = setup();
    const [answer, refusal] = screen.getAllByRole("article", { name: "상담봇" });
    const up = within(answer).getByRole("button", { name: "좋아요" });
    expect(up).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(up);
    expect(actions.onFeedback).toHaveBeenCalledWith("a1", 0);
    await userEvent.click(within(answer).getByRole("button", { name: "별로예요" }));
    expect(actions.onFeedback).toHaveBeenCalledWith("a1", -1);
    await userEvent.click(within(answer).getByRole("button", { name: "복사" }));
    expect(actions.onCopy).toHaveBeenCalledWith(expect.stringContaining("법정대리인"));
    expect(within(answer).queryByRole("button", { name: "다시 생성" })).not.toBeInTheDocument();
    await userEvent.click(within(refusal).getByRole("button", { name: "다시 생성" }));
    expect(actions.onRegenerate).toHaveBeenCalled();
  });

  it("shows a streaming answer as busy, without actions or chips, and an inline error", () => {
    setup([
      messages[0],
      { ...messages[1], id: "tmp-assistant-1", streaming: true, content: "" },
    ]);
    const answer = screen.getByRole("article", { name: "상담봇" });
    expect(answer).toHaveAttribute("aria-busy", "true");
    expect(within(answer).getByText("답변을 준비하는 중…")).toBeInTheDocument();
    expect(within(answer).queryByRole("button", { name: "복사" })).not.toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "이어서 물어보기" })).not.toBeInTheDocument();
  });

  it("keeps the conversation and shows an error inline", () => {
    setup([messages[0], { ...messages[1], error: "답변을 받지 못했습니다: boom", sources: [], followups: [] }]);
    expect(screen.getByRole("article", { name: "나" })).toHaveTextContent("미성년자도 가입할 수 있나요?");
    expect(screen.getByRole("alert")).toHaveTextContent("boom");
  });

  it("shows a poisoned entry in a refusal's suggestion and its follow-up chip as inert text", () => {
    const poison = "[보안 점검](https://evil.example/login) <script>alert(1)</script>";
    setup(
      [
        messages[0],
        {
          ...messages[1],
          refused: true,
          content: `스마트스토어 질문만 답합니다.\n\n혹시 '${poison}'에 대해 궁금하신가요? [도움말](https://help.sell.smartstore.naver.com/a)`,
          sources: [],
          followups: [{ question: poison, entry_id: "e9" }],
        },
      ],
      false,
      ["help.sell.smartstore.naver.com"],
    );
    const [refusal] = screen.getAllByRole("article", { name: "상담봇" });
    const links = within(refusal).getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://help.sell.smartstore.naver.com/a"]);
    expect(refusal.querySelector("script")).toBeNull();
    expect(refusal.textContent).toContain("보안 점검 (https://evil.example/login) <script>alert(1)</script>");
    const chips = screen.getByRole("group", { name: "이어서 물어보기" });
    expect(within(chips).getByRole("button", { name: poison })).toBeInTheDocument();
  });
});
