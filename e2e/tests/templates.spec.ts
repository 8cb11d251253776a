import { expect, test } from "@playwright/test";
import fs from "node:fs";
import { ADMIN_STATE, apiAs, demoWorkspaceId, shot } from "./helpers";

const NAME = `e2e 미성년 판매자 안내 ${Date.now()}`;
const QUESTION = "미성년자 판매자는 어떤 서류를 제출해야 하나요?";
let wsId = "";

test.afterAll(async ({ request }) => {
  // The demo workspace is shared by every journey: take away what this one made.
  const admin = await apiAs(request, ADMIN_STATE);
  const { items } = (await (await admin.get(`/workspaces/${wsId}/templates`)).json()) as { items: { id: string; name: string }[] };
  for (const tpl of items.filter((x) => x.name === NAME)) {
    const docs = (await (await admin.get(`/workspaces/${wsId}/generated-documents?template_id=${tpl.id}`)).json()) as {
      items: { id: string }[];
    };
    for (const d of docs.items) await admin.delete(`/workspaces/${wsId}/generated-documents/${d.id}`);
    await admin.delete(`/workspaces/${wsId}/templates/${tpl.id}`);
  }
});

test("create a template, fill its fields, watch the sections stream, edit and download a docx", async ({ page, request }) => {
  wsId = await demoWorkspaceId(await apiAs(request, ADMIN_STATE));
  await page.goto(`/w/${wsId}/templates`);
  await expect(page.getByRole("navigation", { name: "템플릿 목록" })).toContainText("고객 불만 회신"); // seeded

  await page.getByRole("button", { name: "새 템플릿" }).click();
  const form = page.getByRole("form", { name: "새 템플릿" });
  await form.getByLabel("템플릿 이름").fill(NAME);
  const first = form.getByRole("group", { name: "섹션 1" });
  const body = first.getByLabel("문구 ({{ 필드 }} 사용 가능)");
  // A placeholder naming no field is refused when saved, with its line.
  await body.fill("{{ customer }}님, 안녕하세요.\n{{ order_no }}");
  await form.getByRole("button", { name: "템플릿 저장" }).click();
  await expect(form.getByRole("alert")).toContainText("line 2: unknown field 'order_no'");
  await body.fill("{{ customer }}님, 안녕하세요.");
  await form.getByRole("button", { name: "섹션 추가" }).click();
  const second = form.getByRole("group", { name: "섹션 2" });
  await second.getByLabel("섹션 키(영문)").fill("documents");
  await second.getByLabel("섹션 제목").fill("필요 서류");
  await second.getByLabel("섹션 종류").selectOption("knowledge");
  await second.getByLabel("지식에 물을 질문 또는 지시").fill(QUESTION);
  await form.getByRole("button", { name: "템플릿 저장" }).click();
  await expect(form).toBeHidden();
  await expect(page.getByRole("heading", { name: `${NAME} v1` })).toBeVisible();

  await page.getByLabel("고객 이름 *").fill("홍길동");
  await page.getByRole("button", { name: "문서 생성" }).click();
  const preview = page.getByRole("region", { name: "생성 중인 문서" });
  await expect(preview.getByRole("article", { name: "인사" })).toContainText("홍길동님, 안녕하세요.");
  const cited = preview.getByRole("article", { name: "필요 서류" });
  await expect(cited).toContainText("법정대리인");
  await expect(cited.getByRole("list", { name: "출처" })).toContainText(QUESTION);
  await shot(page, "templates-generated");

  await page.getByRole("link", { name: "문서 편집으로" }).click();
  const section = page.getByRole("textbox", { name: "필요 서류" });
  await expect(section).toHaveValue(/법정대리인/);
  await section.fill("법정대리인 동의서를 준비해 주세요. 담당자가 확인 후 연락드립니다.");
  await page.getByRole("button", { name: "편집 저장" }).click();
  await expect(page.getByText(/수정본 2/).first()).toBeVisible();
  await expect(page.getByText("직접 수정함")).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Word(.docx) 받기" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.docx$/);
  const bytes = fs.readFileSync((await file.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe("PK"); // a zip: the Office Open XML package
  await shot(page, "templates-document");
});
