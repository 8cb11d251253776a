import { expect, test } from "@playwright/test";
import { ADMIN_STATE, DEMO_WORKSPACE, MEMBER, MEMBER_STATE, apiAs, shot } from "./helpers";

test("log in and see the workspace list, create one, switch language", async ({ page, request }) => {
  await page.goto("/workspaces");
  await expect(page.getByRole("heading", { level: 1, name: "워크스페이스" })).toBeVisible();
  const list = page.getByRole("list", { name: "워크스페이스" });
  await expect(list.getByRole("link", { name: DEMO_WORKSPACE })).toBeVisible();

  const name = `e2e 작업공간 ${Date.now()}`;
  await page.getByLabel("워크스페이스 이름").fill(name);
  await page.getByRole("button", { name: "만들기" }).click();
  await expect(page).toHaveURL(/\/w\/[^/]+\/knowledge$/);
  await expect(page.getByLabel("워크스페이스 선택")).toHaveValue(/.+/);
  const createdId = page.url().split("/w/")[1].split("/")[0];

  try {
    await page.goto("/workspaces");
    await expect(list.getByRole("link", { name })).toBeVisible();
    await shot(page, "workspaces-list");

    await page.getByRole("button", { name: "언어 변경" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Workspaces" })).toBeVisible();
    await page.getByRole("button", { name: "Change language" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "워크스페이스" })).toBeVisible();
  } finally {
    const api = await apiAs(request, ADMIN_STATE);
    await api.delete(`/workspaces/${createdId}`);
  }
});

test("an owner sees members with editable roles", async ({ page }) => {
  await page.goto("/workspaces");
  await page.getByRole("link", { name: DEMO_WORKSPACE }).click();
  await page.getByRole("link", { name: "멤버" }).click();
  await expect(page.getByRole("heading", { name: "멤버와 권한" })).toBeVisible();
  const row = page.getByRole("row", { name: /demo@sangdam\.dev/ });
  await expect(row.getByRole("combobox")).toHaveValue("member");
  await expect(page.getByRole("button", { name: "초대하기" })).toBeVisible();
  await shot(page, "members");
});

test("an owner invites an address, which waits until revoked", async ({ page }) => {
  await page.goto("/workspaces");
  await page.getByRole("link", { name: DEMO_WORKSPACE }).click();
  await page.getByRole("link", { name: "멤버" }).click();
  const email = `e2e-invite-${Date.now()}@example.com`;
  await page.getByLabel("이메일").fill(email);
  await page.getByRole("button", { name: "초대하기" }).click();
  await expect(page.getByText(`${email}에 초대를 보냈습니다`, { exact: false })).toBeVisible();
  const pending = page.getByRole("table", { name: "수락을 기다리는 초대" });
  await expect(pending.getByRole("row", { name: new RegExp(email.replace(/[.]/g, "\\.")) })).toBeVisible();
  await page.getByRole("button", { name: `초대 취소: ${email}` }).click();
  await expect(page.getByRole("button", { name: `초대 취소: ${email}` })).toHaveCount(0);
});

test.describe("an invited member", () => {
  test.use({ storageState: MEMBER_STATE });

  let wsId = "";
  const name = `e2e 초대 ${Date.now()}`;
  test.beforeAll(async ({ request }) => {
    const admin = await apiAs(request, ADMIN_STATE);
    const res = await admin.post("/workspaces", { name });
    expect(res.ok()).toBeTruthy();
    wsId = ((await res.json()) as { id: string }).id;
    const invited = await admin.post(`/workspaces/${wsId}/invitations`, { email: MEMBER.email, role: "member" });
    expect(invited.status()).toBe(202);
  });
  test.afterAll(async ({ request }) => {
    const admin = await apiAs(request, ADMIN_STATE);
    if (wsId) await admin.delete(`/workspaces/${wsId}`);
  });

  test("accepts the invitation and finds the workspace", async ({ page }) => {
    await page.goto("/workspaces");
    await expect(page.getByRole("heading", { name: "받은 초대" })).toBeVisible();
    await shot(page, "invitation");
    await page.getByRole("button", { name: `수락: ${name}` }).click();
    await expect(page.getByText(`${name}에 참여했습니다`)).toBeVisible();
    await expect(page.getByRole("list", { name: "워크스페이스" }).getByRole("link", { name })).toBeVisible();
  });
});
