import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { knowledgeApi } from "../api/endpoints";
import type { KnowledgeEntry, KnowledgeInput } from "../api/types";
import { Badge } from "../components/ui/Badge";
import { Button } from "../components/ui/Button";
import { Card } from "../components/ui/Card";
import { Dialog } from "../components/ui/Dialog";
import { EmptyState } from "../components/ui/EmptyState";
import { ErrorNote } from "../components/ui/ErrorNote";
import { IconButton } from "../components/ui/IconButton";
import { Select } from "../components/ui/Select";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { BookIcon, PencilIcon, PlusIcon, SearchIcon, TrashIcon } from "../components/ui/icons";
import { EntryFormDialog } from "../features/knowledge/EntryFormDialog";
import { useCategories, useEntries, useEntryMutations } from "../features/knowledge/hooks";
import { ImportPanel } from "../features/knowledge/ImportPanel";
import { JobsPanel } from "../features/knowledge/JobsPanel";
import { canEdit, useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";

const PAGE = 20;

export function KnowledgePage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const editable = canEdit(ws);
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [category, setCategory] = useState("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<KnowledgeEntry | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<KnowledgeEntry | null>(null);

  // The review queue opens an entry for editing with ?edit=<entry id>.
  const [params, setParams] = useSearchParams();
  const editId = params.get("edit");
  useEffect(() => {
    if (!editId) return;
    knowledgeApi.get(ws.id, editId).then((entry) => {
      setEditing(entry);
      setFormError(null);
      setFormOpen(true);
    }, (err: Error) => toast.show(err.message, "error"));
    setParams({}, { replace: true });
  }, [editId, ws.id, setParams, toast]);

  useEffect(() => {
    const id = setTimeout(() => {
      setQ(search.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(id);
  }, [search]);

  const entries = useEntries(ws.id, { q: q || undefined, category: category || undefined, offset, limit: PAGE });
  const categories = useCategories(ws.id);
  const { create, update, remove } = useEntryMutations(ws.id);

  const openForm = (entry: KnowledgeEntry | null) => {
    setEditing(entry);
    setFormError(null);
    setFormOpen(true);
  };

  const save = (body: KnowledgeInput) => {
    const opts = {
      onSuccess: () => {
        setFormOpen(false);
        toast.show(t("common.saved"), "success");
      },
      onError: (err: Error) => setFormError(err instanceof ApiError ? err.message : String(err)),
    };
    if (editing) update.mutate({ id: editing.id, body }, opts);
    else create.mutate(body, opts);
  };

  const total = entries.data?.total ?? 0;

  return (
    <div className="page page-wide">
      <header className="page-head page-head-row">
        <div>
          <h1 className="page-title">{t("kb.title")}</h1>
          <p className="muted">{t("kb.total", { n: total })}</p>
        </div>
        {editable && (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => openForm(null)}>
            {t("kb.add")}
          </Button>
        )}
      </header>

      {editable ? (
        <section className="section" aria-labelledby="kb-import-title">
          <h2 id="kb-import-title" className="section-title">{t("kb.import")}</h2>
          <Card>
            <ImportPanel ws={ws.id} />
          </Card>
        </section>
      ) : (
        <p className="notice">{t("kb.readOnly")}</p>
      )}

      <section className="section" aria-labelledby="kb-jobs-title">
        <h2 id="kb-jobs-title" className="section-title">{t("kb.jobs")}</h2>
        <Card>
          <JobsPanel ws={ws.id} editable={editable} />
        </Card>
      </section>

      <div className="toolbar" role="search">
        <div className="search-box grow">
          <SearchIcon />
          <label htmlFor="kb-search" className="sr-only">{t("kb.search")}</label>
          <input
            id="kb-search"
            type="search"
            className="input"
            placeholder={t("kb.search")}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <label htmlFor="kb-category" className="sr-only">{t("kb.category")}</label>
        <Select
          id="kb-category"
          value={category}
          onChange={(e) => {
            setCategory(e.target.value);
            setOffset(0);
          }}
        >
          <option value="">{t("kb.allCategories")}</option>
          {(categories.data ?? []).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.count})
            </option>
          ))}
        </Select>
      </div>

      {entries.isPending ? (
        <Skeleton lines={6} label={t("common.loading")} />
      ) : entries.error ? (
        <ErrorNote>{entries.error.message}</ErrorNote>
      ) : entries.data.items.length === 0 ? (
        <EmptyState icon={<BookIcon />} title={t("kb.empty")} hint={editable ? t("kb.emptyHint") : undefined} />
      ) : (
        <ul className="entry-list" aria-label={t("kb.title")} aria-busy={entries.isFetching || undefined}>
          {entries.data.items.map((e) => (
            <li key={e.id} className="entry">
              <div className="entry-main">
                <p className="entry-q">{e.question}</p>
                <p className="entry-a">{e.answer}</p>
              </div>
              <div className="entry-side">
                {e.category && <Badge>{e.category}</Badge>}
                {editable && (
                  <span className="entry-actions">
                    <IconButton label={`${t("common.edit")}: ${e.question}`} onClick={() => openForm(e)}>
                      <PencilIcon />
                    </IconButton>
                    <IconButton label={`${t("common.delete")}: ${e.question}`} onClick={() => setDeleting(e)}>
                      <TrashIcon />
                    </IconButton>
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}

      {total > PAGE && (
        <nav className="pager" aria-label="pagination">
          <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t("common.prev")}
          </Button>
          <span className="muted small">
            {offset + 1}–{Math.min(offset + PAGE, total)} / {total}
          </span>
          <Button size="sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            {t("common.next")}
          </Button>
        </nav>
      )}

      <EntryFormDialog
        open={formOpen}
        entry={editing}
        busy={create.isPending || update.isPending}
        error={formError}
        onClose={() => setFormOpen(false)}
        onSubmit={save}
      />
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
                    setDeleting(null);
                    toast.show(t("common.deleted"), "success");
                  },
                  onError: (err) => toast.show(err.message, "error"),
                })
              }
            >
              {t("common.delete")}
            </Button>
          </>
        }
      >
        <p>{deleting?.question}</p>
      </Dialog>
    </div>
  );
}
