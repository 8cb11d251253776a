import { expect, test } from "@playwright/test";
import { ADMIN_STATE, DEMO_WORKSPACE, apiAs, ask, shot } from "./helpers";

// Without a model in e2e, the prompt whose effect shows is the refusal's suggestion line (chat.suggestion): an
// off-topic question is refused with the workspace's message plus that line, with no model involved.
const OFF_TOPIC = "강남역 근처 파스타 맛집 알려줘";
const KEY = "chat.suggestion";

test("edit a prompt, compare it, try it, activate it, see it in chat, then roll it back", async ({ page, request }) => {
  const api = await apiAs(request, ADMIN_STATE);
  const start = (await (await api.get(`/admin/prompts/${KEY}`)).json()) as {
    labels: { label: string; workspace_id: string | null; version: number }[];
  };
  const startVersion = start.labels.find((l) => l.label === "production" && l.workspace_id === null)!.version;
  const marker = `e2e-${Date.now()}`;
  try {
    await page.goto("/admin/prompts");
    await page.getByRole("navigation", { name: "프롬프트 목록" }).getByRole("button", { name: new RegExp(KEY) }).click();
    await expect(page.getByRole("heading", { name: KEY })).toBeVisible();

    // Edit: a new version from the running one, with a note.
    const editor = page.getByRole("region", { name: "새 버전 작성" });
    await editor.getByLabel("프롬프트 내용").fill(`'{question}' 관련 도움말(${marker})을 찾으시나요?`);
    await editor.getByLabel("변경 메모").fill(`문구 ${marker}`);
    await editor.getByRole("button", { name: "새 버전 저장" }).click();
    const history = page.getByRole("region", { name: "버전 기록" });
    const row = history.getByRole("row").filter({ hasText: `문구 ${marker}` });
    await expect(row).toBeVisible();
    const version = Number(/v(\d+)/.exec((await row.getByRole("rowheader").textContent()) ?? "")![1]);
    expect(version).toBeGreaterThan(startVersion);
    await expect(row.getByText("production")).toBeHidden(); // saved, not active

    // Diff: the newest against the one before, side by side.
    const diff = page.getByRole("region", { name: "버전 비교" });
    await expect(diff.getByLabel("새 버전")).toHaveValue(String(version));
    await expect(diff.locator(".diff-new")).toContainText(marker);
    await shot(page, "prompts-diff");

    // Try it in the playground on the demo workspace before activating anything.
    const playground = page.getByRole("region", { name: "플레이그라운드" });
    await playground.getByLabel("워크스페이스").selectOption({ label: DEMO_WORKSPACE });
    await playground.getByLabel("실행할 내용").selectOption({ label: `v${version}` });
    await playground.getByLabel("질문", { exact: true }).fill(OFF_TOPIC);
    await playground.getByRole("button", { name: "실행" }).click();
    const result = playground.getByRole("region", { name: "실행 결과" });
    await expect(result).toContainText(marker);
    await expect(result).toContainText("프롬프트 사용됨");
    await shot(page, "prompts-playground");

    // Activate: move the platform's production label.
    await row.getByRole("button", { name: `v${version} 운영 적용` }).click();
    await expect(row.getByText("production")).toBeVisible();

    // Chat shows the change at once.
    await page.goto("/workspaces");
    await page.getByRole("link", { name: DEMO_WORKSPACE }).click();
    const answer = await ask(page, OFF_TOPIC);
    await expect(answer).toContainText(marker);
    await shot(page, "prompts-chat-changed");

    // Roll back: production returns to the version it pointed at before.
    await page.goto("/admin/prompts");
    await page.getByRole("navigation", { name: "프롬프트 목록" }).getByRole("button", { name: new RegExp(KEY) }).click();
    await page.getByRole("button", { name: `v${startVersion}(으)로 되돌리기` }).click();
    await expect(
      page.getByRole("region", { name: "버전 기록" }).getByRole("row", { name: `v${startVersion}`, exact: true }).getByText("production"),
    ).toBeVisible();

    await page.goto("/workspaces");
    await page.getByRole("link", { name: DEMO_WORKSPACE }).click();
    const after = await ask(page, OFF_TOPIC);
    await expect(after).toContainText("스마트 스토어");
    await expect(after).not.toContainText(marker);
  } finally {
    // Whatever happened above, the other journeys find the platform's prompt where it was.
    const now = (await (await api.get(`/admin/prompts/${KEY}`)).json()) as typeof start;
    if (now.labels.find((l) => l.label === "production" && l.workspace_id === null)?.version !== startVersion) {
      await api.put(`/admin/prompts/${KEY}/labels/production`, { version: startVersion });
    }
  }
});
