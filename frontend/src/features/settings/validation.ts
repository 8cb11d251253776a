import type { SettingsPatch, Strictness, WorkspaceSettings } from "../../api/types";
import type { MessageKey } from "../../lib/i18n";

/** Form values: every field as the user typed it (numbers stay strings until validated). */
export interface SettingsForm {
  profile: Record<keyof WorkspaceSettings["profile"], string>;
  qa: Record<keyof WorkspaceSettings["qa"], string>;
  retrieval: Record<keyof WorkspaceSettings["retrieval"], string>;
}

export type Section = keyof SettingsForm;
export type FieldPath = `${Section}.${string}`;
export interface FieldError {
  key: MessageKey;
  vars?: Record<string, number | string>;
}
export type Errors = Partial<Record<FieldPath, FieldError>>;

interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

export const NUMBER_RULES: Record<string, NumberRule> = {
  "qa.temperature": { min: 0, max: 2 },
  "qa.history_turns": { min: 0, max: 20, integer: true },
  "qa.followup_count": { min: 0, max: 3, integer: true },
  "retrieval.top_k": { min: 1, max: 50, integer: true },
  "retrieval.score_threshold": { min: 0, max: 1 },
  "retrieval.hybrid_weight": { min: 0, max: 1 },
};

export const STRICTNESS: Strictness[] = ["low", "medium", "high"];

/** Fields holding a list, edited as text with one item per line (commas and spaces separate too). */
export const LIST_FIELDS = new Set(["profile.link_hosts"]);

export function parseList(raw: string): string[] {
  return raw.split(/[\s,]+/).filter(Boolean);
}

export function toForm(s: WorkspaceSettings): SettingsForm {
  const str = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, v === null || v === undefined ? "" : Array.isArray(v) ? v.join("\n") : String(v)]),
    ) as Record<
      keyof T,
      string
    >;
  return { profile: str(s.profile), qa: str(s.qa), retrieval: str(s.retrieval) };
}

/** Client-side checks that mirror the server's ranges. */
export function validate(form: SettingsForm): Errors {
  const errors: Errors = {};
  for (const [path, rule] of Object.entries(NUMBER_RULES)) {
    const [section, field] = path.split(".") as [Section, string];
    const raw = (form[section] as Record<string, string>)[field]?.trim() ?? "";
    if (raw === "") {
      errors[path as FieldPath] = { key: "settings.required" };
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < rule.min || n > rule.max) {
      errors[path as FieldPath] = { key: "settings.range", vars: { min: rule.min, max: rule.max } };
    } else if (rule.integer && !Number.isInteger(n)) {
      errors[path as FieldPath] = { key: "settings.integer" };
    }
  }
  if (!STRICTNESS.includes(form.qa.offtopic_strictness as Strictness)) {
    errors["qa.offtopic_strictness"] = { key: "settings.oneOf" };
  }
  return errors;
}

/** Only the fields that changed, with numbers parsed; undefined when nothing changed. */
export function diff(original: WorkspaceSettings, form: SettingsForm): SettingsPatch | undefined {
  const patch: SettingsPatch = {};
  let changed = false;
  for (const section of ["profile", "qa", "retrieval"] as Section[]) {
    const before = original[section] as unknown as Record<string, unknown>;
    const after = form[section] as Record<string, string>;
    const out: Record<string, unknown> = {};
    for (const [field, raw] of Object.entries(after)) {
      const path = `${section}.${field}`;
      if (LIST_FIELDS.has(path)) {
        const items = parseList(raw);
        if (JSON.stringify(items) !== JSON.stringify(before[field] ?? [])) out[field] = items;
        continue;
      }
      const numeric = path in NUMBER_RULES || typeof before[field] === "number";
      const value = typeof before[field] === "boolean" ? raw === "true" : numeric ? Number(raw) : raw;
      if (value !== before[field] && !(raw === "" && (before[field] === null || before[field] === undefined))) {
        out[field] = value;
      }
    }
    if (Object.keys(out).length) {
      (patch as Record<string, unknown>)[section] = out;
      changed = true;
    }
  }
  return changed ? patch : undefined;
}

/** Map a server validation message onto the field it names, if any. */
export function serverFieldErrors(message: string, form: SettingsForm): Partial<Record<FieldPath, string>> {
  const out: Partial<Record<FieldPath, string>> = {};
  for (const section of ["profile", "qa", "retrieval"] as Section[]) {
    for (const field of Object.keys(form[section])) {
      if (message.includes(field)) out[`${section}.${field}` as FieldPath] = message;
    }
  }
  return out;
}
