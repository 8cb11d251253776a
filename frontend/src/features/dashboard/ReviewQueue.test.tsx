import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ReviewItem } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { ReviewQueue } from "./ReviewQueue";

const api = vi.hoisted(() => ({ review: vi.fn(), addAlias: vi.fn() }));
vi.mock("../../api/endpoints", () => ({ dashboardApi: api }));

const item: ReviewItem = {
  message_id: "m1", created_at: "2026-12-01T00:00:00Z", question: "정산 언제 돼요", standalone_query: "정산 언제 돼요",
  answer: "답변", refused: false, feedback: -1,
  sources: [{ entry_id: "e1", question: "정산 일정은 어떻게 되나요?", category: null }],
  followups: [{ question: "정산 보류는 왜 되나요?", entry_id: "e2" }, { question: "정산 일정은 어떻게 되나요?", entry_id: "e1" }],
};

describe("ReviewQueue", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.review.mockResolvedValue({ items: [item] });
  });

  it("offers each cited or suggested entry once, adds the question as its alias, and links to editing", async () => {
    api.addAlias.mockResolvedValue({ entry_id: "e2", alias: "정산 언제 돼요", added: true });
    renderWithProviders(<ReviewQueue workspaceId="w1" />);
    expect(await screen.findByRole("heading", { name: "정산 언제 돼요" })).toBeInTheDocument();
    expect(screen.getByText("싫어요")).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /이 질문을 별칭으로 추가/ })).toHaveLength(2);
    await userEvent.click(screen.getByRole("button", { name: "이 질문을 별칭으로 추가: 정산 보류는 왜 되나요?" }));
    expect(api.addAlias).toHaveBeenCalledWith("w1", "m1", "e2");
    expect(await screen.findByText("별칭을 추가했습니다: 정산 언제 돼요")).toBeInTheDocument();
    expect(screen.getAllByRole("link", { name: "항목 수정" })[0]).toHaveAttribute("href", "/w/w1/knowledge?edit=e1");
  });
});
