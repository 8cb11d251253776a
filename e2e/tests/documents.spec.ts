import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { ADMIN_STATE, apiAs, assistantMessages, shot, waitForAnswer } from "./helpers";

// e2e/fixtures/policy.pdf: four pages of a made-up shop's policy (e2e/fixtures/make_fixtures.py writes it).
const POLICY = path.join(__dirname, "..", "fixtures", "policy.pdf");
let wsId = "";

test.beforeAll(async ({ request }) => {
  const admin = await apiAs(request, ADMIN_STATE);
  const res = await admin.post("/workspaces", { name: `e2e 문서 ${Date.now()}` });
  expect(res.ok()).toBeTruthy();
  wsId = ((await res.json()) as { id: string }).id;
});

test.afterAll(async ({ request }) => {
  const admin = await apiAs(request, ADMIN_STATE);
  if (wsId) await admin.delete(`/workspaces/${wsId}`);
});

test("upload a PDF, follow its indexing, get an answer citing its page, then stream a summary", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/w/${wsId}/documents`);
  await expect(page.getByText("아직 문서가 없습니다")).toBeVisible();

  await page.getByLabel("문서 파일").setInputFiles({
    name: "상담몰 이용 정책.pdf",
    mimeType: "application/pdf",
    buffer: fs.readFileSync(POLICY),
  });
  await expect(page.getByRole("status").filter({ hasText: "상담몰 이용 정책.pdf" })).toBeVisible();
  const list = page.getByRole("list", { name: "문서 목록" });
  await expect(list.getByRole("listitem", { name: "상담몰 이용 정책.pdf 검색 가능" })).toBeVisible({ timeout: 120_000 });
  await expect(list).toContainText("4쪽");
  await shot(page, "documents-indexed");

  // Chat answers from the document and names it with its page; the source opens the preview there.
  await page.goto(`/w/${wsId}/chat`);
  const input = page.getByLabel("메시지 입력");
  await input.fill("단순 변심 반품은 며칠 안에 신청해야 하나요?");
  await input.press("Enter");
  const answer = assistantMessages(page).last();
  await waitForAnswer(answer);
  await expect(answer).toContainText("10일 이내");
  await answer.getByRole("button", { name: /출처 \d+개/ }).click();
  const source = answer.getByRole("link", { name: "상담몰 이용 정책 · 3쪽" });
  await expect(source).toBeVisible();
  await shot(page, "documents-chat-cites-page");
  await source.click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}\?page=3$/);
  await expect(page.getByRole("heading", { name: "본문 미리보기 · p.3" })).toBeVisible();
  await expect(page.getByLabel("본문 미리보기", { exact: true }).last()).toContainText("제3장 반품과 환불");

  // An extractive summary streams, then is saved with its parameters and pages.
  await page.getByLabel("길이").selectOption("short");
  await page.getByRole("button", { name: "요약하기" }).click();
  await expect(page.getByLabel("요약 중인 글")).toContainText(/\[p\.\d\]/, { timeout: 60_000 });
  const saved = page.getByRole("list", { name: "저장된 요약" });
  await expect(saved.getByRole("listitem")).toHaveCount(1, { timeout: 60_000 });
  await expect(saved).toContainText("추출 요약");
  await expect(saved).toContainText("완료");
  await expect(saved.getByRole("button", { name: /^p\.\d$/ }).first()).toBeVisible();
  await shot(page, "documents-summary");
});
