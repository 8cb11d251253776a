import { useCallback, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { SSEError, isAbortError, type SSEMessage } from "../../lib/sse";
import { applyEvent, initialGeneration, type GenerationState } from "./streaming";
import { tplKeys } from "./hooks";

/** Run a generation stream (a whole document or one section) and keep its state as events arrive. */
export function useGeneration(ws: string) {
  const qc = useQueryClient();
  const [state, setState] = useState<GenerationState>(initialGeneration);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const run = useCallback(async (start: (onEvent: (m: SSEMessage) => void, signal: AbortSignal) => Promise<void>) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setState(initialGeneration);
    setRunning(true);
    try {
      await start((m) => setState((s) => applyEvent(s, m)), controller.signal);
    } catch (err) {
      if (!isAbortError(err)) {
        const message = err instanceof SSEError ? err.message : String(err);
        setState((s) => ({ ...s, done: true, error: message }));
      }
    } finally {
      setRunning(false);
      qc.invalidateQueries({ queryKey: tplKeys.documents(ws) });
    }
  }, [qc, ws]);

  return { state, running, run, stop: () => abort.current?.abort() };
}
