import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FinetuneJob } from "./hooks";
import { useI18n } from "../../lib/i18n";

/** Training and held-out loss per step, growing as the job reports them; the numbers as a table beside it. */
export function LossChart({ metrics }: { metrics: FinetuneJob["metrics"] }) {
  const { t } = useI18n();
  const data = metrics.map((m) => ({ step: m.step, train: m.train_loss, val: m.val_loss, mrr: m.mrr }));
  return (
    <figure aria-label={t("finetune.lossCurve")} className="loss-chart">
      <div style={{ width: "100%", height: 220 }}>
        <ResponsiveContainer>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" />
            <YAxis />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="train" name={t("finetune.trainLoss")} stroke="#2563eb" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="val" name={t("finetune.valLoss")} stroke="#db2777" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <table className="table" aria-label={t("finetune.steps")}>
        <thead>
          <tr>
            <th>{t("finetune.step")}</th>
            <th>{t("finetune.trainLoss")}</th>
            <th>{t("finetune.valLoss")}</th>
            <th>MRR</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.step}>
              <td>{d.step}</td>
              <td>{d.train ?? "–"}</td>
              <td>{d.val?.toFixed(4) ?? "–"}</td>
              <td>{d.mrr ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
