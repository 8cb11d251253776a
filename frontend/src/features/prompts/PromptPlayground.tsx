import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { Select } from "../../components/ui/Select";
import { formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";
import { promptsApi, type PromptVersion } from "./api";
import { draftBody, type Draft } from "./PromptEditor";

/** Answer a question on a workspace with the draft or a stored version; nothing is saved or activated. */
export function PromptPlayground({ promptKey, versions, draft, workspaces, defaultWorkspace }: {
  promptKey: string;
  versions: PromptVersion[];
  draft: Draft;
  workspaces: { id: string; name: string }[];
  defaultWorkspace: string | null;
}) {
  const { t, locale } = useI18n();
  const [ws, setWs] = useState(defaultWorkspace ?? workspaces[0]?.id ?? "");
  const [question, setQuestion] = useState("");
  const [what, setWhat] = useState("draft");
  const run = useMutation({
    mutationFn: () =>
      promptsApi.playground(promptKey, {
        workspace_id: ws,
        question,
        ...(what === "draft" ? { draft: draftBody(draft) } : { version: Number(what) }),
      }),
  });
  const r = run.data;
  return (
    <section aria-labelledby="prompt-playground-title" className="stack">
      <h3 id="prompt-playground-title">{t("prompts.playground")}</h3>
      <div className="grid-2">
        <Field label={t("prompts.workspace")}>
          <Select value={ws} onChange={(e) => setWs(e.target.value)}>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>{w.name}</option>
            ))}
          </Select>
        </Field>
        <Field label={t("prompts.runWhat")}>
          <Select value={what} onChange={(e) => setWhat(e.target.value)}>
            <option value="draft">{t("prompts.theDraft")}</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>v{v.version}</option>
            ))}
          </Select>
        </Field>
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (ws && question.trim()) run.mutate();
        }}
      >
        <Field label={t("prompts.question")} className="grow">
          <Input value={question} onChange={(e) => setQuestion(e.target.value)} maxLength={2000} />
        </Field>
        <Button type="submit" variant="primary" loading={run.isPending} disabled={!ws || !question.trim()}>
          {t("prompts.run")}
        </Button>
      </form>
      {run.error && <ErrorNote>{run.error.message}</ErrorNote>}
      {r && (
        <div role="region" aria-label={t("prompts.result")} className="card stack">
          <div>
            {r.refused && <Badge tone="warn">{t("prompts.refused")}</Badge>}{" "}
            <Badge tone={r.prompt_used ? "ok" : "neutral"}>{r.prompt_used ? t("prompts.used") : t("prompts.notUsed")}</Badge>{" "}
            <span className="muted small">
              {r.provider} · {t("prompts.latency")} {formatNumber(r.latency_ms.total, locale)} ms
              {r.latency_ms.first_token !== undefined && ` · ${t("prompts.firstToken")} ${formatNumber(r.latency_ms.first_token, locale)} ms`}
              {` · ${t("prompts.retrieval")} ${formatNumber(r.latency_ms.retrieval, locale)} ms`}
            </span>
          </div>
          {r.note && <p className="muted small">{r.note}</p>}
          <p className="prompt-answer">{r.answer}</p>
          {r.sources.length > 0 && (
            <ul aria-label={t("prompts.sources")} className="small">
              {r.sources.map((s) => (
                <li key={s.entry_id}>{s.question}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
