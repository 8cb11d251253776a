import { useState } from "react";
import { ApiError } from "../../api/client";
import type { Template } from "./api";
import { useTemplateMutations } from "./hooks";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { useI18n } from "../../lib/i18n";

/** Upload a .docx or .hwpx with {{ name }} markers as the template's layout (its styles survive export). */
export function LayoutUpload({ ws, template }: { ws: string; template: Template }) {
  const { t } = useI18n();
  const { uploadLayout } = useTemplateMutations(ws);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="tpl-layout">
      <label>
        {t("tpl.layout")}{template.layout ? ` (${template.layout.filename})` : ""}
        <input type="file" accept=".docx,.hwpx" disabled={uploadLayout.isPending}
               onChange={(e) => {
                 const file = e.target.files?.[0];
                 if (!file) return;
                 setError(null);
                 uploadLayout.mutate({ id: template.id, file }, {
                   onError: (err) => setError(err instanceof ApiError ? err.message : String(err)),
                 });
               }} />
      </label>
      <p className="muted">{t("tpl.layoutHint")}</p>
      {error && <ErrorNote>{error}</ErrorNote>}
    </div>
  );
}
