import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { adminApi } from "../../api/endpoints";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";

const toLimit = (v: string) => (v.trim() === "" ? null : Math.max(0, Math.floor(Number(v))));

/** A platform admin sets a workspace's quota (blank = unlimited). */
export function QuotaEditor({ workspaceId, onSaved }: { workspaceId: string; onSaved?: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const qc = useQueryClient();
  const key = ["admin", "quota", workspaceId];
  const quota = useQuery({ queryKey: key, queryFn: () => adminApi.quota(workspaceId) });
  const [messages, setMessages] = useState("");
  const [tokens, setTokens] = useState("");
  useEffect(() => {
    if (quota.data) {
      setMessages(quota.data.messages_per_day?.toString() ?? "");
      setTokens(quota.data.tokens_per_month?.toString() ?? "");
    }
  }, [quota.data]);
  const save = useMutation({
    mutationFn: () => adminApi.setQuota(workspaceId, { messages_per_day: toLimit(messages), tokens_per_month: toLimit(tokens) }),
    onSuccess: (data) => {
      qc.setQueryData(key, data);
      qc.invalidateQueries({ queryKey: ["workspaces", workspaceId, "quota"] });
      toast.show(t("common.saved"), "success");
      onSaved?.();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t("quota.messagesPerDay")} hint={t("quota.blankUnlimited")}>
        <Input type="number" min={0} inputMode="numeric" value={messages} onChange={(e) => setMessages(e.target.value)} />
      </Field>
      <Field label={t("quota.tokensPerMonth")} hint={t("quota.blankUnlimited")}>
        <Input type="number" min={0} inputMode="numeric" value={tokens} onChange={(e) => setTokens(e.target.value)} />
      </Field>
      {save.error && <ErrorNote>{save.error.message}</ErrorNote>}
      <Button type="submit" variant="primary" loading={save.isPending}>{t("common.save")}</Button>
    </form>
  );
}
