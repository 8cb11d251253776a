import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { adminApi } from "../api/endpoints";
import { Card } from "../components/ui/Card";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Select } from "../components/ui/Select";
import { Skeleton } from "../components/ui/Skeleton";
import { useAuth } from "../features/auth/AuthProvider";
import { labelIn, promptsApi, type PromptDetail, type PromptVersion } from "../features/prompts/api";
import { PromptDiff } from "../features/prompts/PromptDiff";
import { PromptEditor, type Draft } from "../features/prompts/PromptEditor";
import { PromptPlayground } from "../features/prompts/PromptPlayground";
import { PromptVersions } from "../features/prompts/PromptVersions";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

/** Platform admins: every prompt the pipeline runs, its versions, labels, diff, editor and playground. */
export function PromptsPage() {
  const { me, loadingMe } = useAuth();
  const { t } = useI18n();
  if (loadingMe) return <div className="page"><Skeleton lines={4} label={t("common.loading")} /></div>;
  if (!me?.is_admin) return <StatusPage kind="forbidden" />;
  return <PromptsContent />;
}

function PromptsContent() {
  const { t } = useI18n();
  const list = useQuery({ queryKey: ["admin", "prompts"], queryFn: promptsApi.list, select: (d) => d.items });
  const workspaces = useQuery({ queryKey: ["admin", "workspaces"], queryFn: adminApi.workspaces, select: (d) => d.items });
  const [key, setKey] = useState<string | null>(null);
  const current = key ?? list.data?.[0]?.key ?? null;
  return (
    <div className="page page-wide">
      <header className="page-head">
        <p className="small"><Link to="/admin">← {t("admin.title")}</Link></p>
        <h1 className="page-title">{t("prompts.title")}</h1>
      </header>
      {list.error && <ErrorNote>{list.error.message}</ErrorNote>}
      <div className="prompts-layout">
        <nav aria-label={t("prompts.list")} className="prompts-list">
          {list.isPending && <Skeleton lines={4} label={t("common.loading")} />}
          {list.data?.map((p) => (
            <button
              key={p.key}
              type="button"
              className="prompts-list-item"
              aria-current={p.key === current ? "true" : undefined}
              onClick={() => setKey(p.key)}
            >
              <code>{p.key}</code>
              <span className="muted small">
                production v{p.production_version ?? "–"}
                {p.staging_version ? ` · staging v${p.staging_version}` : ""}
                {p.overrides ? ` · ${t("prompts.overrides", { n: p.overrides })}` : ""}
              </span>
            </button>
          ))}
        </nav>
        {current && <PromptPanel key={current} promptKey={current} workspaces={workspaces.data ?? []} />}
      </div>
    </div>
  );
}

function PromptPanel({ promptKey, workspaces }: { promptKey: string; workspaces: { id: string; name: string }[] }) {
  const { t } = useI18n();
  const detail = useQuery({ queryKey: ["admin", "prompts", promptKey], queryFn: () => promptsApi.get(promptKey) });
  const [scope, setScope] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  if (detail.isPending) return <Skeleton lines={6} label={t("common.loading")} />;
  if (detail.error) return <ErrorNote>{detail.error.message}</ErrorNote>;
  const prompt: PromptDetail = detail.data;
  const fromVersion = (v: PromptVersion): Draft => ({
    template: v.template, note: "", model: v.model ?? "",
    temperature: v.temperature == null ? "" : String(v.temperature),
    max_tokens: v.max_tokens == null ? "" : String(v.max_tokens),
  });
  const running = labelIn(prompt.labels, "production", scope);
  const base = prompt.versions.find((v) => v.version === running?.version) ?? prompt.versions[0];
  const current = draft ?? fromVersion(base);
  return (
    <div className="stack grow">
      <Card className="stack">
        <div>
          <h2><code>{prompt.key}</code></h2>
          <p className="muted">{prompt.description}</p>
        </div>
        <Field label={t("prompts.scope")} hint={t("prompts.scopeHint")}>
          <Select value={scope ?? ""} onChange={(e) => setScope(e.target.value || null)}>
            <option value="">{t("prompts.platform")}</option>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>{w.name}</option>
            ))}
          </Select>
        </Field>
        <PromptVersions prompt={prompt} scope={scope} onEdit={(v) => setDraft(fromVersion(v))} />
      </Card>
      <Card><PromptDiff key={prompt.versions.length} versions={prompt.versions} /></Card>
      <Card><PromptEditor promptKey={prompt.key} variables={prompt.variables} draft={current} onChange={setDraft} /></Card>
      <Card>
        <PromptPlayground promptKey={prompt.key} versions={prompt.versions} draft={current} workspaces={workspaces}
          defaultWorkspace={scope} />
      </Card>
    </div>
  );
}
