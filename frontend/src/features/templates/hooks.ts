import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { documentsApi, templatesApi, type TemplateInput } from "./api";

export const tplKeys = {
  all: (ws: string) => ["templates", ws] as const,
  versions: (ws: string, tid: string) => ["templates", ws, "versions", tid] as const,
  documents: (ws: string) => ["generated-documents", ws] as const,
  document: (ws: string, did: string) => ["generated-documents", ws, did] as const,
  revisions: (ws: string, did: string) => ["generated-documents", ws, did, "revisions"] as const,
};

export function useTemplates(ws: string) {
  return useQuery({ queryKey: tplKeys.all(ws), queryFn: () => templatesApi.list(ws), select: (d) => d.items });
}

export function useVersions(ws: string, tid: string) {
  return useQuery({ queryKey: tplKeys.versions(ws, tid), queryFn: () => templatesApi.versions(ws, tid),
                    select: (d) => d.items });
}

export function useTemplateMutations(ws: string) {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: tplKeys.all(ws) });
  return {
    create: useMutation({ mutationFn: (body: TemplateInput) => templatesApi.create(ws, body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: Partial<TemplateInput> }) => templatesApi.update(ws, id, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: string) => templatesApi.remove(ws, id), onSuccess: invalidate }),
    uploadLayout: useMutation({
      mutationFn: ({ id, file }: { id: string; file: File }) => templatesApi.uploadLayout(ws, id, file),
      onSuccess: invalidate,
    }),
  };
}

export function useDocuments(ws: string) {
  return useQuery({ queryKey: tplKeys.documents(ws), queryFn: () => documentsApi.list(ws), select: (d) => d.items });
}

export function useDocument(ws: string, did: string) {
  return useQuery({ queryKey: tplKeys.document(ws, did), queryFn: () => documentsApi.get(ws, did) });
}

export function useRevisions(ws: string, did: string) {
  return useQuery({ queryKey: tplKeys.revisions(ws, did), queryFn: () => documentsApi.revisions(ws, did),
                    select: (d) => d.items });
}
