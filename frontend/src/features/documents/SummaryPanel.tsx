import { useState, type FormEvent } from "react";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { ProgressBar } from "../../components/ui/ProgressBar";
import { Skeleton } from "../../components/ui/Skeleton";
import { StopIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";
import type { SummaryInput } from "./api";
import { SummaryCard } from "./SummaryCard";
import { useSummaries } from "./hooks";
import { useSummaryStream } from "./useSummaryStream";

/** Ask for a summary (length, format, an optional focus question), watch it stream, and compare the earlier ones. */
export function SummaryPanel({ ws, documentId, onPage }: { ws: string; documentId: string; onPage: (page: number) => void }) {
  const { t } = useI18n();
  const [length, setLength] = useState<NonNullable<SummaryInput["length"]>>("medium");
  const [format, setFormat] = useState<NonNullable<SummaryInput["format"]>>("paragraph");
  const [focus, setFocus] = useState("");
  const { state, run, stop } = useSummaryStream(ws, documentId);
  const saved = useSummaries(ws, documentId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run({ length, format, focus: focus.trim() || null, mode: "auto" });
  };

  return (
    <section className="section" aria-labelledby="doc-summary-title">
      <h2 id="doc-summary-title" className="section-title">{t("docs.summary")}</h2>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="sum-length">{t("docs.summaryLength")}</label>
          <select id="sum-length" className="input select" value={length} onChange={(e) => setLength(e.target.value as typeof length)}>
            <option value="short">{t("docs.length.short")}</option>
            <option value="medium">{t("docs.length.medium")}</option>
            <option value="long">{t("docs.length.long")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="sum-format">{t("docs.summaryFormat")}</label>
          <select id="sum-format" className="input select" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="paragraph">{t("docs.format.paragraph")}</option>
            <option value="bullets">{t("docs.format.bullets")}</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="sum-focus">{t("docs.summaryFocus")}</label>
          <input id="sum-focus" className="input" value={focus} maxLength={500} onChange={(e) => setFocus(e.target.value)} />
        </div>
        {state.running ? (
          <Button icon={<StopIcon />} onClick={stop}>{t("docs.summaryStop")}</Button>
        ) : (
          <Button type="submit" variant="primary">{t("docs.summarize")}</Button>
        )}
      </form>
      {(state.running || state.text) && (
        <div className="card summary-live" aria-live="polite" aria-busy={state.running || undefined}>
          {state.progress && state.running && (
            <div className="summary-progress">
              <span className="small">{state.progress.message}</span>
              <ProgressBar label={t("docs.summaryProgress")} value={state.progress.done} max={state.progress.total} />
            </div>
          )}
          <p className="summary-text" aria-label={t("docs.summaryLive")}>{state.text}</p>
        </div>
      )}
      {state.error && <ErrorNote>{state.error}</ErrorNote>}
      <h3 className="section-subtitle">{t("docs.summaries")}</h3>
      {saved.isPending ? (
        <Skeleton lines={3} label={t("common.loading")} />
      ) : (saved.data ?? []).length === 0 ? (
        <p className="muted">{t("docs.noSummaries")}</p>
      ) : (
        <ul className="summary-grid" aria-label={t("docs.summaries")}>
          {(saved.data ?? []).map((s) => (
            <SummaryCard key={s.id} summary={s} onPage={onPage} />
          ))}
        </ul>
      )}
    </section>
  );
}
