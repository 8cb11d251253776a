import { Navigate } from "react-router-dom";
import { Skeleton } from "../components/ui/Skeleton";
import { useWorkspaces } from "../features/workspaces/hooks";
import { useI18n } from "../lib/i18n";

/** "/" opens the only workspace directly, otherwise the workspace list. */
export function HomeRedirect() {
  const { t } = useI18n();
  const { data, isPending } = useWorkspaces();
  if (isPending) return <div className="page"><Skeleton lines={3} label={t("common.loading")} /></div>;
  if (data && data.length === 1) return <Navigate to={`/w/${data[0].id}/chat`} replace />;
  return <Navigate to="/workspaces" replace />;
}
