import { useEffect, useState, type FormEvent } from "react";
import { NavLink, useNavigate } from "react-router-dom";
import type { ChatSession } from "../../api/types";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { Field } from "../../components/ui/Field";
import { IconButton } from "../../components/ui/IconButton";
import { Input } from "../../components/ui/Input";
import { Skeleton } from "../../components/ui/Skeleton";
import { useToast } from "../../components/ui/Toast";
import { PencilIcon, SearchIcon, TrashIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";
import { useSessionMutations, useSessions } from "./hooks";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** Sidebar list of conversations with search, rename and delete. */
export function SessionList({ ws, activeId }: { ws: string; activeId?: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim(), 250);
  const { data: sessions, isPending, isError } = useSessions(ws, query);
  const { rename, remove } = useSessionMutations(ws);
  const [renaming, setRenaming] = useState<ChatSession | null>(null);
  const [title, setTitle] = useState("");
  const [deleting, setDeleting] = useState<ChatSession | null>(null);

  const submitRename = (e: FormEvent) => {
    e.preventDefault();
    if (!renaming || !title.trim()) return;
    rename.mutate(
      { sid: renaming.id, title: title.trim() },
      { onSuccess: () => setRenaming(null), onError: (err) => toast.show(err.message, "error") },
    );
  };

  const confirmDelete = () => {
    if (!deleting) return;
    const sid = deleting.id;
    remove.mutate(sid, {
      onSuccess: () => {
        setDeleting(null);
        toast.show(t("chat.deleted"), "success");
        if (sid === activeId) navigate(`/w/${ws}/chat`);
      },
      onError: (err) => toast.show(err.message, "error"),
    });
  };

  return (
    <nav className="sessions" aria-label={t("chat.sessions")}>
      <div className="search-box">
        <SearchIcon />
        <label htmlFor="session-search" className="sr-only">
          {t("chat.searchSessions")}
        </label>
        <input
          id="session-search"
          type="search"
          className="input input-sm"
          placeholder={t("chat.searchSessions")}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {isPending ? (
        <Skeleton lines={4} label={t("common.loading")} />
      ) : isError ? (
        <p className="muted small">{t("common.error")}</p>
      ) : sessions && sessions.length > 0 ? (
        <ul className="session-list">
          {sessions.map((s) => (
            <li key={s.id} className={`session ${s.id === activeId ? "is-active" : ""}`}>
              <NavLink to={`/w/${ws}/chat/${s.id}`} className="session-link" title={s.title}>
                {s.title || t("chat.newChat")}
              </NavLink>
              <span className="session-actions">
                <IconButton
                  label={`${t("common.rename")}: ${s.title}`}
                  onClick={() => {
                    setTitle(s.title);
                    setRenaming(s);
                  }}
                >
                  <PencilIcon />
                </IconButton>
                <IconButton label={`${t("common.delete")}: ${s.title}`} onClick={() => setDeleting(s)}>
                  <TrashIcon />
                </IconButton>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small sessions-empty">{t("chat.noSessions")}</p>
      )}

      <Dialog open={Boolean(renaming)} title={t("common.rename")} onClose={() => setRenaming(null)}>
        <form onSubmit={submitRename} className="stack">
          <Field label={t("chat.renamePrompt")}>
            <Input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
          </Field>
          <div className="row-end">
            <Button onClick={() => setRenaming(null)}>{t("common.cancel")}</Button>
            <Button type="submit" variant="primary" loading={rename.isPending}>
              {t("common.save")}
            </Button>
          </div>
        </form>
      </Dialog>

      <Dialog
        open={Boolean(deleting)}
        title={t("common.confirmDelete")}
        onClose={() => setDeleting(null)}
        footer={
          <>
            <Button onClick={() => setDeleting(null)}>{t("common.cancel")}</Button>
            <Button variant="danger" onClick={confirmDelete} loading={remove.isPending}>
              {t("common.delete")}
            </Button>
          </>
        }
      >
        <p>{deleting?.title}</p>
      </Dialog>
    </nav>
  );
}
