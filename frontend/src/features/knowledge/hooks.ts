import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { jobsApi, knowledgeApi, type KnowledgeQuery } from "../../api/endpoints";
import type { Job, KnowledgeInput } from "../../api/types";

export const kbKeys = {
  all: (ws: string) => ["knowledge", ws] as const,
  list: (ws: string, q: KnowledgeQuery) => ["knowledge", ws, "list", q] as const,
  categories: (ws: string) => ["knowledge", ws, "categories"] as const,
  jobs: (ws: string) => ["jobs", ws] as const,
};

export const isActive = (job: Job) => job.status === "queued" || job.status === "running";

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

/** Every job of the workspace (whoever started it), polled every second while one is unfinished, else every 5 s
 * so that jobs started elsewhere (the command line, another editor) show up too. */
export function useJobs(ws: string) {
  return useQuery({
    queryKey: kbKeys.jobs(ws),
    queryFn: () => jobsApi.list(ws, { limit: 10 }),
    select: (d) => d.items,
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? 1000 : 5000),
  });
}

export function useJobActions(ws: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: kbKeys.jobs(ws) });
  return {
    cancel: useMutation({ mutationFn: (id: string) => jobsApi.cancel(ws, id), onSuccess: refresh }),
    retry: useMutation({ mutationFn: (id: string) => jobsApi.retry(ws, id), onSuccess: refresh }),
  };
}
