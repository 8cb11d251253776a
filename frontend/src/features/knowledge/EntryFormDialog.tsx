import { useEffect, useState, type FormEvent } from "react";
import type { KnowledgeEntry, KnowledgeInput } from "../../api/types";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { TextArea } from "../../components/ui/TextArea";
import { useI18n } from "../../lib/i18n";

export function EntryFormDialog({
  open,
  entry,
  busy,
  error,
  onClose,
  onSubmit,
}: {
  open: boolean;
  entry: KnowledgeEntry | null;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  onSubmit: (body: KnowledgeInput) => void;
}) {
  const { t } = useI18n();
  const [question, setQuestion] = useState("");
  const [answer, setAnswer] = useState("");
  const [category, setCategory] = useState("");
  const [related, setRelated] = useState("");
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    if (!open) return;
    setQuestion(entry?.question ?? "");
    setAnswer(entry?.answer ?? "");
    setCategory(entry?.category ?? "");
    setRelated((entry?.related ?? []).join("\n"));
    setMissing(false);
  }, [open, entry]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!question.trim() || !answer.trim()) {
      setMissing(true);
      return;
    }
    onSubmit({
      question: question.trim(),
      answer: answer.trim(),
      category: category.trim() || null,
      related: related
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean),
    });
  };

  return (
    <Dialog open={open} title={entry ? t("kb.editTitle") : t("kb.addTitle")} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <Field label={t("kb.question")} error={missing && !question.trim() ? t("settings.required") : null}>
          <Input value={question} onChange={(e) => setQuestion(e.target.value)} />
        </Field>
        <Field label={t("kb.answer")} error={missing && !answer.trim() ? t("settings.required") : null}>
          <TextArea rows={6} value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </Field>
        <Field label={t("kb.category")}>
          <Input value={category} onChange={(e) => setCategory(e.target.value)} />
        </Field>
        <Field label={t("kb.related")}>
          <TextArea rows={3} value={related} onChange={(e) => setRelated(e.target.value)} />
        </Field>
        {error && <ErrorNote>{error}</ErrorNote>}
        <div className="row-end">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" loading={busy}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
