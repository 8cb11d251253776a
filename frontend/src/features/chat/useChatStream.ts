import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { chatApi } from "../../api/endpoints";
import type { ItemList, StreamEvents } from "../../api/types";
import { isAbortError } from "../../lib/sse";
import { useI18n } from "../../lib/i18n";
import { chatKeys, type UiMessage } from "./hooks";

let tempCounter = 0;

function blank(role: UiMessage["role"], content: string): UiMessage {
  tempCounter += 1;
  return {
    id: `tmp-${role}-${tempCounter}`,
    role,
    reply_to_id: null,
    content,
    sources: [],
    followups: [],
    refused: false,
    status: "complete",
    feedback: null,
    standalone_query: null,
    latency_ms: {},
    prompt_versions: {},
    created_at: new Date().toISOString(),
  };
}

/**
 * Send a question and stream the answer into the messages cache of the session, token by token.
 * Creates the session first when there is none. Stop aborts the fetch (the server keeps the
 * partial answer as `interrupted`).
 */
export function useChatStream(ws: string, sid: string | undefined) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { t } = useI18n();
  const controller = useRef<AbortController | null>(null);
  const [streaming, setStreaming] = useState(false);

  useEffect(() => () => controller.current?.abort(), []);

  const send = useCallback(
    async (content: string, followupEntryId?: string | null) => {
      const text = content.trim();
      if (!text || controller.current) return;
      const abort = new AbortController();
      controller.current = abort;
      setStreaming(true);

      let sessionId = sid;
      const user = blank("user", text);
      const assistant: UiMessage = { ...blank("assistant", ""), streaming: true };
      let assistantId = assistant.id;
      let userId = user.id;

      const key = () => chatKeys.messages(ws, sessionId!);
      const update = (fn: (items: UiMessage[]) => UiMessage[]) =>
        qc.setQueryData<ItemList<UiMessage>>(key(), (old) => ({ items: fn(old?.items ?? []) }));
      const patchAssistant = (patch: Partial<UiMessage> | ((m: UiMessage) => Partial<UiMessage>)) =>
        update((items) =>
          items.map((m) => (m.id === assistantId ? { ...m, ...(typeof patch === "function" ? patch(m) : patch) } : m)),
        );

      try {
        if (!sessionId) {
          const session = await chatApi.createSession(ws, text.slice(0, 60));
          sessionId = session.id;
          qc.setQueryData<ItemList<UiMessage>>(key(), { items: [] });
          void qc.invalidateQueries({ queryKey: chatKeys.sessions(ws) });
          navigate(`/w/${ws}/chat/${session.id}`, { replace: false });
        }
        update((items) => [...items, user, assistant]);

        let finished = false;
        await chatApi.stream(
          ws,
          sessionId,
          { content: text, followup_entry_id: followupEntryId },
          (msg) => {
            let data: unknown;
            try {
              data = JSON.parse(msg.data);
            } catch {
              return;
            }
            switch (msg.event) {
              case "meta": {
                const d = data as StreamEvents["meta"];
                const oldUser = userId;
                const oldAssistant = assistantId;
                userId = d.user_message_id ?? userId;
                assistantId = d.assistant_message_id ?? assistantId;
                // Both sides of the exchange are stored with the standalone query, as GET .../messages returns them.
                const standalone_query = d.standalone_query ?? null;
                update((items) =>
                  items.map((m) =>
                    m.id === oldUser
                      ? { ...m, id: userId, standalone_query }
                      : m.id === oldAssistant
                        ? { ...m, id: assistantId, standalone_query }
                        : m,
                  ),
                );
                break;
              }
              case "sources":
                patchAssistant({ sources: (data as StreamEvents["sources"]).sources ?? [] });
                break;
              case "token":
                patchAssistant((m) => ({ content: m.content + ((data as StreamEvents["token"]).text ?? "") }));
                break;
              case "followups":
                patchAssistant({ followups: (data as StreamEvents["followups"]).followups ?? [] });
                break;
              case "done": {
                const d = data as StreamEvents["done"];
                finished = true;
                const oldAssistant = assistantId;
                assistantId = d.message_id ?? assistantId;
                update((items) =>
                  items.map((m) =>
                    m.id === oldAssistant
                      ? {
                          ...m,
                          id: assistantId,
                          refused: Boolean(d.refused),
                          latency_ms: d.latency_ms ?? {},
                          streaming: false,
                          status: "complete",
                        }
                      : m,
                  ),
                );
                break;
              }
              case "error": {
                const d = data as StreamEvents["error"];
                finished = true;
                patchAssistant({ streaming: false, error: t("chat.streamError", { message: d.message || d.error }) });
                break;
              }
            }
          },
          abort.signal,
        );
        if (!finished) {
          patchAssistant({ streaming: false, status: "interrupted", error: t("chat.streamError", { message: "connection closed" }) });
        }
      } catch (err) {
        if (isAbortError(err)) {
          if (sessionId) patchAssistant({ streaming: false, status: "interrupted" });
        } else {
          const message = err instanceof Error ? err.message : String(err);
          if (sessionId) {
            patchAssistant({ streaming: false, error: t("chat.streamError", { message }) });
          } else {
            throw err;
          }
        }
      } finally {
        if (controller.current === abort) controller.current = null;
        setStreaming(false);
        void qc.invalidateQueries({ queryKey: chatKeys.sessions(ws) });
      }
    },
    [qc, ws, sid, navigate, t],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  return { send, stop, streaming };
}
