/** Fold the generation's SSE messages into the sections as they are written (pure, unit-tested). */
import type { SSEMessage } from "../../lib/sse";

export interface StreamedSection {
  key: string;
  title: string;
  kind: string;
  text: string;
  sources: { entry_id: string; question: string }[];
}

export interface GenerationState {
  documentId: string | null;
  sections: StreamedSection[];
  done: boolean;
  error: string | null;
}

export const initialGeneration: GenerationState = { documentId: null, sections: [], done: false, error: null };

export function applyEvent(state: GenerationState, message: SSEMessage): GenerationState {
  const data = JSON.parse(message.data) as Record<string, unknown>;
  const update = (key: string, fn: (s: StreamedSection) => StreamedSection) => ({
    ...state,
    sections: state.sections.map((s) => (s.key === key ? fn(s) : s)),
  });
  switch (message.event) {
    case "section": {
      const section: StreamedSection = { key: String(data.key), title: String(data.title), kind: String(data.kind),
                                         text: "", sources: [] };
      return { ...state, documentId: String(data.document_id),
               sections: [...state.sections.filter((s) => s.key !== section.key), section] };
    }
    case "sources":
      return update(String(data.key), (s) => ({ ...s, sources: data.sources as StreamedSection["sources"] }));
    case "token":
      return update(String(data.key), (s) => ({ ...s, text: s.text + String(data.text) }));
    case "done":
      return { ...state, documentId: String(data.document_id), done: true };
    case "error":
      return { ...state, done: true, error: String(data.message) };
    default:
      return state;
  }
}
