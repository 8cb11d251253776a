import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, onSessionExpired } from "./client";
import { tokens } from "./tokens";

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

describe("api client", () => {
  it("refreshes once on 401 and retries with the new access token", async () => {
    tokens.set({ access_token: "old", refresh_token: "r1" });
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url.endsWith("/auth/refresh")) {
        expect(JSON.parse(String(init.body))).toEqual({ refresh_token: "r1" });
        return json(200, { access_token: "new", refresh_token: "r2", token_type: "bearer", expires_in: 900 });
      }
      const auth = new Headers(init.headers).get("Authorization");
      return auth === "Bearer new" ? json(200, { ok: true }) : json(401, { error: "token_expired", message: "expired" });
    });
    vi.stubGlobal("fetch", fetchMock);
    await expect(api("/users/me")).resolves.toEqual({ ok: true });
    expect(tokens.access()).toBe("new");
    expect(tokens.refresh()).toBe("r2");
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it("expires the session when the refresh fails", async () => {
    tokens.set({ access_token: "old", refresh_token: "revoked" });
    vi.stubGlobal("fetch", vi.fn(async () => json(401, { error: "unauthorized", message: "no" })));
    const expired = vi.fn();
    const off = onSessionExpired(expired);
    await expect(api("/users/me")).rejects.toBeInstanceOf(ApiError);
    expect(expired).toHaveBeenCalled();
    expect(tokens.access()).toBeNull();
    off();
  });

  it("turns the error envelope into ApiError", async () => {
    tokens.set({ access_token: "a", refresh_token: "r" });
    vi.stubGlobal("fetch", vi.fn(async () => json(422, { error: "validation_error", message: "top_k must be ≤ 50" })));
    const err = await api("/workspaces/x/settings", { method: "PATCH", body: {} }).catch((e) => e);
    expect(err).toMatchObject({ status: 422, code: "validation_error", message: "top_k must be ≤ 50" });
  });
});
