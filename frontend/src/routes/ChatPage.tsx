import { useCallback, useEffect, useMemo } from "react";
import { useParams } from "react-router-dom";
import type { Feedback, Followup } from "../api/types";
import { EmptyState } from "../components/ui/EmptyState";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { ChatIcon } from "../components/ui/icons";
import { Composer } from "../features/chat/Composer";
import { FollowupChips } from "../features/chat/FollowupChips";
import { useFeedback, useMessages, useStarters } from "../features/chat/hooks";
import { MessageList } from "../features/chat/MessageList";
import { useChatStream } from "../features/chat/useChatStream";
import { useSettings } from "../features/workspaces/hooks";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";

const NO_HOSTS: string[] = [];

export function ChatPage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const { sessionId } = useParams();
  const messagesQuery = useMessages(ws.id, sessionId);
  const { send, stop, streaming } = useChatStream(ws.id, sessionId);
  const feedback = useFeedback(ws.id, sessionId);
  // Until the settings arrive no link is clickable (the safe default).
  const linkHosts = useSettings(ws.id).data?.profile.link_hosts ?? NO_HOSTS;
  const messages = useMemo(() => messagesQuery.data?.items ?? [], [messagesQuery.data]);

  // Escape stops a streaming answer wherever the focus is.
  useEffect(() => {
    if (!streaming) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") stop();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [streaming, stop]);

  const ask = useCallback(
    (text: string, followupId?: string | null) => {
      send(text, followupId).catch((err: Error) => toast.show(err.message, "error"));
    },
    [send, toast],
  );

  const actions = useMemo(
    () => ({
      onFollowup: (f: Followup) => ask(f.question, f.entry_id),
      onFeedback: (messageId: string, rating: Feedback) =>
        feedback.mutate({ messageId, rating }, { onError: (err) => toast.show(err.message, "error") }),
      onCopy: (text: string) => {
        navigator.clipboard
          ?.writeText(text)
          .then(() => toast.show(t("common.copied"), "success"))
          .catch(() => toast.show(t("common.error"), "error"));
      },
      onRegenerate: () => {
        const lastUser = [...messages].reverse().find((m) => m.role === "user");
        if (lastUser) ask(lastUser.content);
      },
    }),
    [ask, feedback, messages, t, toast],
  );

  const loading = Boolean(sessionId) && messagesQuery.isPending;
  const empty = !loading && messages.length === 0;
  const starters = useStarters(ws.id, empty).data ?? [];

  return (
    <div className="chat">
      <header className="page-head chat-head">
        <h1 className="page-title">{ws.name}</h1>
      </header>
      <div className="chat-scroll">
        {loading ? (
          <div className="chat-column">
            <Skeleton lines={6} label={t("common.loading")} />
          </div>
        ) : messagesQuery.isError ? (
          <div className="chat-column">
            <ErrorNote>{messagesQuery.error.message}</ErrorNote>
          </div>
        ) : empty ? (
          <div className="chat-column">
            <EmptyState
              icon={<ChatIcon />}
              title={t("chat.emptyTitle")}
              hint={t("chat.emptyHint", { name: ws.name })}
            />
            <FollowupChips
              followups={starters}
              label={t("chat.starters")}
              onPick={(f) => ask(f.question, f.entry_id)}
              disabled={streaming}
            />
          </div>
        ) : (
          <div className="chat-column">
            <MessageList messages={messages} busy={streaming} actions={actions} linkHosts={linkHosts} />
          </div>
        )}
      </div>
      <div className="chat-footer">
        <div className="chat-column">
          <Composer onSend={(text) => ask(text)} onStop={stop} streaming={streaming} />
        </div>
      </div>
    </div>
  );
}
