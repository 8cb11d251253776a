/** The prompt-management routes (platform admins): GET/POST /admin/prompts/... */
import { api } from "../../api/client";
import type { Schemas } from "../../api/types";

export type PromptSummary = Schemas["PromptSummary"];
export type PromptDetail = Schemas["PromptDetail"];
export type PromptVersion = Schemas["PromptVersionRead"];
export type PromptLabel = Schemas["PromptLabelRead"];
export type VersionCreate = Schemas["PromptVersionCreate"];
export type PlaygroundResult = Schemas["PlaygroundResult"];
export type LabelName = PromptLabel["label"];

const base = (key: string) => `/admin/prompts/${encodeURIComponent(key)}`;

export const promptsApi = {
  list: () => api<Schemas["PromptList"]>("/admin/prompts"),
  get: (key: string) => api<PromptDetail>(base(key)),
  createVersion: (key: string, body: VersionCreate) =>
    api<PromptVersion>(`${base(key)}/versions`, { method: "POST", body }),
  moveLabel: (key: string, label: LabelName, version: number, workspaceId: string | null) =>
    api<PromptDetail>(`${base(key)}/labels/${label}`, {
      method: "PUT",
      body: { version, workspace_id: workspaceId },
    }),
  rollback: (key: string, label: LabelName, workspaceId: string | null) =>
    api<PromptDetail>(`${base(key)}/labels/${label}/rollback`, { method: "POST", body: { workspace_id: workspaceId } }),
  removeLabel: (key: string, label: LabelName, workspaceId: string | null) =>
    api<void>(`${base(key)}/labels/${label}`, { method: "DELETE", query: { workspace_id: workspaceId } }),
  stats: (key: string, workspaceId: string | null) =>
    api<Schemas["PromptStats"]>(`${base(key)}/stats`, { query: { workspace_id: workspaceId } }),
  playground: (key: string, body: Schemas["PlaygroundRun"]) =>
    api<PlaygroundResult>(`${base(key)}/playground`, { method: "POST", body }),
};

/** The label `name` that applies in a scope: the workspace's own, else the platform's. */
export function labelIn(labels: PromptLabel[], name: LabelName, workspaceId: string | null) {
  const own = labels.find((l) => l.label === name && l.workspace_id === workspaceId);
  if (own || workspaceId === null) return own ?? null;
  return labels.find((l) => l.label === name && l.workspace_id === null) ?? null;
}
