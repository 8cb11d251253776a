import { ReviewQueue } from "../features/dashboard/ReviewQueue";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

/** Answers to look at again: rated down or refused (owners and editors). */
export function ReviewPage() {
  const { t } = useI18n();
  const ws = useCurrentWorkspace();
  if (ws.role !== "owner" && ws.role !== "editor") return <StatusPage kind="forbidden" />;
  return (
    <div className="page">
      <header className="page-head">
        <h1 className="page-title">{t("review.title")}</h1>
        <p className="muted">{t("review.hint")}</p>
      </header>
      <ReviewQueue workspaceId={ws.id} />
    </div>
  );
}
