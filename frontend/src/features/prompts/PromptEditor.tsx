import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { TextArea } from "../../components/ui/TextArea";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";
import { promptsApi, type VersionCreate } from "./api";

export type Draft = Required<Pick<VersionCreate, "template" | "note">> & {
  model: string;
  temperature: string;
  max_tokens: string;
};

/** The draft as the API takes it (empty settings: the caller's defaults). */
export function draftBody(d: Draft): VersionCreate {
  return {
    template: d.template,
    note: d.note,
    model: d.model.trim() || null,
    temperature: d.temperature === "" ? null : Number(d.temperature),
    max_tokens: d.max_tokens === "" ? null : Number(d.max_tokens),
  };
}

/** Edit a draft (text, note, model settings) and save it as the prompt's next version. */
export function PromptEditor({ promptKey, variables, draft, onChange }: {
  promptKey: string;
  variables: string[];
  draft: Draft;
  onChange: (d: Draft) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: () => promptsApi.createVersion(promptKey, draftBody(draft)),
    onSuccess: (v) => {
      toast.show(t("prompts.saved", { version: v.version }), "success");
      onChange({ ...draft, note: "" });
      void qc.invalidateQueries({ queryKey: ["admin", "prompts"] });
    },
  });
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => onChange({ ...draft, [k]: e.target.value });
  return (
    <section aria-labelledby="prompt-editor-title" className="stack">
      <h3 id="prompt-editor-title">{t("prompts.editor")}</h3>
      <Field label={t("prompts.text")} hint={t("prompts.variables", { list: variables.map((v) => `{${v}}`).join(", ") })}>
        <TextArea rows={12} value={draft.template} onChange={set("template")} className="mono" />
      </Field>
      <div className="grid-2">
        <Field label={t("prompts.note")}>
          <Input value={draft.note} onChange={set("note")} maxLength={500} />
        </Field>
        <Field label={t("prompts.model")} hint={t("prompts.modelHint")}>
          <Input value={draft.model} onChange={set("model")} maxLength={200} />
        </Field>
        <Field label={t("prompts.temperature")}>
          <Input type="number" min={0} max={2} step={0.1} value={draft.temperature} onChange={set("temperature")} />
        </Field>
        <Field label={t("prompts.maxTokens")}>
          <Input type="number" min={1} max={8192} value={draft.max_tokens} onChange={set("max_tokens")} />
        </Field>
      </div>
      {save.error && <ErrorNote>{save.error.message}</ErrorNote>}
      <div className="row-end">
        <Button variant="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t("prompts.save")}
        </Button>
      </div>
    </section>
  );
}
