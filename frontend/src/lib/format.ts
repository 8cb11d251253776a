import type { Locale } from "./i18n";

export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale === "ko" ? "ko-KR" : "en-US", { dateStyle: "medium", timeStyle: "short" });
}

export function formatNumber(n: number | null | undefined, locale: Locale, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return n.toLocaleString(locale === "ko" ? "ko-KR" : "en-US", { maximumFractionDigits: digits });
}
