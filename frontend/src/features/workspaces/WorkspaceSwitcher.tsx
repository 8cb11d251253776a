import { useNavigate } from "react-router-dom";
import { Select } from "../../components/ui/Select";
import { useI18n } from "../../lib/i18n";
import { useWorkspaces } from "./hooks";

/** A labelled select of the caller's workspaces; choosing one opens its chat. */
export function WorkspaceSwitcher({ currentId }: { currentId?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { data: workspaces = [] } = useWorkspaces();
  return (
    <div className="switcher">
      <label htmlFor="ws-switcher" className="sr-only">
        {t("ws.switcher")}
      </label>
      <Select
        id="ws-switcher"
        value={currentId ?? ""}
        onChange={(e) => {
          const id = e.target.value;
          navigate(id ? `/w/${id}/chat` : "/workspaces");
        }}
      >
        <option value="">{t("nav.workspaces")}…</option>
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </Select>
    </div>
  );
}
