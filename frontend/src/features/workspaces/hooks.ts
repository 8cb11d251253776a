import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { invitationApi, workspaceApi } from "../../api/endpoints";
import type { Role, SettingsPatch } from "../../api/types";

export const wsKeys = {
  list: ["workspaces"] as const,
  one: (id: string) => ["workspaces", id] as const,
  members: (id: string) => ["workspaces", id, "members"] as const,
  invitations: (id: string) => ["workspaces", id, "invitations"] as const,
  myInvitations: ["invitations"] as const,
  settings: (id: string) => ["workspaces", id, "settings"] as const,
};

export function useWorkspaces() {
  return useQuery({ queryKey: wsKeys.list, queryFn: workspaceApi.list, select: (d) => d.items });
}

export function useWorkspace(id: string, enabled = true) {
  return useQuery({ queryKey: wsKeys.one(id), queryFn: () => workspaceApi.get(id), retry: false, enabled });
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

/** A workspace's waiting invitations (owners). */
export function useInvitations(id: string, enabled: boolean) {
  return useQuery({
    queryKey: wsKeys.invitations(id),
    queryFn: () => workspaceApi.invitations(id),
    select: (d) => d.items,
    enabled,
  });
}

export function useInvitationMutations(id: string) {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: wsKeys.invitations(id) });
  return {
    invite: useMutation({
      mutationFn: ({ email, role }: { email: string; role: Role }) => workspaceApi.invite(id, email, role),
      onSuccess: invalidate,
    }),
    revoke: useMutation({
      mutationFn: (invitationId: string) => workspaceApi.revokeInvitation(id, invitationId),
      onSuccess: invalidate,
    }),
  };
}

/** Invitations waiting for the signed-in user, with accept and decline. */
export function useMyInvitations() {
  return useQuery({ queryKey: wsKeys.myInvitations, queryFn: invitationApi.mine, select: (d) => d.items });
}

export function useAnswerInvitation() {
  const qc = useQueryClient();
  const invalidate = () => {
    qc.invalidateQueries({ queryKey: wsKeys.myInvitations });
    qc.invalidateQueries({ queryKey: wsKeys.list, exact: true });
  };
  return {
    accept: useMutation({ mutationFn: invitationApi.accept, onSuccess: invalidate }),
    decline: useMutation({ mutationFn: invitationApi.decline, onSuccess: invalidate }),
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
