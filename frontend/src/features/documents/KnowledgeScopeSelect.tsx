import { useI18n } from "../../lib/i18n";
import { usePatchSettings, useSettings } from "../workspaces/hooks";

type Scope = "documents" | "faq" | "both";

/** Whether chat answers from documents, the FAQ or both (settings.retrieval.knowledge_scope). */
export function KnowledgeScopeSelect({ ws, editable }: { ws: string; editable: boolean }) {
  const { t } = useI18n();
  const settings = useSettings(ws);
  const save = usePatchSettings(ws);
  const value: Scope = settings.data?.retrieval.knowledge_scope ?? "both";
  return (
    <div className="field inline-field">
      <label htmlFor="doc-scope">{t("docs.scope")}</label>
      <select
        id="doc-scope"
        className="input select"
        value={value}
        disabled={!editable || settings.isPending || save.isPending}
        onChange={(e) => save.mutate({ retrieval: { knowledge_scope: e.target.value as Scope } })}
      >
        <option value="both">{t("docs.scope.both")}</option>
        <option value="documents">{t("docs.scope.documents")}</option>
        <option value="faq">{t("docs.scope.faq")}</option>
      </select>
    </div>
  );
}
