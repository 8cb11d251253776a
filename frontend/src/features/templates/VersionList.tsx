import { useVersions } from "./hooks";
import { useI18n } from "../../lib/i18n";

/** A template's versions, newest first (a generated document names the version it was made from). */
export function VersionList({ ws, templateId }: { ws: string; templateId: string }) {
  const { t } = useI18n();
  const versions = useVersions(ws, templateId);
  return (
    <details className="tpl-versions">
      <summary>{t("tpl.versions")}</summary>
      <ol reversed>
        {(versions.data ?? []).map((v) => (
          <li key={v.version}>
            v{v.version} · {v.note || "-"} · {t("tpl.sectionCount", { n: v.sections.length })}
            {v.layout ? ` · ${v.layout.filename}` : ""} · <span className="muted">{new Date(v.created_at).toLocaleString()}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}
