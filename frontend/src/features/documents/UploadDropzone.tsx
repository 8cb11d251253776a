import { useRef, useState, type DragEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { UploadIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";
import { ACCEPTED, documentsApi } from "./api";
import { docKeys } from "./hooks";

interface Outcome {
  name: string;
  ok: boolean;
  message: string;
}

/** Drop several files (or pick them): each is uploaded in turn and its outcome listed, refusals with the reason. */
export function UploadDropzone({ ws }: { ws: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);

  const send = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    const results: Outcome[] = [];
    for (const file of files) {
      try {
        await documentsApi.upload(ws, file);
        results.push({ name: file.name, ok: true, message: t("docs.uploaded") });
      } catch (err) {
        const message = err instanceof ApiError ? err.message : String(err);
        results.push({ name: file.name, ok: false, message });
      }
      setOutcomes([...results]);
      await qc.invalidateQueries({ queryKey: docKeys.list(ws) });
    }
    setBusy(false);
    if (input.current) input.current.value = "";
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void send(Array.from(e.dataTransfer.files));
  };

  return (
    <div className="doc-upload">
      <div
        className={`dropzone ${over ? "is-over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        aria-busy={busy || undefined}
      >
        <UploadIcon />
        <p>{t("docs.drop")}</p>
        <label htmlFor="doc-upload-files" className="btn btn-secondary btn-md">
          {t("docs.choose")}
        </label>
        <input
          id="doc-upload-files"
          ref={input}
          type="file"
          multiple
          className="sr-only"
          accept={ACCEPTED}
          aria-label={t("docs.files")}
          onChange={(e) => void send(Array.from(e.target.files ?? []))}
        />
        <p className="muted small">{t("docs.types")}</p>
      </div>
      {outcomes.length > 0 && (
        <ul className="doc-outcomes" aria-label={t("docs.outcomes")}>
          {outcomes.map((o, i) => (
            <li key={`${o.name}-${i}`} role={o.ok ? "status" : "alert"} className={o.ok ? "ok" : "error-note"}>
              <strong>{o.name}</strong>: {o.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
