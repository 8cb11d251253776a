import type { Feedback, Followup } from "../../api/types";
import { IconButton } from "../../components/ui/IconButton";
import { AlertIcon, CopyIcon, RefreshIcon, ThumbDownIcon, ThumbUpIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";
import { Markdown } from "../../lib/markdown";
import { FollowupChips } from "./FollowupChips";
import type { UiMessage } from "./hooks";
import { SourceList } from "./SourceList";

export interface MessageActions {
  onFollowup: (f: Followup) => void;
  onFeedback: (messageId: string, rating: Feedback) => void;
  onCopy: (text: string) => void;
  onRegenerate: () => void;
}

export function MessageItem({
  message,
  isLast,
  busy,
  actions,
  linkHosts = [],
}: {
  message: UiMessage;
  isLast: boolean;
  busy: boolean;
  actions: MessageActions;
  linkHosts?: readonly string[];
}) {
  const { t } = useI18n();
  if (message.role === "user") {
    return (
      <li className="msg msg-user">
        <article aria-label={t("chat.you")}>
          <div className="bubble">{message.content}</div>
        </article>
      </li>
    );
  }

  const persisted = !message.id.startsWith("tmp-");
  const waiting = message.streaming && message.content === "";
  const rate = (r: Feedback) => actions.onFeedback(message.id, message.feedback === r ? 0 : r);
  const classes = ["msg", "msg-assistant", message.refused ? "is-refused" : "", message.error ? "has-error" : ""];

  return (
    <li className={classes.filter(Boolean).join(" ")} data-refused={message.refused || undefined}>
      <article aria-label={t("chat.assistant")} aria-busy={message.streaming || undefined}>
        <div className="avatar" aria-hidden="true">
          {message.refused ? "!" : "상"}
        </div>
        <div className="msg-body">
          {message.refused && (
            <p className="refusal-badge">
              <AlertIcon /> {t("chat.refused")}
            </p>
          )}
          {waiting ? (
            <p className="thinking">
              <span className="dots" aria-hidden="true">
                <i />
                <i />
                <i />
              </span>
              {t("chat.thinking")}
            </p>
          ) : (
            <div className={`answer ${message.streaming ? "is-streaming" : ""}`}>
              <Markdown text={message.content} linkHosts={linkHosts} />
            </div>
          )}
          {message.status === "interrupted" && !message.error && <p className="muted small">{t("chat.stopped")}</p>}
          {message.error && (
            <p className="error-note" role="alert">
              {message.error}
            </p>
          )}
          <SourceList sources={message.sources ?? []} />
          {!message.streaming && (
            <FollowupChips followups={message.followups ?? []} onPick={actions.onFollowup} disabled={busy} />
          )}
          {!message.streaming && (
            <div className="msg-actions">
              <IconButton label={t("chat.copy")} onClick={() => actions.onCopy(message.content)}>
                <CopyIcon />
              </IconButton>
              {persisted && (
                <>
                  <IconButton
                    label={t("chat.thumbsUp")}
                    aria-pressed={message.feedback === 1}
                    active={message.feedback === 1}
                    onClick={() => rate(1)}
                  >
                    <ThumbUpIcon />
                  </IconButton>
                  <IconButton
                    label={t("chat.thumbsDown")}
                    aria-pressed={message.feedback === -1}
                    active={message.feedback === -1}
                    onClick={() => rate(-1)}
                  >
                    <ThumbDownIcon />
                  </IconButton>
                </>
              )}
              {isLast && (
                <IconButton label={t("chat.regenerate")} onClick={actions.onRegenerate} disabled={busy}>
                  <RefreshIcon />
                </IconButton>
              )}
            </div>
          )}
        </div>
      </article>
    </li>
  );
}
