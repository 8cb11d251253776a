import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { MyInvitation } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { MyInvitations } from "./MyInvitations";

const api = vi.hoisted(() => ({ mine: vi.fn(), accept: vi.fn(), decline: vi.fn() }));
vi.mock("../../api/endpoints", () => ({ invitationApi: api, workspaceApi: {} }));

const invitation: MyInvitation = {
  id: "i1", workspace_id: "w1", workspace_name: "고객센터", role: "editor", invited_by: "김소유",
  created_at: "2026-12-01T00:00:00Z", expires_at: "2026-12-15T00:00:00Z",
};

describe("MyInvitations", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.mine.mockResolvedValue({ items: [invitation] });
  });

  it("lists an invitation and accepts it", async () => {
    api.accept.mockResolvedValue({ id: "w1", name: "고객센터", slug: "c", role: "editor", created_at: "" });
    renderWithProviders(<MyInvitations />);
    expect(await screen.findByText("김소유님이 편집자(으)로 초대했습니다")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "수락: 고객센터" }));
    expect(api.accept).toHaveBeenCalledWith("i1", expect.anything());
    expect(await screen.findByText("고객센터에 참여했습니다")).toBeInTheDocument();
  });

  it("declines", async () => {
    api.decline.mockResolvedValue(undefined);
    renderWithProviders(<MyInvitations />);
    await userEvent.click(await screen.findByRole("button", { name: "거절: 고객센터" }));
    expect(api.decline).toHaveBeenCalledWith("i1", expect.anything());
  });

  it("shows nothing without invitations", async () => {
    api.mine.mockResolvedValue({ items: [] });
    renderWithProviders(<MyInvitations />);
    await vi.waitFor(() => expect(api.mine).toHaveBeenCalled());
    expect(screen.queryByRole("heading", { name: "받은 초대" })).not.toBeInTheDocument();
  });
});
