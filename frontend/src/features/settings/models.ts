import { useQuery } from "@tanstack/react-query";
import { modelsApi } from "../../api/endpoints";
import type { ModelInfo } from "../../api/types";

/** The server's model catalogue; it changes only with the server's configuration. */
export function useModels() {
  return useQuery({ queryKey: ["models"], queryFn: modelsApi.list, staleTime: 5 * 60_000 });
}

/** Providers offering models of `kind`, in catalogue order, without repeats. */
export function providerChoices(models: ModelInfo[], kind: ModelInfo["kind"]): string[] {
  return [...new Set(models.filter((m) => m.kind === kind).map((m) => m.provider))];
}

/** Models of one provider and kind, the provider's default first. */
export function modelChoices(models: ModelInfo[], kind: ModelInfo["kind"], provider: string): ModelInfo[] {
  return models
    .filter((m) => m.kind === kind && m.provider === provider)
    .sort((a, b) => Number(b.default) - Number(a.default));
}

/** What an option shows besides the name: width or context, and whether this server can run it. */
export function modelLabel(m: ModelInfo, unavailable: string): string {
  const size = m.kind === "embedding" ? m.dimensions && `${m.dimensions}d` : m.context_length && contextLabel(m.context_length);
  const bits = [size, m.available ? null : unavailable].filter(Boolean);
  return bits.length ? `${m.name} (${bits.join(", ")})` : m.name;
}

function contextLabel(tokens: number): string {
  return tokens >= 1_000_000 ? `${Math.round(tokens / 100_000) / 10}M` : `${Math.round(tokens / 1000)}k`;
}
