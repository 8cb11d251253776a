import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import type { Source, Workspace } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { SourceList } from "../chat/SourceList";
import { WorkspaceContext } from "../workspaces/WorkspaceContext";
import type { DocumentItem } from "./api";
import { DocumentRow } from "./DocumentRow";
import { UploadDropzone } from "./UploadDropzone";

const api = vi.hoisted(() => ({ upload: vi.fn() }));
vi.mock("./api", async (original) => ({ ...(await original<typeof import("./api")>()), documentsApi: { upload: api.upload } }));

function doc(extra: Partial<DocumentItem> = {}): DocumentItem {
  return { id: "d1", filename: "정책.pdf", title: "정책", file_type: "pdf", size_bytes: 100, version: 1, status: "ready",
    error: null, page_count: 4, piece_count: 5, indexing: null, created_at: "2026-12-02T00:00:00Z",
    updated_at: "2026-12-02T00:00:00Z", ...extra };
}

describe("documents", () => {
  beforeEach(() => vi.clearAllMocks());

  it("shows the indexing stage and its progress", () => {
    renderWithProviders(
      <ul>
        <DocumentRow ws="w1" editable={false} onDelete={() => {}} doc={doc({ status: "indexing",
          indexing: { job_id: "j1", status: "running", stage: "embedding", processed: 3, total: 8 } })} />
      </ul>,
    );
    expect(screen.getByText("임베딩")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "색인 진행: 정책.pdf" })).toHaveAttribute("aria-valuenow", "38");
    expect(screen.queryByRole("button", { name: /삭제/ })).not.toBeInTheDocument();
  });

  it("uploads several dropped files and says why one was refused", async () => {
    api.upload.mockResolvedValueOnce(doc()).mockRejectedValueOnce(
      new ApiError(422, "encrypted_document", "The PDF is password-protected."));
    renderWithProviders(<UploadDropzone ws="w1" />);
    const files = [new File(["a"], "정책.pdf"), new File(["b"], "잠김.pdf")];
    fireEvent.drop(screen.getByText("파일을 여기에 끌어다 놓으세요 (여러 개 가능)"), { dataTransfer: { files } });
    expect(await screen.findByRole("alert")).toHaveTextContent("잠김.pdf: The PDF is password-protected.");
    expect(screen.getByRole("status")).toHaveTextContent("정책.pdf");
    await waitFor(() => expect(api.upload).toHaveBeenCalledTimes(2));
  });

  it("a source from a document names it and its page and links to the preview there", () => {
    const ws = { id: "w1", name: "W", slug: "w", role: "member", created_at: "" } as Workspace;
    const sources: Source[] = [{ entry_id: "p1", question: "정책", category: null, score: 0.8, kind: "document",
      document_id: "d1", document_title: "정책", page: 3, section: "제3장" }];
    renderWithProviders(<WorkspaceContext.Provider value={ws}><SourceList sources={sources} /></WorkspaceContext.Provider>);
    fireEvent.click(screen.getByRole("button", { name: /출처|참고/ }));
    expect(screen.getByRole("link", { name: "정책 · 3쪽" })).toHaveAttribute("href", "/w/w1/documents/d1?page=3");
  });
});
