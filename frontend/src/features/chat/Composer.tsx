import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { IconButton } from "../../components/ui/IconButton";
import { SendIcon, StopIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";

/** Message box: Enter sends, Shift+Enter adds a line, Escape (or the stop button) stops streaming. */
export function Composer({
  onSend,
  onStop,
  streaming,
  disabled,
}: {
  onSend: (text: string) => void;
  onStop: () => void;
  streaming: boolean;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
  }, [text]);

  useEffect(() => {
    if (!streaming) box.current?.focus();
  }, [streaming]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (streaming || disabled || !text.trim()) return;
    onSend(text);
    setText("");
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Korean IME: Enter that confirms a syllable must not send the message.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && streaming) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="chat-input" className="sr-only">
        {t("chat.input")}
      </label>
      <textarea
        id="chat-input"
        ref={box}
        className="composer-input"
        rows={1}
        value={text}
        placeholder={t("chat.placeholder")}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        disabled={disabled}
        maxLength={2000}
      />
      {streaming ? (
        <IconButton label={t("chat.stop")} className="composer-btn is-stop" onClick={onStop}>
          <StopIcon />
          <span className="btn-text">{t("chat.stop")}</span>
        </IconButton>
      ) : (
        <IconButton label={t("chat.send")} type="submit" className="composer-btn" disabled={disabled || !text.trim()}>
          <SendIcon />
        </IconButton>
      )}
    </form>
  );
}
