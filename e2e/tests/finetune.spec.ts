import { expect, test } from "@playwright/test";
import { ADMIN_STATE, apiAs, ask, assistantMessages, demoWorkspaceId, shot } from "./helpers";

// The demo FAQ is small, so a retrieval adapter trains on it in seconds; the journey restores the plain model.
test("launch an adapter job, watch its loss curve, activate it, chat with it, roll back", async ({ page, request }) => {
  test.setTimeout(300_000);
  const api = await apiAs(request, ADMIN_STATE);
  const ws = await demoWorkspaceId(api);
  try {
    await page.goto(`/w/${ws}/finetune`);
    await expect(page.getByRole("heading", { name: "파인튜닝" })).toBeVisible();
    const launch = page.getByRole("form", { name: "학습 시작" });
    await launch.getByLabel("종류").selectOption("adapter");
    await launch.getByLabel("에폭").fill("3");
    await launch.getByRole("button", { name: "학습 시작" }).click();

    // The job's status of record, then its loss per step as the worker reports it.
    const job = page.getByRole("region", { name: "작업" });
    await expect(job.getByRole("status")).toContainText("succeeded", { timeout: 240_000 });
    await expect(job.getByRole("table", { name: "단계별 지표" }).getByRole("row")).not.toHaveCount(1);
    await expect(job.getByRole("figure", { name: "손실 곡선" }).locator("svg").first()).toBeVisible();
    await shot(page, "finetune-loss");

    // The finished job's version is listed; activate it by hand (the job never activates one by itself
    // unless it asked to and the held-out split improved).
    const adapters = page.getByRole("table", { name: "검색 어댑터" });
    await adapters.getByRole("button", { name: /^적용 v\d+$/ }).first().click();
    await expect(adapters.getByText("사용 중")).toBeVisible();
    const listed = (await (await api.get(`/workspaces/${ws}/finetune/adapters`)).json()) as { active_id: string | null };
    expect(listed.active_id).toBeTruthy();

    // A chat answer retrieves through the active adapter and still finds the entry.
    await page.goto(`/w/${ws}/chat`);
    await ask(page, "미성년자도 판매 회원 등록이 가능한가요?");
    await expect(assistantMessages(page).last()).toContainText(/법정대리인|미성년|만 19세/);

    await page.goto(`/w/${ws}/finetune`);
    await page.getByRole("button", { name: "이전으로 되돌리기" }).click();
    await expect(page.getByRole("table", { name: "검색 어댑터" }).getByText("사용 중")).toBeHidden();
  } finally {
    // Whatever happened above, later journeys meet the plain model.
    const now = (await (await api.get(`/workspaces/${ws}/finetune/adapters`)).json()) as { active_id: string | null };
    if (now.active_id) await api.post(`/workspaces/${ws}/finetune/adapters/rollback`);
  }
});
