import { useEffect, useRef } from "react";
import { useI18n } from "../../lib/i18n";
import type { UiMessage } from "./hooks";
import { MessageItem, type MessageActions } from "./MessageItem";

/** The conversation; keeps the newest message in view while an answer streams in. */
/** `linkHosts`: the workspace's `profile.link_hosts`, the only hosts whose links in answers are clickable. */
export function MessageList({
  messages,
  busy,
  actions,
  linkHosts = [],
}: {
  messages: UiMessage[];
  busy: boolean;
  actions: MessageActions;
  linkHosts?: readonly string[];
}) {
  const { t } = useI18n();
  const end = useRef<HTMLDivElement>(null);
  const lastAssistant = [...messages].reverse().find((m) => m.role === "assistant");
  const lastLen = messages.length ? messages[messages.length - 1].content.length : 0;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages.length, lastLen]);
  return (
    <div className="messages">
      <ol className="message-list" aria-label={t("chat.messages")}>
        {messages.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            isLast={m === lastAssistant}
            busy={busy}
            actions={actions}
            linkHosts={linkHosts}
          />
        ))}
      </ol>
      <div ref={end} />
    </div>
  );
}
