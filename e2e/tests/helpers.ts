import { expect, type APIRequestContext, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const ADMIN = { email: "admin@sangdam.dev", password: "sangdam-admin" };
export const MEMBER = { email: "demo@sangdam.dev", password: "sangdam-demo" };
export const DEMO_WORKSPACE = "스마트스토어 데모";
export const AUTH_DIR = path.join(__dirname, "..", ".auth");
export const ADMIN_STATE = path.join(AUTH_DIR, "admin.json");
export const MEMBER_STATE = path.join(AUTH_DIR, "member.json");

/** One screenshot per journey under e2e/test-results/screenshots/. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(__dirname, "..", "test-results", "screenshots", `${name}.png`), fullPage: true });
}

/**
 * An API client using the access token the setup project stored (no extra logins: the backend
 * rate-limits them per email). Only the access token is used, so the browser's refresh token stays valid.
 */
export async function apiAs(request: APIRequestContext, stateFile: string) {
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
    origins: { localStorage: { name: string; value: string }[] }[];
  };
  const access = state.origins.flatMap((o) => o.localStorage).find((e) => e.name === "sangdam.access_token")?.value;
  expect(access, `access token in ${stateFile}`).toBeTruthy();
  const headers = { Authorization: `Bearer ${access}` };
  return {
    get: (url: string) => request.get(`/api/v1${url}`, { headers }),
    post: (url: string, data?: unknown) => request.post(`/api/v1${url}`, { headers, data }),
    patch: (url: string, data: unknown) => request.patch(`/api/v1${url}`, { headers, data }),
    put: (url: string, data: unknown) => request.put(`/api/v1${url}`, { headers, data }),
    delete: (url: string) => request.delete(`/api/v1${url}`, { headers }),
  };
}

export async function demoWorkspaceId(api: Awaited<ReturnType<typeof apiAs>>): Promise<string> {
  const res = await api.get("/workspaces");
  const { items } = (await res.json()) as { items: { id: string; name: string }[] };
  const ws = items.find((w) => w.name === DEMO_WORKSPACE);
  expect(ws, "seeded demo workspace").toBeTruthy();
  return ws!.id;
}

/** Log in through the form. */
export async function loginThroughUi(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("이메일").fill(user.email);
  await page.getByLabel("비밀번호").fill(user.password);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page.getByRole("navigation", { name: "주 메뉴" })).toBeVisible();
}

export function assistantMessages(page: Page) {
  return page.getByRole("article", { name: "상담봇" });
}

/** Type a question, send it with Enter and wait until the streamed answer is complete. */
export async function ask(page: Page, question: string) {
  const answers = assistantMessages(page);
  const before = await answers.count();
  const input = page.getByLabel("메시지 입력");
  await input.fill(question);
  await input.press("Enter");
  await expect(answers).toHaveCount(before + 1);
  const answer = answers.last();
  await waitForAnswer(answer);
  return answer;
}

export async function waitForAnswer(answer: ReturnType<typeof assistantMessages>) {
  // The copy button appears once the `done` event has arrived.
  await expect(answer.getByRole("button", { name: "복사" })).toBeVisible({ timeout: 30_000 });
  await expect(answer).not.toHaveAttribute("aria-busy", "true");
}
