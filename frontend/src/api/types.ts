/**
 * API types written by hand from docs/contract.md.
 * `npm run client` writes the generated OpenAPI types to src/api/schema.d.ts; nothing imports that
 * file yet, so the build never depends on a running backend. Swap these aliases for
 * `components["schemas"][...]` once the backend schema is stable.
 */

export type Role = "owner" | "editor" | "member";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  is_admin: boolean;
  is_active: boolean;
}

export interface Workspace {
  id: string;
  name: string;
  slug: string;
  role: Role;
  created_at: string;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
}

export type Strictness = "low" | "medium" | "high";

export interface WorkspaceSettings {
  profile: { display_name: string; persona: string; refusal_message: string; language: string };
  qa: {
    chat_provider: string;
    chat_model: string;
    temperature: number;
    history_turns: number;
    followup_count: number;
    offtopic_strictness: Strictness;
  };
  retrieval: {
    embedding_provider: string;
    embedding_model: string;
    top_k: number;
    score_threshold: number;
    hybrid_weight: number;
    query_expansion: boolean;
    question_types: boolean;
    llm_rerank: boolean;
  };
}

export type SettingsPatch = {
  [S in keyof WorkspaceSettings]?: Partial<WorkspaceSettings[S]>;
};

export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  category: string | null;
  related: string[];
  created_at: string;
  updated_at: string;
}

export interface KnowledgeInput {
  question: string;
  answer: string;
  category?: string | null;
  related?: string[];
}

export interface Category {
  name: string;
  count: number;
}

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
/** What an import job's progress counts: entries being indexed, then answer pieces being embedded. */
export type JobStage = "indexing" | "embedding_answers";

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  progress: { processed: number; total: number; stage?: JobStage | null } | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  cancel_requested?: boolean;
}

export interface AdminJob extends Job {
  workspace_name: string | null;
}

export interface ChatSession {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

export interface Source {
  entry_id: string;
  question: string;
  category: string | null;
  score: number;
  /** Fused rank score (a sum of z-scores over the candidates; relative, not 0..1). */
  rank_score?: number;
}

export interface Followup {
  question: string;
  entry_id: string | null;
}

export type Feedback = -1 | 0 | 1;

export interface ChatMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  sources: Source[];
  followups: Followup[];
  refused: boolean;
  status: "complete" | "interrupted" | string;
  feedback: Feedback | null;
  created_at: string;
}

export interface Exchange {
  user_message: ChatMessage;
  assistant_message: ChatMessage;
}

/** SSE payloads of POST .../messages, in stream order. */
export interface StreamEvents {
  meta: { session_id: string; user_message_id: string; assistant_message_id: string; standalone_query: string };
  sources: { sources: Source[] };
  token: { text: string };
  followups: { followups: Followup[] };
  done: {
    message_id: string;
    refused: boolean;
    latency_ms: { retrieval?: number; first_token?: number; total?: number };
    usage: { prompt_tokens?: number; completion_tokens?: number };
  };
  error: { error: string; message: string };
}

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  is_admin: boolean;
  is_active: boolean;
  created_at: string;
  workspaces?: number;
}

export interface AdminWorkspace {
  id: string;
  name: string;
  slug: string;
  created_at: string;
  members?: number;
  entries?: number;
}

export interface UsageRow {
  workspace_id: string;
  workspace_name: string;
  messages: number;
  refusals: number;
  feedback_up: number;
  feedback_down: number;
  prompt_tokens: number;
  completion_tokens: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface ItemList<T> {
  items: T[];
}

export interface Page<T> extends ItemList<T> {
  total: number;
}
