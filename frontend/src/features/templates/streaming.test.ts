import { describe, expect, it } from "vitest";
import { applyEvent, initialGeneration } from "./streaming";

const ev = (event: string, data: object) => ({ event, data: JSON.stringify(data) });

describe("applyEvent", () => {
  it("builds sections from section, sources and token events in order", () => {
    let s = initialGeneration;
    s = applyEvent(s, ev("section", { document_id: "d1", index: 0, key: "hello", title: "인사", kind: "text" }));
    s = applyEvent(s, ev("token", { key: "hello", text: "안녕" }));
    s = applyEvent(s, ev("token", { key: "hello", text: "하세요" }));
    s = applyEvent(s, ev("section", { document_id: "d1", index: 1, key: "kb", title: "기준", kind: "knowledge" }));
    s = applyEvent(s, ev("sources", { key: "kb", sources: [{ entry_id: "e1", question: "질문" }] }));
    s = applyEvent(s, ev("token", { key: "kb", text: "지식에 근거 없음" }));
    expect(s.documentId).toBe("d1");
    expect(s.sections.map((x) => [x.key, x.text])).toEqual([["hello", "안녕하세요"], ["kb", "지식에 근거 없음"]]);
    expect(s.sections[1].sources[0].question).toBe("질문");
    expect(s.done).toBe(false);
    expect(applyEvent(s, ev("done", { document_id: "d1", status: "complete" })).done).toBe(true);
  });

  it("keeps the error message", () => {
    const s = applyEvent(initialGeneration, ev("error", { error: "llm_timeout", message: "시간 초과" }));
    expect(s).toMatchObject({ done: true, error: "시간 초과" });
  });

  it("restarts a section written again", () => {
    let s = applyEvent(initialGeneration, ev("section", { document_id: "d", key: "a", title: "A", kind: "text" }));
    s = applyEvent(s, ev("token", { key: "a", text: "old" }));
    s = applyEvent(s, ev("section", { document_id: "d", key: "a", title: "A", kind: "text" }));
    expect(s.sections).toHaveLength(1);
    expect(s.sections[0].text).toBe("");
  });
});
