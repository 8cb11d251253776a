import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Job } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { ImportPanel } from "./ImportPanel";

const api = vi.hoisted(() => ({ importFile: vi.fn(), reembed: vi.fn(), job: vi.fn() }));
vi.mock("../../api/endpoints", () => ({ knowledgeApi: api }));

function job(progress: Job["progress"], status: Job["status"] = "running"): Job {
  return { id: "j1", kind: "import_knowledge", status, progress, result: {}, error: null, created_at: "",
    started_at: "", finished_at: null };
}

async function startImport() {
  renderWithProviders(<ImportPanel ws="w1" />);
  await userEvent.upload(screen.getByLabelText("가져올 파일 (.pkl .json .jsonl .csv)"),
    new File(["[]"], "faq.json", { type: "application/json" }));
  await userEvent.click(screen.getByRole("button", { name: "가져오기 시작" }));
}

describe("ImportPanel", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.importFile.mockResolvedValue(job({ processed: 0, total: 0, stage: null }, "queued"));
  });

  it("says the knowledge is searchable while the answers are still being embedded", async () => {
    api.job.mockResolvedValue(job({ processed: 16, total: 44, stage: "embedding_answers" }));
    await startImport();
    expect(await screen.findByText("검색 가능 · 답변 임베딩 중")).toBeInTheDocument();
    expect(screen.getByText("16 / 44")).toBeInTheDocument();
  });

  it("names the first stage", async () => {
    api.job.mockResolvedValue(job({ processed: 44, total: 44, stage: "indexing" }));
    await startImport();
    expect(await screen.findByText("색인 중")).toBeInTheDocument();
    expect(api.importFile).toHaveBeenCalledWith("w1", expect.any(File));
  });

  it("shows no stage once the job has finished", async () => {
    api.job.mockResolvedValue(job({ processed: 44, total: 44, stage: "embedding_answers" }, "succeeded"));
    await startImport();
    expect(await screen.findByText("44 / 44")).toBeInTheDocument();
    expect(screen.queryByText("검색 가능 · 답변 임베딩 중")).not.toBeInTheDocument();
  });
});
