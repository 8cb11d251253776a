import { expect, test } from "@playwright/test";
import { ADMIN_STATE, apiAs, shot } from "./helpers";

let wsId = "";

test.beforeAll(async ({ request }) => {
  const admin = await apiAs(request, ADMIN_STATE);
  const res = await admin.post("/workspaces", { name: `e2e 지식 ${Date.now()}` });
  expect(res.ok()).toBeTruthy();
  wsId = ((await res.json()) as { id: string }).id;
});

test.afterAll(async ({ request }) => {
  const admin = await apiAs(request, ADMIN_STATE);
  if (wsId) await admin.delete(`/workspaces/${wsId}`);
});

test("import a FAQ file and follow the job's progress bar", async ({ page }) => {
  await page.goto(`/w/${wsId}/knowledge`);
  await expect(page.getByText("항목이 없습니다.")).toBeVisible();

  const faq = [
    { question: "배송비는 어떻게 설정하나요?", answer: "상품 등록 화면의 배송 항목에서 설정합니다.", category: "배송" },
    { question: "정산은 언제 되나요?", answer: "구매확정 다음 영업일에 정산됩니다.", category: "정산" },
  ];
  await page.getByLabel("가져올 파일 (.pkl .json .jsonl .csv)").setInputFiles({
    name: "faq.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(faq)),
  });
  await page.getByRole("button", { name: "가져오기 시작" }).click();
  // The job shows in the workspace's jobs list, with the jobs started elsewhere.
  const panel = page.getByRole("region", { name: "작업", exact: true });
  const progress = panel.getByRole("progressbar", { name: "작업 진행률: 파일 가져오기" });
  await expect(progress).toBeVisible();
  await expect(panel.getByText("완료", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "100");
  const list = page.getByRole("list", { name: "지식 베이스" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await shot(page, "knowledge-imported");
});

test("add, search, filter, edit and delete entries", async ({ page }) => {
  await page.goto(`/w/${wsId}/knowledge`);
  const list = page.getByRole("list", { name: "지식 베이스" });
  const total = page.getByText(/^총 \d+개$/);
  await expect(total).toBeVisible();

  const add = async (question: string, answer: string, category: string) => {
    await page.getByRole("button", { name: "항목 추가" }).click();
    const dialog = page.getByRole("dialog", { name: "새 항목" });
    await dialog.getByLabel("질문", { exact: true }).fill(question);
    await dialog.getByLabel("답변", { exact: true }).fill(answer);
    await dialog.getByLabel("분류", { exact: true }).fill(category);
    await dialog.getByRole("button", { name: "저장" }).click();
    await expect(dialog).toBeHidden();
    await expect(list).toContainText(question);
  };
  await add("정산 보류는 언제 풀리나요?", "보류 사유가 해소되면 다음 영업일에 풀립니다.", "정산보류");
  await add("반품 택배비는 누가 내나요?", "단순 변심이면 구매자가, 상품 하자면 판매자가 부담합니다.", "반품");

  await page.getByLabel("질문·답변 검색").fill("택배비");
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("반품 택배비는 누가 내나요?");
  await page.getByLabel("질문·답변 검색").fill("");
  await page.getByLabel("분류", { exact: true }).selectOption({ label: "정산보류 (1)" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("정산 보류는 언제 풀리나요?");

  await list.getByRole("button", { name: "수정: 정산 보류는 언제 풀리나요?" }).click();
  const edit = page.getByRole("dialog", { name: "항목 수정" });
  await edit.getByLabel("답변", { exact: true }).fill("사유가 해소되면 1영업일 안에 풀립니다.");
  await edit.getByRole("button", { name: "저장" }).click();
  await expect(list).toContainText("사유가 해소되면 1영업일 안에 풀립니다.");

  await page.getByLabel("분류", { exact: true }).selectOption({ label: "모든 분류" });
  await list.getByRole("button", { name: "삭제: 반품 택배비는 누가 내나요?" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "삭제" }).click();
  await expect(list).not.toContainText("반품 택배비는 누가 내나요?");
  await shot(page, "knowledge-edited");
});
