import { expect, test } from "@playwright/test";
import { ADMIN_STATE, DEMO_WORKSPACE, apiAs, shot } from "./helpers";

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
  await expect(page.getByRole("button", { name: "추가" })).toBeVisible();
  await shot(page, "members");
});
