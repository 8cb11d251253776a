import { Outlet, useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { useWorkspace } from "../features/workspaces/hooks";
import { WorkspaceContext } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

/** Loads /w/:workspaceId; the API answers 404 for workspaces the caller is not a member of. */
export function WorkspaceLayout() {
  const { t } = useI18n();
  const { workspaceId = "" } = useParams();
  const { data, error, isPending } = useWorkspace(workspaceId);
  if (isPending) {
    return (
      <div className="page">
        <Skeleton lines={5} label={t("common.loading")} />
      </div>
    );
  }
  if (error) {
    if (error instanceof ApiError && [403, 404, 422].includes(error.status)) return <StatusPage kind="notFound" />;
    return (
      <div className="page">
        <ErrorNote>{error.message}</ErrorNote>
      </div>
    );
  }
  return (
    <WorkspaceContext.Provider value={data}>
      <Outlet />
    </WorkspaceContext.Provider>
  );
}
