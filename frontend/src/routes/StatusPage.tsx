import { Link } from "react-router-dom";
import { useI18n } from "../lib/i18n";

/** "Not found" (also used for workspaces the caller may not see) and "forbidden" pages. */
export function StatusPage({ kind }: { kind: "notFound" | "forbidden" }) {
  const { t } = useI18n();
  return (
    <section className="status-page" aria-labelledby="status-title">
      <p className="status-code" aria-hidden="true">{kind === "notFound" ? "404" : "403"}</p>
      <h1 id="status-title">{t(kind === "notFound" ? "notFound.title" : "forbidden.title")}</h1>
      <p className="muted">{t(kind === "notFound" ? "notFound.body" : "forbidden.body")}</p>
      <Link to="/workspaces" className="btn btn-secondary btn-md">
        {t("notFound.home")}
      </Link>
    </section>
  );
}
