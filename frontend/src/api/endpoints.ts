/** One function per API route in docs/contract.md. */
import { api, authFetch, buildUrl } from "./client";
import { streamSSE, type SSEMessage } from "../lib/sse";
import type {
  ChatSession,
  Dashboard,
  Quota,
  Exchange,
  Feedback,
  Invitation,
  Job,
  KnowledgeEntry,
  KnowledgeInput,
  KnowledgeUpdate,
  Me,
  Member,
  ModelList,
  Role,
  Schemas,
  SettingsPatch,
  TokenPair,
  Workspace,
  WorkspaceSettings,
} from "./types";

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

export const authApi = {
  login: (email: string, password: string) =>
    api<TokenPair>("/auth/login", { method: "POST", body: { email, password }, anonymous: true }),
  logout: (refresh_token: string) =>
    api<void>("/auth/logout", { method: "POST", body: { refresh_token }, anonymous: true }),
  me: () => api<Me>("/users/me"),
  changePassword: (current_password: string, new_password: string) =>
    api<TokenPair>("/users/me/password", { method: "POST", body: { current_password, new_password } }),
  signup: (token: string, name: string, password: string) =>
    api<TokenPair>("/auth/signup", { method: "POST", body: { token, name, password }, anonymous: true }),
  resetPassword: (token: string, new_password: string) =>
    api<void>("/auth/password-reset", { method: "POST", body: { token, new_password }, anonymous: true }),
};

export const workspaceApi = {
  list: () => api<Schemas["WorkspaceList"]>("/workspaces"),
  get: (id: string) => api<Workspace>(ws(id)),
  create: (name: string) => api<Workspace>("/workspaces", { method: "POST", body: { name } }),
  rename: (id: string, name: string) => api<Workspace>(ws(id), { method: "PATCH", body: { name } }),
  remove: (id: string) => api<void>(ws(id), { method: "DELETE" }),
  members: (id: string) => api<Schemas["MemberList"]>(`${ws(id)}/members`),
  invitations: (id: string) => api<Schemas["InvitationList"]>(`${ws(id)}/invitations`),
  invite: (id: string, email: string, role: Role) =>
    api<Invitation>(`${ws(id)}/invitations`, { method: "POST", body: { email, role } }),
  revokeInvitation: (id: string, invitationId: string) =>
    api<void>(`${ws(id)}/invitations/${invitationId}`, { method: "DELETE" }),
  setRole: (id: string, userId: string, role: Role) =>
    api<Member>(`${ws(id)}/members/${userId}`, { method: "PATCH", body: { role } }),
  removeMember: (id: string, userId: string) => api<void>(`${ws(id)}/members/${userId}`, { method: "DELETE" }),
  settings: (id: string) => api<WorkspaceSettings>(`${ws(id)}/settings`),
  patchSettings: (id: string, patch: SettingsPatch) =>
    api<WorkspaceSettings>(`${ws(id)}/settings`, { method: "PATCH", body: patch }),
};

/** Invitations addressed to the signed-in user's email. */
export const invitationApi = {
  mine: () => api<Schemas["MyInvitationList"]>("/invitations"),
  accept: (invitationId: string) => api<Workspace>(`/invitations/${invitationId}/accept`, { method: "POST" }),
  decline: (invitationId: string) => api<void>(`/invitations/${invitationId}/decline`, { method: "POST" }),
  /** Invite links: where one leads (no login needed), and joining through it as the invited account. */
  preview: (token: string) =>
    api<Schemas["InvitePreview"]>("/invitations/preview", { method: "POST", body: { token }, anonymous: true }),
  redeem: (token: string) => api<Workspace>("/invitations/redeem", { method: "POST", body: { token } }),
};

export interface KnowledgeQuery {
  q?: string;
  category?: string;
  offset?: number;
  limit?: number;
}

export const knowledgeApi = {
  list: (id: string, query: KnowledgeQuery) =>
    api<Schemas["EntryList"]>(`${ws(id)}/knowledge`, { query: { ...query } }),
  categories: (id: string) => api<Schemas["CategoryList"]>(`${ws(id)}/knowledge/categories`),
  get: (id: string, entryId: string) => api<KnowledgeEntry>(`${ws(id)}/knowledge/${entryId}`),
  create: (id: string, body: KnowledgeInput) =>
    api<KnowledgeEntry>(`${ws(id)}/knowledge`, { method: "POST", body }),
  update: (id: string, entryId: string, body: KnowledgeUpdate) =>
    api<KnowledgeEntry>(`${ws(id)}/knowledge/${entryId}`, { method: "PATCH", body }),
  remove: (id: string, entryId: string) => api<void>(`${ws(id)}/knowledge/${entryId}`, { method: "DELETE" }),
  importFile: (id: string, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return api<Job>(`${ws(id)}/knowledge/import`, { method: "POST", body: form });
  },
  reembed: (id: string) => api<Job>(`${ws(id)}/knowledge/reembed`, { method: "POST" }),
  job: (id: string, jobId: string) => api<Job>(`${ws(id)}/jobs/${jobId}`),
};

export const jobsApi = {
  list: (id: string, query: { kind?: string; status?: string; limit?: number } = {}) =>
    api<Schemas["JobList"]>(`${ws(id)}/jobs`, { query: { ...query } }),
  cancel: (id: string, jobId: string) => api<Job>(`${ws(id)}/jobs/${jobId}/cancel`, { method: "POST" }),
  retry: (id: string, jobId: string) => api<Job>(`${ws(id)}/jobs/${jobId}/retry`, { method: "POST" }),
};

export const chatApi = {
  sessions: (id: string, q?: string) => api<Schemas["SessionList"]>(`${ws(id)}/chat/sessions`, { query: { q } }),
  createSession: (id: string, title?: string) =>
    api<ChatSession>(`${ws(id)}/chat/sessions`, { method: "POST", body: title ? { title } : {} }),
  renameSession: (id: string, sid: string, title: string) =>
    api<ChatSession>(`${ws(id)}/chat/sessions/${sid}`, { method: "PATCH", body: { title } }),
  deleteSession: (id: string, sid: string) => api<void>(`${ws(id)}/chat/sessions/${sid}`, { method: "DELETE" }),
  messages: (id: string, sid: string) => api<Schemas["MessageList"]>(`${ws(id)}/chat/sessions/${sid}/messages`),
  starters: (id: string) => api<Schemas["StarterList"]>(`${ws(id)}/chat/starters`),
  ask: (id: string, sid: string, content: string, followup_entry_id?: string | null) =>
    api<Exchange>(`${ws(id)}/chat/sessions/${sid}/messages`, {
      method: "POST",
      query: { stream: "false" },
      body: followup_entry_id ? { content, followup_entry_id } : { content },
    }),
  /** Stream an answer; each SSE message is handed to onEvent. Rejects with SSEError or AbortError. */
  stream: (
    id: string,
    sid: string,
    body: { content: string; followup_entry_id?: string | null },
    onEvent: (m: SSEMessage) => void,
    signal: AbortSignal,
  ) =>
    streamSSE(
      buildUrl(`${ws(id)}/chat/sessions/${sid}/messages`),
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body.followup_entry_id ? body : { content: body.content }),
      },
      // A 503 (overloaded) means the server saved nothing, so asking again cannot duplicate the question;
      // any other failure is not retried.
      { fetchImpl: authFetch, signal, onEvent, retries: 2, retryable: (failure) => failure === 503 },
    ),
  feedback: (id: string, messageId: string, rating: Feedback) =>
    api<void>(`${ws(id)}/chat/messages/${messageId}/feedback`, { method: "POST", body: { rating } }),
};

export const modelsApi = {
  list: () => api<ModelList>("/models"),
};

export const adminApi = {
  users: () => api<Schemas["AdminUserList"]>("/admin/users"),
  workspaces: () => api<Schemas["AdminWorkspaceList"]>("/admin/workspaces"),
  usage: () => api<Schemas["UsageList"]>("/admin/usage"),
  jobs: () => api<Schemas["AdminJobList"]>("/admin/jobs", { query: { limit: 100 } }),
  dashboard: (period: Period) => api<Dashboard>("/admin/dashboard", { query: { ...period } }),
  setActive: (userId: string, is_active: boolean) =>
    api<Schemas["AdminUserRead"]>(`/admin/users/${userId}`, { method: "PATCH", body: { is_active } }),
  resetPassword: (userId: string) =>
    api<Schemas["PasswordResetIssued"]>(`/admin/users/${userId}/password-reset`, { method: "POST" }),
  quota: (wsId: string) => api<Quota>(`/admin/workspaces/${wsId}/quota`),
  setQuota: (wsId: string, body: Schemas["QuotaUpdate"]) =>
    api<Quota>(`/admin/workspaces/${wsId}/quota`, { method: "PUT", body }),
};

export interface Period {
  start?: string;
  end?: string;
}

/** A workspace's dashboard, quota usage and review queue (owners; editors too for the review queue; admins). */
export const dashboardApi = {
  get: (id: string, period: Period) => api<Dashboard>(`${ws(id)}/dashboard`, { query: { ...period } }),
  quota: (id: string) => api<Quota>(`${ws(id)}/quota`),
  review: (id: string) => api<Schemas["ReviewList"]>(`${ws(id)}/review`, { query: { limit: 50 } }),
  addAlias: (id: string, messageId: string, entryId: string) =>
    api<Schemas["AliasAdded"]>(`${ws(id)}/review/${messageId}/alias`, { method: "POST", body: { entry_id: entryId } }),
};
