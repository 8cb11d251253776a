import { Link } from "react-router-dom";
import { useDocuments } from "./hooks";
import { Badge } from "../../components/ui/Badge";
import { useI18n } from "../../lib/i18n";

/** Generated documents, newest first, each a link to its editor. */
export function DocumentList({ ws }: { ws: string }) {
  const { t } = useI18n();
  const docs = useDocuments(ws);
  if (!docs.data?.length) return <p className="muted">{t("tpl.noDocuments")}</p>;
  return (
    <ul className="tpl-doc-list" aria-label={t("tpl.documents")}>
      {docs.data.map((d) => (
        <li key={d.id}>
          <Link to={`/w/${ws}/templates/documents/${d.id}`}>{d.title}</Link>{" "}
          <span className="muted">{d.template_name} v{d.template_version} · {new Date(d.updated_at).toLocaleString()}</span>{" "}
          {d.status !== "complete" && <Badge>{d.status}</Badge>}
        </li>
      ))}
    </ul>
  );
}
