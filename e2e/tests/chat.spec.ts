import { expect, test } from "@playwright/test";
import { DEMO_WORKSPACE, ask, assistantMessages, shot, waitForAnswer } from "./helpers";

test.beforeEach(async ({ page }) => {
  await page.goto("/workspaces");
  await page.getByRole("link", { name: DEMO_WORKSPACE }).click();
  await expect(page.getByLabel("메시지 입력")).toBeVisible();
});

test("ask the demo workspace, see the streamed answer, sources and follow-ups, then click one", async ({ page }) => {
  const input = page.getByLabel("메시지 입력");
  await input.fill("미성년자도 판매자로 가입할 수 있나요?");
  await input.press("Enter");

  const answer = assistantMessages(page).last();
  // While the answer streams the stop button is offered; the text grows token by token.
  await expect(page.getByRole("button", { name: "정지" })).toBeVisible();
  await waitForAnswer(answer);
  await expect(page.getByRole("button", { name: "정지" })).toBeHidden();
  await expect(answer).toContainText(/\S{2,}/);
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

  const sources = answer.getByRole("button", { name: /출처 \d+개/ });
  await expect(sources).toBeVisible();
  await sources.click();
  await expect(sources).toHaveAttribute("aria-expanded", "true");
  await expect(answer.getByRole("list", { name: /출처/ }).getByRole("listitem").first()).toBeVisible();

  const chips = answer.getByRole("group", { name: "이어서 물어보기" }).getByRole("button");
  await expect(chips.first()).toBeVisible();
  await shot(page, "chat-answer-sources-followups");

  const followup = (await chips.first().innerText()).trim();
  await chips.first().click();
  await expect(page.getByRole("article", { name: "나" }).last()).toHaveText(followup);
  await expect(assistantMessages(page)).toHaveCount(2);
  await waitForAnswer(assistantMessages(page).last());
  await expect(assistantMessages(page).last().getByRole("button", { name: /출처 \d+개/ })).toBeVisible();

  // Feedback toggles on the answer.
  const up = assistantMessages(page).last().getByRole("button", { name: "좋아요" });
  await up.click();
  await expect(up).toHaveAttribute("aria-pressed", "true");

  // A reload keeps the conversation: messages come back from the server.
  await page.reload();
  await expect(page.getByRole("article", { name: "나" })).toHaveCount(2);
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(page.getByRole("article", { name: "나" }).last()).toHaveText(followup);
  await expect(assistantMessages(page).last().getByRole("button", { name: "좋아요" })).toHaveAttribute("aria-pressed", "true");

  // ...and it can be continued.
  await ask(page, "정산은 언제 되나요?");
  await expect(assistantMessages(page)).toHaveCount(3);
  await shot(page, "chat-continued-after-reload");
});

test("an off-topic question is refused and shown distinctly", async ({ page }) => {
  const answer = await ask(page, "강남역 근처 파스타 맛집 알려줘");
  await expect(answer.getByText("답변 범위 밖")).toBeVisible();
  await expect(answer).toContainText("스마트 스토어");
  await expect(page.locator("li[data-refused]")).toHaveCount(1);
  await shot(page, "chat-refusal");
});

test("sessions can be renamed, searched and deleted", async ({ page }) => {
  await ask(page, "배송비는 어떻게 설정하나요?");
  const title = `e2e 배송비 ${Date.now()}`;
  const sessions = page.getByRole("navigation", { name: "대화 목록" });
  const current = sessions.getByRole("listitem").filter({ has: page.locator('a[aria-current="page"]') });
  await current.getByRole("button", { name: /^이름 변경: / }).click();
  const dialog = page.getByRole("dialog", { name: "이름 변경" });
  await dialog.getByLabel("새 대화 제목").fill(title);
  await dialog.getByRole("button", { name: "저장" }).click();
  await expect(sessions.getByRole("link", { name: title })).toBeVisible();

  await sessions.getByLabel("대화 검색").fill(title);
  await expect(sessions.getByRole("link")).toHaveCount(1);
  await shot(page, "chat-sessions");

  await sessions.getByRole("button", { name: `삭제: ${title}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "삭제" }).click();
  await expect(sessions.getByRole("link", { name: title })).toHaveCount(0);
  await expect(page).toHaveURL(/\/chat$/);
});

test("the brief's dialogues: starter questions, a yes that takes the first offer, a greeting, a way back", async ({ page }) => {
  // A new conversation opens with questions to start with, each a click away from its answer.
  await page.getByRole("link", { name: "새 대화" }).first().click();
  const starters = page.getByRole("group", { name: "이런 질문으로 시작해 보세요" }).getByRole("button");
  await expect(starters.first()).toBeVisible();
  const starter = (await starters.first().innerText()).trim();
  await starters.first().click();
  await expect(page.getByRole("article", { name: "나" }).last()).toHaveText(starter);
  const first = assistantMessages(page).last();
  await waitForAnswer(first);
  await first.getByRole("button", { name: /출처 \d+개/ }).click();
  await expect(first.getByRole("list", { name: /출처/ })).toContainText(starter);

  // "네 알려주세요" takes the first follow-up offered.
  const offered = (await first.getByRole("group", { name: "이어서 물어보기" }).getByRole("button").first().innerText()).trim();
  const yes = await ask(page, "네 알려주세요");
  await yes.getByRole("button", { name: /출처 \d+개/ }).click();
  await expect(yes.getByRole("list", { name: /출처/ }).getByRole("listitem").first()).toContainText(offered);

  // Thanks get a friendly reply, not a refusal.
  const thanks = await ask(page, "고마워요");
  await expect(thanks.getByText("답변 범위 밖")).toHaveCount(0);
  await expect(thanks.getByRole("group", { name: "이어서 물어보기" }).getByRole("button").first()).toBeVisible();

  // An off-topic question is refused with one way back into the domain.
  const refused = await ask(page, "오늘 저녁에 여의도 가려는데 맛집 추천좀 해줄래?");
  await expect(refused.getByText("답변 범위 밖")).toBeVisible();
  await expect(refused.getByRole("group", { name: "이어서 물어보기" }).getByRole("button")).toHaveCount(1);
  await shot(page, "chat-brief-dialogues");
});
