import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Period } from "../../api/endpoints";
import type { Dashboard } from "../../api/types";
import { Card } from "../../components/ui/Card";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Select } from "../../components/ui/Select";
import { Skeleton } from "../../components/ui/Skeleton";
import { formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";
import { DayChart, seriesColor } from "./DayChart";
import { StatTiles } from "./StatTiles";

const PERIODS = [7, 30, 90] as const;

function periodOf(days: number): Period {
  const end = new Date();
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { start: iso(start), end: iso(end) };
}

/** The dashboard of one workspace or of the platform: period picker, totals, charts over days, models, versions. */
export function DashboardView({ queryKey, load }: { queryKey: unknown[]; load: (p: Period) => Promise<Dashboard> }) {
  const { t, locale } = useI18n();
  const [days, setDays] = useState<number>(30);
  const period = periodOf(days);
  const query = useQuery({ queryKey: [...queryKey, "dashboard", period], queryFn: () => load(period) });
  const n = (v: number | null | undefined, d = 0) => formatNumber(v, locale, d);
  return (
    <section aria-label={t("dash.title")} className="dash">
      <div className="inline-form">
        <Field label={t("dash.period")}>
          <Select value={String(days)} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => <option key={p} value={p}>{t("dash.lastDays", { n: p })}</option>)}
          </Select>
        </Field>
      </div>
      {query.isPending ? (
        <Skeleton lines={6} label={t("common.loading")} />
      ) : query.error ? (
        <ErrorNote>{query.error.message}</ErrorNote>
      ) : (
        <>
          <StatTiles totals={query.data.totals} />
          <div className="grid-2">
            <DayChart title={t("dash.messagesPerDay")} kind="line" days={query.data.days} series={[
              { label: t("dash.questions"), value: (d) => d.questions, color: seriesColor(0) },
              { label: t("dash.activeUsers"), value: (d) => d.active_users, color: seriesColor(1) },
            ]} />
            <DayChart title={t("dash.qualityPerDay")} kind="bar" days={query.data.days} series={[
              { label: t("dash.refusals"), value: (d) => d.refusals, color: seriesColor(3) },
              { label: t("dash.feedbackUp"), value: (d) => d.feedback_up, color: seriesColor(2) },
              { label: t("dash.feedbackDown"), value: (d) => d.feedback_down, color: seriesColor(1) },
            ]} />
            <DayChart title={t("dash.latencyPerDay")} kind="line" days={query.data.days} series={[
              { label: "p50 ms", value: (d) => d.latency_total.p50, color: seriesColor(0) },
              { label: "p95 ms", value: (d) => d.latency_total.p95, color: seriesColor(3) },
            ]} />
            <DayChart title={t("dash.tokensPerDay")} kind="bar" days={query.data.days} series={[
              { label: t("dash.promptTokens"), value: (d) => d.prompt_tokens, color: seriesColor(0) },
              { label: t("dash.completionTokens"), value: (d) => d.completion_tokens, color: seriesColor(1) },
            ]} />
          </div>
          <Card className="table-card">
            <table className="table" aria-label={t("dash.latency")}>
              <thead>
                <tr>
                  <th scope="col">{t("dash.latency")}</th>
                  <th scope="col" className="num">p50 ms</th>
                  <th scope="col" className="num">p95 ms</th>
                </tr>
              </thead>
              <tbody>
                {(["retrieval", "first_token", "total"] as const).map((k) => (
                  <tr key={k}>
                    <th scope="row">{t(`dash.latency.${k}`)}</th>
                    <td className="num">{n(query.data.latency[k].p50, 1)}</td>
                    <td className="num">{n(query.data.latency[k].p95, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card className="table-card">
            <table className="table" aria-label={t("dash.models")}>
              <thead>
                <tr>
                  <th scope="col">{t("dash.model")}</th>
                  <th scope="col" className="num">{t("dash.answers")}</th>
                  <th scope="col" className="num">{t("dash.promptTokens")}</th>
                  <th scope="col" className="num">{t("dash.completionTokens")}</th>
                  <th scope="col" className="num">{t("dash.cost")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.models.map((m) => (
                  <tr key={m.model}>
                    <th scope="row"><code>{m.model}</code></th>
                    <td className="num">{n(m.answers)}</td>
                    <td className="num">{n(m.prompt_tokens)}</td>
                    <td className="num">{n(m.completion_tokens)}</td>
                    <td className="num">{m.cost_usd === null ? t("dash.noPrice") : `$${m.cost_usd.toFixed(4)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card className="table-card">
            <table className="table" aria-label={t("dash.versions")}>
              <thead>
                <tr>
                  <th scope="col">{t("dash.version")}</th>
                  <th scope="col" className="num">{t("dash.answers")}</th>
                  <th scope="col" className="num">{t("dash.refusalRate")}</th>
                  <th scope="col" className="num">{t("dash.feedback")}</th>
                </tr>
              </thead>
              <tbody>
                {query.data.prompt_versions.map((v) => (
                  <tr key={v.prompt_version_id ?? "none"}>
                    <th scope="row">{v.prompt_key ? `${v.prompt_key} v${v.version}` : t("dash.noPrompt")}</th>
                    <td className="num">{n(v.answers)}</td>
                    <td className="num">{v.refusal_rate === null ? "–" : `${(v.refusal_rate * 100).toFixed(1)}%`}</td>
                    <td className="num">{n(v.feedback_up)} / {n(v.feedback_down)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      )}
    </section>
  );
}
