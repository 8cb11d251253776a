import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Job } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { ImportPanel } from "./ImportPanel";
import { JobsPanel } from "./JobsPanel";

const api = vi.hoisted(() => ({
  knowledge: { importFile: vi.fn(), reembed: vi.fn(), job: vi.fn() },
  jobs: { list: vi.fn(), cancel: vi.fn(), retry: vi.fn() },
}));
vi.mock("../../api/endpoints", () => ({ knowledgeApi: api.knowledge, jobsApi: api.jobs }));

function job(progress: Job["progress"] | null, status: Job["status"] = "running", extra: Partial<Job> = {}): Job {
  return { id: "j1", workspace_id: "w1", kind: "import_knowledge", status,
    progress: progress ?? { processed: 0, total: 0, stage: null }, result: {}, error: null, attempts: 0,
    cancel_requested: false, created_at: "2026-12-01T20:00:00Z", started_at: "", finished_at: null,
    heartbeat_at: null, ...extra };
}

function listing(...items: Job[]) {
  api.jobs.list.mockResolvedValue({ items, total: items.length });
}

describe("JobsPanel", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("says the knowledge is searchable while the answers are still being embedded", async () => {
    listing(job({ processed: 16, total: 44, stage: "embedding_answers" }));
    renderWithProviders(<JobsPanel ws="w1" editable />);
    expect(await screen.findByText("검색 가능 · 답변 임베딩 중")).toBeInTheDocument();
    expect(screen.getByText("16 / 44")).toBeInTheDocument();
    expect(api.jobs.list).toHaveBeenCalledWith("w1", { limit: 10 });
  });

  it("names the first stage, and shows no stage once a job has finished", async () => {
    listing(job({ processed: 44, total: 44, stage: "indexing" }),
      job({ processed: 44, total: 44, stage: "embedding_answers" }, "succeeded", { id: "j0" }));
    renderWithProviders(<JobsPanel ws="w1" editable />);
    expect(await screen.findByText("색인 중")).toBeInTheDocument();
    expect(screen.queryByText("검색 가능 · 답변 임베딩 중")).not.toBeInTheDocument();
    expect(screen.getByRole("listitem", { name: "파일 가져오기 완료" })).toBeInTheDocument();
  });

  it("lists jobs it did not start, with cancel for running and retry for failed ones", async () => {
    listing(job({ processed: 3, total: 10, stage: null }, "running", { id: "j2", kind: "reembed_knowledge" }),
      job({ processed: 5, total: 44, stage: "indexing" }, "failed", { error: "The uploaded file is gone." }));
    api.jobs.cancel.mockResolvedValue(job(null, "running", { id: "j2", cancel_requested: true }));
    api.jobs.retry.mockResolvedValue(job(null, "queued"));
    renderWithProviders(<JobsPanel ws="w1" editable />);
    expect(await screen.findByText("The uploaded file is gone.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "취소" }));
    await waitFor(() => expect(api.jobs.cancel).toHaveBeenCalledWith("w1", "j2"));
    await userEvent.click(screen.getByRole("button", { name: "다시 시도" }));
    await waitFor(() => expect(api.jobs.retry).toHaveBeenCalledWith("w1", "j1"));
  });

  it("offers no cancel or retry to members", async () => {
    listing(job({ processed: 3, total: 10, stage: null }), job(null, "failed", { id: "j3" }));
    renderWithProviders(<JobsPanel ws="w1" editable={false} />);
    expect(await screen.findByRole("listitem", { name: "파일 가져오기 실패" })).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("shows a job started from the import form", async () => {
    listing();
    api.knowledge.importFile.mockImplementation(async () => {
      listing(job({ processed: 0, total: 0, stage: null }, "queued"));
      return job(null, "queued");
    });
    renderWithProviders(<><ImportPanel ws="w1" /><JobsPanel ws="w1" editable /></>);
    expect(await screen.findByText("아직 작업이 없습니다.")).toBeInTheDocument();
    await userEvent.upload(screen.getByLabelText("가져올 파일 (.pkl .json .jsonl .csv)"),
      new File(["[]"], "faq.json", { type: "application/json" }));
    await userEvent.click(screen.getByRole("button", { name: "가져오기 시작" }));
    expect(await screen.findByRole("listitem", { name: "파일 가져오기 대기 중" })).toBeInTheDocument();
    expect(api.knowledge.importFile).toHaveBeenCalledWith("w1", expect.any(File));
  });
});
