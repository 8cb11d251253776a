import { useCallback, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { isAbortError } from "../../lib/sse";
import { documentsApi, type Citation, type SummaryEvents, type SummaryInput } from "./api";
import { docKeys } from "./hooks";

export interface SummaryStreamState {
  running: boolean;
  text: string;
  mode: string | null;
  progress: SummaryEvents["progress"] | null;
  citations: Citation[];
  error: string | null;
  firstTokenMs: number | null;
}

const IDLE: SummaryStreamState = { running: false, text: "", mode: null, progress: null, citations: [], error: null, firstTokenMs: null };

/** Run one summary over SSE and follow it; stopping (or leaving the page) aborts, and the server keeps the
 * partial summary as interrupted. */
export function useSummaryStream(ws: string, documentId: string) {
  const qc = useQueryClient();
  const [state, setState] = useState<SummaryStreamState>(IDLE);
  const abort = useRef<AbortController | null>(null);

  const run = useCallback(
    async (body: SummaryInput) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setState({ ...IDLE, running: true });
      try {
        await documentsApi.summarize(ws, documentId, body, (m) => {
          const data = JSON.parse(m.data);
          setState((s) => {
            switch (m.event) {
              case "meta":
                return { ...s, mode: (data as SummaryEvents["meta"]).mode };
              case "progress":
                return { ...s, progress: data as SummaryEvents["progress"] };
              case "token":
                return { ...s, text: s.text + (data as SummaryEvents["token"]).text };
              case "done": {
                const done = data as SummaryEvents["done"];
                return { ...s, citations: done.citations, firstTokenMs: done.latency_ms.first_token ?? null };
              }
              case "error":
                return { ...s, error: (data as SummaryEvents["error"]).message };
              default:
                return s;
            }
          });
        }, controller.signal);
      } catch (err) {
        if (!isAbortError(err)) {
          setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
        }
      } finally {
        setState((s) => ({ ...s, running: false }));
        await qc.invalidateQueries({ queryKey: docKeys.summaries(ws, documentId) });
      }
    },
    [ws, documentId, qc],
  );

  const stop = useCallback(() => abort.current?.abort(), []);
  return { state, run, stop };
}
