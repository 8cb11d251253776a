import { useState, type FormEvent } from "react";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";
import type { Workspace } from "../../api/types";
import { useCreateWorkspace } from "./hooks";

export function CreateWorkspaceForm({ onCreated }: { onCreated?: (ws: Workspace) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const create = useCreateWorkspace();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError(t("settings.required"));
      return;
    }
    setError(null);
    create.mutate(name.trim(), {
      onSuccess: (ws) => {
        setName("");
        toast.show(t("ws.created"), "success");
        onCreated?.(ws);
      },
      onError: (err) => setError(err.message),
    });
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <Field label={t("ws.name")} error={error}>
        <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </Field>
      <Button type="submit" variant="primary" loading={create.isPending}>
        {t("common.create")}
      </Button>
    </form>
  );
}
