import { expect, test } from "@playwright/test";
import { ADMIN_STATE, apiAs, ask, demoWorkspaceId, shot } from "./helpers";

let wsId = "";
let original: { qa: { followup_count: number }; profile: { refusal_message: string } } | null = null;

test.beforeAll(async ({ request }) => {
  const api = await apiAs(request, ADMIN_STATE);
  wsId = await demoWorkspaceId(api);
  original = await (await api.get(`/workspaces/${wsId}/settings`)).json();
});

test.afterAll(async ({ request }) => {
  if (!original) return;
  const api = await apiAs(request, ADMIN_STATE);
  await api.patch(`/workspaces/${wsId}/settings`, {
    qa: { followup_count: original.qa.followup_count },
    profile: { refusal_message: original.profile.refusal_message },
  });
});

test("settings validate on the client and take effect on the next answer", async ({ page }) => {
  await page.goto(`/w/${wsId}/settings`);
  const followups = page.getByLabel("추천 질문 수 (0–3)");
  await expect(followups).toHaveValue(String(original!.qa.followup_count));

  // Out of range: stopped in the browser, shown inline.
  await followups.fill("5");
  await page.getByRole("button", { name: "저장" }).click();
  await expect(page.getByText("0에서 3 사이 값이어야 합니다.")).toBeVisible();

  await followups.fill("0");
  const refusal = `e2e 안내: 스마트 스토어 질문만 받아요 ${Date.now()}`;
  await page.getByLabel("범위 밖 질문 안내 문구").fill(refusal);
  await page.getByRole("button", { name: "저장" }).click();
  await expect(page.getByRole("status").filter({ hasText: "저장했습니다" })).toBeVisible();
  await shot(page, "settings-saved");

  await page.getByRole("link", { name: "채팅", exact: true }).click();
  const answer = await ask(page, "정산 주기는 어떻게 되나요?");
  await expect(answer.getByRole("button", { name: /출처 \d+개/ })).toBeVisible();
  await expect(answer.getByRole("group", { name: "이어서 물어보기" })).toHaveCount(0);

  const refused = await ask(page, "강남역 근처 파스타 맛집 알려줘");
  await expect(refused).toContainText(refusal);
  await expect(refused.getByText("답변 범위 밖")).toBeVisible();
  await shot(page, "settings-effect-in-chat");
});

test("try it: a preview question shows the answer's sources", async ({ page }) => {
  await page.goto(`/w/${wsId}/settings`);
  await page.getByLabel("테스트 질문").fill("배송비는 어떻게 설정하나요?");
  await page.getByRole("button", { name: "질문해 보기" }).click();
  const sources = page.getByRole("list", { name: /출처 \d+개/ });
  await expect(sources.getByRole("listitem").first()).toBeVisible();
  await shot(page, "settings-try-it");
});
