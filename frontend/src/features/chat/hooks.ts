import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { chatApi } from "../../api/endpoints";
import type { ChatMessage, Feedback, ItemList } from "../../api/types";

/** A message as the UI holds it: server fields plus local streaming state. */
export interface UiMessage extends ChatMessage {
  streaming?: boolean;
  /** Inline error of this exchange (the conversation stays). */
  error?: string | null;
}

export const chatKeys = {
  sessions: (ws: string) => ["chat", ws, "sessions"] as const,
  sessionSearch: (ws: string, q: string) => ["chat", ws, "sessions", q] as const,
  messages: (ws: string, sid: string) => ["chat", ws, "messages", sid] as const,
  starters: (ws: string) => ["chat", ws, "starters"] as const,
};

/** Questions to start a conversation with, each tied to its knowledge entry (the empty chat offers them). */
export function useStarters(ws: string, enabled: boolean) {
  return useQuery({
    queryKey: chatKeys.starters(ws),
    queryFn: () => chatApi.starters(ws),
    select: (d) => d.items,
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useSessions(ws: string, q: string) {
  return useQuery({
    queryKey: chatKeys.sessionSearch(ws, q),
    queryFn: () => chatApi.sessions(ws, q || undefined),
    select: (d) => d.items,
    placeholderData: (prev) => prev,
  });
}

export function useMessages(ws: string, sid: string | undefined) {
  return useQuery({
    queryKey: chatKeys.messages(ws, sid ?? "none"),
    queryFn: () => chatApi.messages(ws, sid!) as Promise<ItemList<UiMessage>>,
    enabled: Boolean(sid),
    // The stream writes into this cache entry; a background refetch must not clobber it.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useSessionMutations(ws: string) {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: chatKeys.sessions(ws) });
  return {
    rename: useMutation({
      mutationFn: ({ sid, title }: { sid: string; title: string }) => chatApi.renameSession(ws, sid, title),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (sid: string) => chatApi.deleteSession(ws, sid),
      onSuccess: (_d, sid) => {
        qc.removeQueries({ queryKey: chatKeys.messages(ws, sid) });
        return invalidate();
      },
    }),
  };
}

export function useFeedback(ws: string, sid: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, rating }: { messageId: string; rating: Feedback }) =>
      chatApi.feedback(ws, messageId, rating),
    onMutate: ({ messageId, rating }) => {
      if (!sid) return;
      qc.setQueryData<ItemList<UiMessage>>(chatKeys.messages(ws, sid), (old) =>
        old ? { items: old.items.map((m) => (m.id === messageId ? { ...m, feedback: rating } : m)) } : old,
      );
    },
  });
}
