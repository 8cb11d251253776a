import { expect, test } from "@playwright/test";
import { ADMIN_STATE, DEMO_WORKSPACE, apiAs, demoWorkspaceId, shot } from "./helpers";

test("the admin dashboard draws its charts from the period's answers, each with a table", async ({ page, request }) => {
  const api = await apiAs(request, ADMIN_STATE);
  const ws = await demoWorkspaceId(api);
  // Seed: two answered questions today (one the knowledge answers, one it refuses).
  const session = (await (await api.post(`/workspaces/${ws}/chat/sessions`, { title: "e2e 대시보드" })).json()) as { id: string };
  for (const content of ["정산은 언제 되나요", "강남역 근처 파스타 맛집 알려줘"]) {
    const r = await api.post(`/workspaces/${ws}/chat/sessions/${session.id}/messages?stream=false`, { content });
    expect(r.status()).toBe(200);
  }
  try {
    const dash = (await (await api.get(`/workspaces/${ws}/dashboard`)).json()) as { totals: { questions: number } };
    expect(dash.totals.questions).toBeGreaterThanOrEqual(2);

    await page.goto("/admin");
    await expect(page.getByRole("tab", { name: "대시보드" })).toHaveAttribute("aria-selected", "true");
    const charts = page.getByTestId("day-chart");
    await expect(charts).toHaveCount(4);
    const messages = page.getByRole("figure", { name: "일별 질문과 활성 사용자" });
    await expect(messages.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
    await expect(messages.locator(".recharts-line")).toHaveCount(2);
    await expect(page.getByRole("figure", { name: "일별 거절과 피드백" }).locator(".recharts-bar")).toHaveCount(3);
    // The same figures for screen readers: today's row counts the seeded questions.
    const today = new Date().toISOString().slice(0, 10);
    const row = messages.getByRole("row", { name: new RegExp(today) });
    await expect(row).toHaveCount(1);
    await expect(page.getByRole("table", { name: "모델별 토큰과 비용" })).toBeVisible();
    await shot(page, "admin-dashboard");

    // The owner's own view of the workspace, with its quota usage.
    await page.goto(`/w/${ws}/dashboard`);
    await expect(page.getByRole("heading", { level: 1, name: "대시보드" })).toBeVisible();
    await expect(page.getByText("오늘 질문")).toBeVisible();
    await expect(page.getByTestId("day-chart").first().locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
  } finally {
    await api.delete(`/workspaces/${ws}/chat/sessions/${session.id}`);
  }
});

test("an invite link is copied by the owner and accepted in a second browser by signing up", async ({ page, browser, request }) => {
  const api = await apiAs(request, ADMIN_STATE);
  const ws = await demoWorkspaceId(api);
  await page.goto(`/w/${ws}/members`);
  const email = `e2e-link-${Date.now()}@example.com`;
  await page.getByLabel("이메일").fill(email);
  await page.getByRole("button", { name: "초대하기" }).click();
  const link = page.getByLabel("초대 링크");
  await expect(link).toHaveValue(/\/invite#.+/);
  const url = await link.inputValue();
  await shot(page, "invite-link");

  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  let userId: string | undefined;
  try {
    const guest = await other.newPage();
    await guest.goto(url);
    await expect(guest.getByText(`${DEMO_WORKSPACE} 워크스페이스에`, { exact: false })).toBeVisible();
    await expect(guest.getByLabel("이메일")).toHaveValue(email);
    await guest.getByLabel("이름").fill("링크 가입자");
    await guest.getByLabel("비밀번호").fill("e2e-link-password");
    await guest.getByRole("button", { name: "가입하고 참여" }).click();
    await expect(guest).toHaveURL(/\/workspaces$/);
    await expect(guest.getByRole("list", { name: "워크스페이스" }).getByRole("link", { name: DEMO_WORKSPACE })).toBeVisible();
    await shot(guest, "invite-accepted");
    // Used up: opening it again says so.
    await guest.goto(url);
    await expect(guest.getByText("이 초대 링크는 쓸 수 없습니다")).toBeVisible();

    const members = (await (await api.get(`/workspaces/${ws}/members`)).json()) as { items: { user_id: string; email: string }[] };
    userId = members.items.find((m) => m.email === email)?.user_id;
    expect(userId).toBeTruthy();
  } finally {
    await other.close();
    if (userId) await api.delete(`/workspaces/${ws}/members/${userId}`);
  }
});
