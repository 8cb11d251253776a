import { lazy, Suspense, type ComponentProps } from "react";
import { Skeleton } from "../../components/ui/Skeleton";
import { useI18n } from "../../lib/i18n";

// Recharts is most of the dashboard's weight: it loads with the dashboard, not with the chat.
const DashboardView = lazy(() => import("./DashboardView").then((m) => ({ default: m.DashboardView })));

/** The dashboard, loaded on first show. */
export function LazyDashboardView(props: ComponentProps<typeof DashboardView>) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<Skeleton lines={6} label={t("common.loading")} />}>
      <DashboardView {...props} />
    </Suspense>
  );
}
