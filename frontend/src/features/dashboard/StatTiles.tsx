import type { Dashboard } from "../../api/types";
import { formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);

/** The period's totals as a list of labelled figures. */
export function StatTiles({ totals }: { totals: Dashboard["totals"] }) {
  const { t, locale } = useI18n();
  const n = (v: number) => formatNumber(v, locale);
  const tiles: [string, string][] = [
    [t("dash.questions"), n(totals.questions)],
    [t("dash.activeUsers"), n(totals.active_users)],
    [t("dash.refusalRate"), pct(totals.refusal_rate)],
    [t("dash.followupRate"), pct(totals.followup_click_rate)],
    [t("dash.feedback"), `${n(totals.feedback_up)} / ${n(totals.feedback_down)}`],
    [t("dash.cost"), `$${totals.cost_usd.toFixed(4)}`],
  ];
  return (
    <dl className="dash-tiles">
      {tiles.map(([label, value]) => (
        <div key={label} className="dash-tile">
          <dt className="muted small">{label}</dt>
          <dd className="dash-tile-value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
