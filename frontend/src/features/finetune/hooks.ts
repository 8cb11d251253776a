import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Job, Schemas } from "../../api/types";

export type FinetuneJob = Schemas["FinetuneJobRead"];
export type Adapter = Schemas["AdapterRead"];
export type FinetuneCreate = {
  kind: Schemas["FinetuneCreate"]["kind"];
  adapter?: Partial<Schemas["AdapterParams"]>;
  chat?: Partial<Schemas["ChatParams"]>;
};

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}/finetune`;
export const ftKeys = {
  all: (ws: string) => ["finetune", ws] as const,
  jobs: (ws: string) => ["finetune", ws, "jobs"] as const,
  job: (ws: string, id: string) => ["finetune", ws, "job", id] as const,
  adapters: (ws: string) => ["finetune", ws, "adapters"] as const,
};
const running = (job?: Job) => job?.status === "queued" || job?.status === "running";

export function useFinetuneJobs(ws: string) {
  return useQuery({
    queryKey: ftKeys.jobs(ws),
    queryFn: () => api<Schemas["FinetuneJobList"]>(`${base(ws)}/jobs`),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some(running) ? 1000 : 5000),
  });
}

/** One job with its metrics (the loss curve) and log, polled every second while it runs; when it ends, the
 * adapter list is read again (a finished adapter job has just added a version). */
export function useFinetuneJob(ws: string, id: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ftKeys.job(ws, id ?? ""),
    queryFn: async () => {
      const before = qc.getQueryData<FinetuneJob>(ftKeys.job(ws, id ?? ""));
      const job = await api<FinetuneJob>(`${base(ws)}/jobs/${encodeURIComponent(id ?? "")}`);
      if ((!before || running(before.job)) && !running(job.job)) void qc.invalidateQueries({ queryKey: ftKeys.adapters(ws) });
      return job;
    },
    enabled: !!id,
    refetchInterval: (q) => (running(q.state.data?.job) ? 1000 : false),
  });
}

export function useAdapters(ws: string) {
  return useQuery({ queryKey: ftKeys.adapters(ws), queryFn: () => api<Schemas["AdapterList"]>(`${base(ws)}/adapters`) });
}

export function useFinetuneActions(ws: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ftKeys.all(ws) });
  return {
    launch: useMutation({
      mutationFn: (body: FinetuneCreate) => api<Job>(`${base(ws)}/jobs`, { method: "POST", body }),
      onSuccess: refresh,
    }),
    cancel: useMutation({
      mutationFn: (id: string) => api<Job>(`${base(ws)}/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
      onSuccess: refresh,
    }),
    activate: useMutation({
      mutationFn: (id: string) =>
        api<Adapter>(`${base(ws)}/adapters/${encodeURIComponent(id)}/activate`, { method: "POST" }),
      onSuccess: refresh,
    }),
    rollback: useMutation({
      mutationFn: () => api<Schemas["RollbackRead"]>(`${base(ws)}/adapters/rollback`, { method: "POST" }),
      onSuccess: refresh,
    }),
  };
}
