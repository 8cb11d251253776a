import { createContext, useContext } from "react";
import type { Workspace } from "../../api/types";

export const WorkspaceContext = createContext<Workspace | null>(null);

/** The workspace of the current /w/:workspaceId route (loaded and access-checked by WorkspaceLayout). */
export function useCurrentWorkspace(): Workspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error("useCurrentWorkspace outside a workspace route");
  return ws;
}

export function canEdit(ws: Workspace): boolean {
  return ws.role === "owner" || ws.role === "editor";
}
