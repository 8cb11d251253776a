import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { workspaceApi } from "../../api/endpoints";
import type { Role, SettingsPatch } from "../../api/types";

export const wsKeys = {
  list: ["workspaces"] as const,
  one: (id: string) => ["workspaces", id] as const,
  members: (id: string) => ["workspaces", id, "members"] as const,
  settings: (id: string) => ["workspaces", id, "settings"] as const,
};

export function useWorkspaces() {
  return useQuery({ queryKey: wsKeys.list, queryFn: workspaceApi.list, select: (d) => d.items });
}

export function useWorkspace(id: string) {
  return useQuery({ queryKey: wsKeys.one(id), queryFn: () => workspaceApi.get(id), retry: false });
}

export function useCreateWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => workspaceApi.create(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: wsKeys.list }),
  });
}

export function useMembers(id: string) {
  return useQuery({ queryKey: wsKeys.members(id), queryFn: () => workspaceApi.members(id), select: (d) => d.items });
}

export function useMemberMutations(id: string) {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: wsKeys.members(id) });
  return {
    add: useMutation({
      mutationFn: ({ email, role }: { email: string; role: Role }) => workspaceApi.addMember(id, email, role),
      onSuccess: invalidate,
    }),
    setRole: useMutation({
      mutationFn: ({ userId, role }: { userId: string; role: Role }) => workspaceApi.setRole(id, userId, role),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (userId: string) => workspaceApi.removeMember(id, userId),
      onSuccess: invalidate,
    }),
  };
}

export function useSettings(id: string) {
  return useQuery({ queryKey: wsKeys.settings(id), queryFn: () => workspaceApi.settings(id) });
}

export function usePatchSettings(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => workspaceApi.patchSettings(id, patch),
    onSuccess: (data) => qc.setQueryData(wsKeys.settings(id), data),
  });
}
