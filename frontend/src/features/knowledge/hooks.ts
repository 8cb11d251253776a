import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { knowledgeApi, type KnowledgeQuery } from "../../api/endpoints";
import type { KnowledgeInput } from "../../api/types";

export const kbKeys = {
  all: (ws: string) => ["knowledge", ws] as const,
  list: (ws: string, q: KnowledgeQuery) => ["knowledge", ws, "list", q] as const,
  categories: (ws: string) => ["knowledge", ws, "categories"] as const,
  job: (ws: string, id: string) => ["knowledge", ws, "job", id] as const,
};

export function useEntries(ws: string, q: KnowledgeQuery) {
  return useQuery({ queryKey: kbKeys.list(ws, q), queryFn: () => knowledgeApi.list(ws, q), placeholderData: keepPreviousData });
}

export function useCategories(ws: string) {
  return useQuery({ queryKey: kbKeys.categories(ws), queryFn: () => knowledgeApi.categories(ws), select: (d) => d.items });
}

export function useEntryMutations(ws: string) {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: kbKeys.all(ws) });
  return {
    create: useMutation({ mutationFn: (body: KnowledgeInput) => knowledgeApi.create(ws, body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: Partial<KnowledgeInput> }) => knowledgeApi.update(ws, id, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: string) => knowledgeApi.remove(ws, id), onSuccess: invalidate }),
  };
}

/** Poll a job every second until it succeeds or fails. */
export function useJob(ws: string, jobId: string | null) {
  return useQuery({
    queryKey: kbKeys.job(ws, jobId ?? "none"),
    queryFn: () => knowledgeApi.job(ws, jobId!),
    enabled: Boolean(jobId),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "succeeded" || status === "failed" ? false : 1000;
    },
  });
}
