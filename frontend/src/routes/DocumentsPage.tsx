import { useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { Button } from "../components/ui/Button";
import { Card } from "../components/ui/Card";
import { Dialog } from "../components/ui/Dialog";
import { EmptyState } from "../components/ui/EmptyState";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { BookIcon } from "../components/ui/icons";
import { documentsApi, type DocumentItem } from "../features/documents/api";
import { DocumentPreview } from "../features/documents/DocumentPreview";
import { DocumentRow } from "../features/documents/DocumentRow";
import { docKeys, useDocuments } from "../features/documents/hooks";
import { KnowledgeScopeSelect } from "../features/documents/KnowledgeScopeSelect";
import { SummaryPanel } from "../features/documents/SummaryPanel";
import { UploadDropzone } from "../features/documents/UploadDropzone";
import { canEdit, useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { useMutation, useQueryClient } from "@tanstack/react-query";

/** Documents: upload (drag and drop), indexing progress, and for one document its text by page and summaries. */
export function DocumentsPage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const editable = canEdit(ws);
  const { documentId } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const docs = useDocuments(ws.id);
  const [deleting, setDeleting] = useState<DocumentItem | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => documentsApi.remove(ws.id, id),
    onSuccess: () => qc.invalidateQueries({ queryKey: docKeys.list(ws.id) }),
  });
  const selected = (docs.data ?? []).find((d) => d.id === documentId) ?? null;
  const page = params.get("page") ? Number(params.get("page")) : null;
  const setPage = (p: number | null) => setParams(p ? { page: String(p) } : {}, { replace: true });

  return (
    <div className="page page-wide">
      <header className="page-head page-head-row">
        <div>
          <h1 className="page-title">{t("docs.title")}</h1>
          <p className="muted">{t("docs.total", { n: docs.data?.length ?? 0 })}</p>
        </div>
        <KnowledgeScopeSelect ws={ws.id} editable={editable} />
      </header>

      {editable ? (
        <section className="section" aria-labelledby="doc-upload-title">
          <h2 id="doc-upload-title" className="section-title">{t("docs.upload")}</h2>
          <Card>
            <UploadDropzone ws={ws.id} />
          </Card>
        </section>
      ) : (
        <p className="notice">{t("docs.readOnly")}</p>
      )}

      <section className="section" aria-labelledby="doc-list-title">
        <h2 id="doc-list-title" className="section-title">{t("docs.list")}</h2>
        {docs.isPending ? (
          <Skeleton lines={4} label={t("common.loading")} />
        ) : docs.error ? (
          <ErrorNote>{docs.error.message}</ErrorNote>
        ) : docs.data.length === 0 ? (
          <EmptyState icon={<BookIcon />} title={t("docs.empty")} hint={editable ? t("docs.emptyHint") : undefined} />
        ) : (
          <ul className="doc-list" aria-label={t("docs.list")}>
            {docs.data.map((d) => (
              <DocumentRow key={d.id} ws={ws.id} doc={d} editable={editable} onDelete={setDeleting} />
            ))}
          </ul>
        )}
      </section>

      {selected && (
        <div className="doc-detail">
          <h2 className="section-title">{selected.title}</h2>
          <DocumentPreview ws={ws.id} doc={selected} page={page} onPage={setPage} />
          <SummaryPanel ws={ws.id} documentId={selected.id} onPage={setPage} />
        </div>
      )}

      <Dialog
        open={Boolean(deleting)}
        title={t("common.confirmDelete")}
        onClose={() => setDeleting(null)}
        footer={
          <>
            <Button onClick={() => setDeleting(null)}>{t("common.cancel")}</Button>
            <Button
              variant="danger"
              loading={remove.isPending}
              onClick={() =>
                deleting &&
                remove.mutate(deleting.id, {
                  onSuccess: () => {
                    if (deleting.id === documentId) navigate(`/w/${ws.id}/documents`);
                    setDeleting(null);
                    toast.show(t("common.deleted"), "success");
                  },
                })
              }
            >
              {t("common.delete")}
            </Button>
          </>
        }
      >
        <p>{deleting?.filename}</p>
      </Dialog>
    </div>
  );
}
