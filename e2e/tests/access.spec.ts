import { expect, test } from "@playwright/test";
import { ADMIN_STATE, MEMBER_STATE, apiAs, shot } from "./helpers";

test.describe("a member", () => {
  test.use({ storageState: MEMBER_STATE });

  let otherId = "";
  test.beforeAll(async ({ request }) => {
    const admin = await apiAs(request, ADMIN_STATE);
    const res = await admin.post("/workspaces", { name: `e2e 비공개 ${Date.now()}` });
    expect(res.ok()).toBeTruthy();
    otherId = ((await res.json()) as { id: string }).id;
  });
  test.afterAll(async ({ request }) => {
    const admin = await apiAs(request, ADMIN_STATE);
    if (otherId) await admin.delete(`/workspaces/${otherId}`);
  });

  test("cannot reach another workspace or the admin page", async ({ page }) => {
    await page.goto("/workspaces");
    await expect(page.getByRole("link", { name: "스마트스토어 데모" })).toBeVisible();
    await expect(page.getByRole("link", { name: "관리자" })).toHaveCount(0);

    await page.goto(`/w/${otherId}/chat`);
    await expect(page.getByRole("heading", { name: "찾을 수 없음" })).toBeVisible();
    await expect(page.getByLabel("메시지 입력")).toHaveCount(0);
    await shot(page, "member-other-workspace-not-found");

    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "권한 없음" })).toBeVisible();
    await shot(page, "member-admin-forbidden");
  });
});

test("the admin sees users, workspaces and usage", async ({ page }) => {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "플랫폼 관리" })).toBeVisible();
  // The dashboard opens first (its charts have a journey of their own); usage is the next tab.
  await page.getByRole("tab", { name: "사용량 (30일)" }).click();
  await expect(page.getByRole("table")).toContainText("스마트스토어 데모");
  await page.getByRole("tab", { name: "사용자" }).click();
  await expect(page.getByRole("table")).toContainText("demo@sangdam.dev");
  await page.getByRole("tab", { name: "워크스페이스" }).click();
  await expect(page.getByRole("table")).toContainText("스마트스토어 데모");
  await shot(page, "admin");
});
