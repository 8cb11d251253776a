import type { Followup } from "../../api/types";
import { useI18n } from "../../lib/i18n";

export function FollowupChips({
  followups,
  onPick,
  disabled,
  label,
}: {
  followups: Followup[];
  onPick: (f: Followup) => void;
  disabled?: boolean;
  /** The group's accessible name (default: the follow-ups' label). */
  label?: string;
}) {
  const { t } = useI18n();
  if (followups.length === 0) return null;
  return (
    <div className="followups" role="group" aria-label={label ?? t("chat.followups")}>
      {followups.map((f, i) => (
        <button
          key={`${f.entry_id ?? "q"}-${i}`}
          type="button"
          className="chip"
          disabled={disabled}
          onClick={() => onPick(f)}
          title={f.offer ? f.question : undefined}
        >
          {f.offer ?? f.question}
        </button>
      ))}
    </div>
  );
}
