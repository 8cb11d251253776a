import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Dashboard } from "../../api/types";
import { Card } from "../../components/ui/Card";
import { formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";

export type DayRow = Dashboard["days"][number];

export interface Series {
  label: string;
  value: (d: DayRow) => number | null;
  color: string;
}

const COLORS = ["var(--accent, #3366cc)", "#e07b39", "#2f9e6b", "#b03a48"];
export const seriesColor = (i: number) => COLORS[i % COLORS.length];

/** One chart over the period's days (Recharts, hidden from screen readers) and the same figures as a table. */
export function DayChart({ title, days, series, kind }: { title: string; days: DayRow[]; series: Series[]; kind: "line" | "bar" }) {
  const { t, locale } = useI18n();
  const id = useId();
  const data = days.map((d) => ({ day: d.day.slice(5), ...Object.fromEntries(series.map((s) => [s.label, s.value(d)])) }));
  const Chart = kind === "line" ? LineChart : BarChart;
  return (
    <Card className="dash-chart">
      <figure aria-labelledby={id} data-testid="day-chart">
        <figcaption id={id} className="section-title">{title}</figcaption>
        <div aria-hidden="true" className="dash-chart-plot">
          <ResponsiveContainer width="100%" height={220}>
            <Chart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" fontSize={11} />
              <YAxis fontSize={11} width={48} />
              <Tooltip />
              <Legend />
              {series.map((s, i) =>
                kind === "line" ? (
                  <Line key={s.label} type="monotone" dataKey={s.label} stroke={s.color || seriesColor(i)} dot={false}
                    isAnimationActive={false} connectNulls />
                ) : (
                  <Bar key={s.label} dataKey={s.label} fill={s.color || seriesColor(i)} isAnimationActive={false} />
                ),
              )}
            </Chart>
          </ResponsiveContainer>
        </div>
        {/* The chart's figures for screen readers (the plot itself is hidden from them). */}
        <div className="sr-only">
          <table>
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t("dash.day")}</th>
                {series.map((s) => <th key={s.label} scope="col" className="num">{s.label}</th>)}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  {series.map((s) => <td key={s.label} className="num">{formatNumber(s.value(d), locale)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
    </Card>
  );
}
