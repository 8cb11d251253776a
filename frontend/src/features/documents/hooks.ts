import { useQuery } from "@tanstack/react-query";
import { documentsApi, type DocumentItem } from "./api";

export const docKeys = {
  list: (ws: string) => ["documents", ws] as const,
  text: (ws: string, id: string, page: number | null) => ["documents", ws, id, "text", page] as const,
  summaries: (ws: string, id: string) => ["documents", ws, id, "summaries"] as const,
};

export const isIndexing = (d: DocumentItem) => d.status === "queued" || d.status === "indexing";

/** The workspace's documents, polled every second while one is being indexed. */
export function useDocuments(ws: string) {
  return useQuery({
    queryKey: docKeys.list(ws),
    queryFn: () => documentsApi.list(ws),
    select: (d) => d.items,
    refetchInterval: (query) => (query.state.data?.items.some(isIndexing) ? 1000 : false),
  });
}

export function useDocumentText(ws: string, id: string, page: number | null) {
  return useQuery({ queryKey: docKeys.text(ws, id, page), queryFn: () => documentsApi.text(ws, id, page) });
}

export function useSummaries(ws: string, id: string) {
  return useQuery({ queryKey: docKeys.summaries(ws, id), queryFn: () => documentsApi.summaries(ws, id), select: (d) => d.items });
}
