/** The documents routes (backend/app/documents/router.py), kept with the feature. */
import { api, authFetch, buildUrl } from "../../api/client";
import type { Schemas } from "../../api/types";
import { streamSSE, type SSEMessage } from "../../lib/sse";

export type DocumentItem = Schemas["DocumentRead"];
export type DocumentText = Schemas["DocumentText"];
export type Summary = Schemas["SummaryRead"];
export type SummaryInput = Schemas["SummaryCreate"];
export type Citation = Schemas["CitationRead"];

/** SSE payloads of POST .../summaries, in stream order (OpenAPI does not describe event-stream frames). */
export interface SummaryEvents {
  meta: { summary_id: string; document_id: string; mode: Summary["mode"]; provider: string };
  progress: { stage: string; done: number; total: number; message: string };
  token: { text: string };
  done: { summary_id: string; status: Summary["status"]; latency_ms: Record<string, number>; usage: Record<string, number>; citations: Citation[] };
  error: { error: string; message: string };
}

/** Upload types the server reads (app/documents/extract.py TYPES). */
export const ACCEPTED = ".txt,.md,.markdown,.html,.htm,.pdf,.docx,.hwpx,.hwp,.csv,.xlsx";

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}/documents`;

function form(file: File): FormData {
  const body = new FormData();
  body.append("file", file);
  return body;
}

export const documentsApi = {
  list: (ws: string) => api<Schemas["DocumentList"]>(base(ws)),
  get: (ws: string, id: string) => api<DocumentItem>(`${base(ws)}/${id}`),
  upload: (ws: string, file: File) => api<DocumentItem>(base(ws), { method: "POST", body: form(file) }),
  replace: (ws: string, id: string, file: File) =>
    api<DocumentItem>(`${base(ws)}/${id}/file`, { method: "PUT", body: form(file) }),
  remove: (ws: string, id: string) => api<void>(`${base(ws)}/${id}`, { method: "DELETE" }),
  text: (ws: string, id: string, page?: number | null) =>
    api<DocumentText>(`${base(ws)}/${id}/text`, { query: { page: page ?? undefined } }),
  summaries: (ws: string, id: string) => api<Schemas["SummaryList"]>(`${base(ws)}/${id}/summaries`),
  /** Stream a summary; each SSE message is handed to onEvent. */
  summarize: (ws: string, id: string, body: SummaryInput, onEvent: (m: SSEMessage) => void, signal: AbortSignal) =>
    streamSSE(
      buildUrl(`${base(ws)}/${id}/summaries`),
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
      { fetchImpl: authFetch, signal, onEvent },
    ),
};
