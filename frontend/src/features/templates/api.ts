/** Templates, generation (SSE) and generated documents: one function per route of backend/app/templates. */
import { api, authFetch, buildUrl } from "../../api/client";
import type { Schemas } from "../../api/types";
import { streamSSE, type SSEMessage } from "../../lib/sse";

export type Template = Schemas["TemplateRead"];
export type TemplateInput = Schemas["TemplateCreate"];
export type FieldDef = Schemas["TemplateFieldDef"];
export type SectionDef = Schemas["TemplateSectionDef"];
export type GeneratedDocument = Schemas["GeneratedDocumentRead"];
export type DocumentSummary = Schemas["GeneratedDocumentSummary"];
export type GeneratedSection = Schemas["GeneratedSectionRead"];
export type Revision = Schemas["GeneratedRevisionRead"];
export type Version = Schemas["TemplateVersionRead"];
export type FieldValue = string | number | null;
export type ExportFormat = "docx" | "hwpx" | "md";

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

export const templatesApi = {
  list: (id: string) => api<Schemas["TemplateList"]>(`${ws(id)}/templates`),
  get: (id: string, tid: string) => api<Template>(`${ws(id)}/templates/${tid}`),
  create: (id: string, body: TemplateInput) => api<Template>(`${ws(id)}/templates`, { method: "POST", body }),
  update: (id: string, tid: string, body: Partial<TemplateInput>) =>
    api<Template>(`${ws(id)}/templates/${tid}`, { method: "PATCH", body }),
  remove: (id: string, tid: string) => api<void>(`${ws(id)}/templates/${tid}`, { method: "DELETE" }),
  versions: (id: string, tid: string) => api<Schemas["TemplateVersionList"]>(`${ws(id)}/templates/${tid}/versions`),
  uploadLayout: (id: string, tid: string, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return api<Template>(`${ws(id)}/templates/${tid}/layout`, { method: "PUT", body: form });
  },
  removeLayout: (id: string, tid: string) => api<Template>(`${ws(id)}/templates/${tid}/layout`, { method: "DELETE" }),
  /** Generate a document; each SSE message goes to onEvent. Rejects with SSEError (422 names the field). */
  generate: (id: string, tid: string, body: { values: Record<string, FieldValue>; title?: string },
             onEvent: (m: SSEMessage) => void, signal: AbortSignal) =>
    streamSSE(buildUrl(`${ws(id)}/templates/${tid}/generate`),
              { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
              { fetchImpl: authFetch, signal, onEvent }),
  regenerate: (id: string, did: string, key: string, onEvent: (m: SSEMessage) => void, signal: AbortSignal) =>
    streamSSE(buildUrl(`${ws(id)}/generated-documents/${did}/sections/${key}/regenerate`), { method: "POST" },
              { fetchImpl: authFetch, signal, onEvent }),
};

export const documentsApi = {
  list: (id: string, templateId?: string) =>
    api<Schemas["GeneratedDocumentList"]>(`${ws(id)}/generated-documents`, { query: { template_id: templateId } }),
  get: (id: string, did: string) => api<GeneratedDocument>(`${ws(id)}/generated-documents/${did}`),
  update: (id: string, did: string, body: Schemas["GeneratedDocumentUpdate"]) =>
    api<GeneratedDocument>(`${ws(id)}/generated-documents/${did}`, { method: "PATCH", body }),
  remove: (id: string, did: string) => api<void>(`${ws(id)}/generated-documents/${did}`, { method: "DELETE" }),
  revisions: (id: string, did: string) =>
    api<Schemas["GeneratedRevisionList"]>(`${ws(id)}/generated-documents/${did}/revisions`),
  /** Fetch the exported file (with the token) and hand it to the browser as a download. */
  download: async (id: string, did: string, format: ExportFormat, title: string) => {
    const res = await authFetch(buildUrl(`${ws(id)}/generated-documents/${did}/export`, { format }));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = `${title}.${format}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
