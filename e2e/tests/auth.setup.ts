import { expect, test as setup } from "@playwright/test";
import { ADMIN, ADMIN_STATE, MEMBER, MEMBER_STATE, loginThroughUi } from "./helpers";

setup("log in as the platform admin", async ({ page }) => {
  await loginThroughUi(page, ADMIN);
  await expect(page.getByRole("link", { name: "관리자" })).toBeVisible();
  await page.context().storageState({ path: ADMIN_STATE });
});

setup("log in as the demo member", async ({ page }) => {
  await loginThroughUi(page, MEMBER);
  await page.context().storageState({ path: MEMBER_STATE });
});

setup("a wrong password is shown inline", async ({ page }) => {
  await page.goto("/login");
  // Another address than the seeded ones: failed attempts count towards the per-email login limit.
  await page.getByLabel("이메일").fill("nobody@sangdam.dev");
  await page.getByLabel("비밀번호").fill("wrong-password");
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page.getByRole("alert")).toContainText("올바르지 않습니다");
  await expect(page).toHaveURL(/\/login$/);
});
