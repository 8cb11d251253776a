import { useState, type FormEvent } from "react";
import { chatApi } from "../../api/endpoints";
import type { Exchange } from "../../api/types";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { useSettings } from "../workspaces/hooks";
import { useI18n } from "../../lib/i18n";
import { Markdown } from "../../lib/markdown";
import { AlertIcon } from "../../components/ui/icons";

/** Ask one question (non-streaming) in a throwaway session to see the saved settings at work. */
export function TryItPreview({ ws }: { ws: string }) {
  const { t } = useI18n();
  const [question, setQuestion] = useState("");
  const [result, setResult] = useState<Exchange | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const linkHosts = useSettings(ws).data?.profile.link_hosts ?? [];

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (!question.trim()) return;
    setBusy(true);
    setError(null);
    setResult(null);
    let sid: string | null = null;
    try {
      const session = await chatApi.createSession(ws, `[preview] ${question.trim().slice(0, 40)}`);
      sid = session.id;
      setResult(await chatApi.ask(ws, sid, question.trim()));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (sid) await chatApi.deleteSession(ws, sid).catch(() => undefined);
      setBusy(false);
    }
  };

  const answer = result?.assistant_message;
  return (
    <div className="try-it">
      <p className="muted small">{t("settings.tryHint")}</p>
      <form className="inline-form" onSubmit={run}>
        <Field label={t("settings.tryQuestion")} className="grow">
          <Input value={question} onChange={(e) => setQuestion(e.target.value)} />
        </Field>
        <Button type="submit" loading={busy} disabled={!question.trim()}>
          {t("settings.tryRun")}
        </Button>
      </form>
      {error && <ErrorNote>{error}</ErrorNote>}
      {answer && (
        <div className={`try-result ${answer.refused ? "is-refused" : ""}`} aria-live="polite" data-refused={answer.refused || undefined}>
          {answer.refused && (
            <p className="refusal-badge">
              <AlertIcon /> {t("chat.refused")}
            </p>
          )}
          <Markdown text={answer.content} linkHosts={linkHosts} />
          {answer.sources.length > 0 && (
            <ul className="sources-list" aria-label={t("chat.sources", { n: answer.sources.length })}>
              {answer.sources.map((s, i) => (
                <li key={`${s.entry_id}-${i}`} className="source">
                  <span className="source-title">{s.question}</span>
                  <span className="source-meta">
                    {s.category && <span className="badge badge-neutral">{s.category}</span>}
                    <span className="source-score">
                      {t("chat.score")} {Number(s.score).toFixed(2)}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
          {answer.followups.length > 0 && (
            <ul className="followups-static" aria-label={t("chat.followups")}>
              {answer.followups.map((f, i) => (
                <li key={i} className="chip chip-static">{f.question}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
