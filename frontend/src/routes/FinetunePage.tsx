import { Card } from "../components/ui/Card";
import { AdapterList } from "../features/finetune/AdapterList";
import { FinetuneJobPanel } from "../features/finetune/FinetuneJobPanel";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

/** Fine-tuning (workspace owners): launch jobs, watch the loss curve, activate or roll back adapters. */
export function FinetunePage() {
  const { t } = useI18n();
  const ws = useCurrentWorkspace();
  if (ws.role !== "owner") return <StatusPage kind="forbidden" />;
  return (
    <div className="page">
      <header className="page-head">
        <h1 className="page-title">{t("finetune.title")}</h1>
        <p className="muted">{ws.name}</p>
      </header>
      <section className="section" aria-labelledby="ft-jobs">
        <h2 id="ft-jobs" className="section-title">{t("finetune.jobs")}</h2>
        <Card>
          <FinetuneJobPanel ws={ws.id} />
        </Card>
      </section>
      <section className="section" aria-labelledby="ft-adapters">
        <h2 id="ft-adapters" className="section-title">{t("finetune.adapters")}</h2>
        <Card>
          <AdapterList ws={ws.id} />
        </Card>
      </section>
    </div>
  );
}
