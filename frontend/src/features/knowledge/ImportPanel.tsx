import { useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { knowledgeApi } from "../../api/endpoints";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { RefreshIcon, UploadIcon } from "../../components/ui/icons";
import { useI18n } from "../../lib/i18n";
import { isActive, kbKeys, useJobs } from "./hooks";

/** Upload a FAQ file or start a re-embed; the jobs list below follows the job. */
export function ImportPanel({ ws }: { ws: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = (useJobs(ws).data ?? []).some(isActive);

  const start = async (run: () => Promise<unknown>) => {
    setStarting(true);
    setError(null);
    try {
      await run();
      await qc.invalidateQueries({ queryKey: kbKeys.jobs(ws) });
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setStarting(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void start(() => knowledgeApi.importFile(ws, file)).then((ok) => {
      if (!ok) return;
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
    });
  };

  return (
    <div className="import-panel">
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="kb-import-file">{t("kb.importFile")}</label>
          <input
            id="kb-import-file"
            ref={fileInput}
            type="file"
            className="input"
            accept=".pkl,.pickle,.json,.jsonl,.csv,.gz"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <Button type="submit" variant="primary" icon={<UploadIcon />} disabled={!file || running} loading={starting}>
          {t("kb.importStart")}
        </Button>
        <Button icon={<RefreshIcon />} disabled={running || starting} onClick={() => void start(() => knowledgeApi.reembed(ws))}>
          {t("kb.reembed")}
        </Button>
      </form>
      {error && <ErrorNote>{error}</ErrorNote>}
    </div>
  );
}
