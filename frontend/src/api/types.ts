/**
 * The SPA's names for the API's types, all taken from the generated `schema.d.ts` (`make client` writes it
 * from the backend's OpenAPI, committed as `frontend/openapi.json`). Nothing here restates a field: a change
 * to a backend schema reaches the SPA as a type error after `make client`.
 */
import type { components } from "./schema";

export type Schemas = components["schemas"];

export type TokenPair = Schemas["TokenPair"];
export type Me = Schemas["UserRead"];

export type Workspace = Schemas["WorkspaceRead"];
export type Member = Schemas["MemberRead"];
export type Role = Member["role"];
export type Invitation = Schemas["InvitationRead"];
export type MyInvitation = Schemas["MyInvitationRead"];

export type WorkspaceSettings = Schemas["WorkspaceSettingsRead"];
export type Strictness = WorkspaceSettings["qa"]["offtopic_strictness"];
/** PATCH .../settings takes any subset of each section's fields. */
export type SettingsPatch = {
  [S in keyof WorkspaceSettings]?: Partial<WorkspaceSettings[S]>;
};

/** One entry of GET /models: the model catalogue as workspace settings may choose from it. */
export type ModelInfo = Schemas["ModelRead"];
export type ModelList = Schemas["ModelList"];

export type KnowledgeEntry = Schemas["EntryRead"];
export type KnowledgeInput = Schemas["EntryCreate"];
export type KnowledgeUpdate = Schemas["EntryUpdate"];
export type Category = Schemas["CategoryCount"];

export type Job = Schemas["JobRead"];
export type AdminJob = Schemas["AdminJobRead"];
/** What an import job's progress counts: entries being indexed, then answer pieces being embedded. */
export type JobStage = "indexing" | "embedding_answers";

export type Dashboard = Schemas["DashboardRead"];
export type Quota = Schemas["QuotaRead"];
export type ReviewItem = Schemas["ReviewItem"];

export type ChatSession = Schemas["SessionRead"];
export type ChatMessage = Schemas["MessageRead"];
export type Source = Schemas["SourceRead"];
export type Followup = Schemas["FollowupRead"];
export type Feedback = Schemas["FeedbackCreate"]["rating"];
export type Exchange = Schemas["ExchangeRead"];

/**
 * SSE payloads of POST .../messages, in stream order. OpenAPI does not describe the frames of an event stream,
 * so only their envelopes are written here; every field they share with a stored message is the generated type.
 */
export interface StreamEvents {
  meta: {
    session_id: string;
    user_message_id: string;
    assistant_message_id: string;
    standalone_query: string;
  };
  sources: { sources: Source[] };
  token: { text: string };
  followups: { followups: Followup[] };
  done: {
    message_id: string;
    refused: ChatMessage["refused"];
    latency_ms: ChatMessage["latency_ms"];
    usage: { prompt_tokens?: number; completion_tokens?: number };
  };
  error: { error: string; message: string };
}

export type AdminUser = Schemas["AdminUserRead"];
export type AdminWorkspace = Schemas["AdminWorkspaceRead"];
export type UsageRow = Schemas["UsageRow"];

/** The `{items}` shape of every list route, for query-cache data the SPA extends (e.g. streaming messages). */
export interface ItemList<T> {
  items: T[];
}
