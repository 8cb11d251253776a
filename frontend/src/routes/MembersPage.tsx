import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { Role } from "../api/types";
import { Button } from "../components/ui/Button";
import { Card } from "../components/ui/Card";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Input } from "../components/ui/Input";
import { Select } from "../components/ui/Select";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { useAuth } from "../features/auth/AuthProvider";
import { InvitationsTable } from "../features/workspaces/InvitationsTable";
import { InviteLinkNotice } from "../features/workspaces/InviteLinkNotice";
import { useInvitationMutations, useMemberMutations, useMembers } from "../features/workspaces/hooks";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";

const ROLES: Role[] = ["owner", "editor", "member"];

/** The server's reply in the UI's language where it has a known code (its message is English). */
function inviteError(err: Error, t: ReturnType<typeof useI18n>["t"]): string {
  const code = err instanceof ApiError ? err.code : "";
  if (code === "conflict") return t("members.alreadyMember");
  if (code === "too_many_invitations") return t("members.tooManyInvitations");
  if (code === "validation_error") return t("members.badEmail");
  return err.message;
}

export function MembersPage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const { me } = useAuth();
  const isOwner = ws.role === "owner";
  const { data, isPending, error } = useMembers(ws.id);
  const { setRole, remove } = useMemberMutations(ws.id);
  const { invite } = useInvitationMutations(ws.id);
  const [email, setEmail] = useState("");
  const [role, setNewRole] = useState<Role>("member");
  const [formError, setFormError] = useState<string | null>(null);
  const [link, setLink] = useState<{ email: string; path: string } | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim()) {
      setFormError(t("settings.required"));
      return;
    }
    setFormError(null);
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (sent) => {
          setEmail("");
          // The same words whether or not the address has an account: the server does not say either.
          toast.show(t("members.invited", { email: sent.email }), "success");
          if (sent.invite_path) setLink({ email: sent.email, path: sent.invite_path });
        },
        onError: (err) => setFormError(inviteError(err, t)),
      },
    );
  };

  const onError = (err: Error) => toast.show(err.message, "error");

  return (
    <div className="page">
      <header className="page-head">
        <h1 className="page-title">{t("members.title")}</h1>
        <p className="muted">{ws.name}</p>
      </header>
      {!isOwner && <p className="notice">{t("members.ownersOnly")}</p>}
      {isPending ? (
        <Skeleton lines={4} label={t("common.loading")} />
      ) : error ? (
        <ErrorNote>{error.message}</ErrorNote>
      ) : (
        <Card className="table-card">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("members.name")}</th>
                <th scope="col">{t("members.email")}</th>
                <th scope="col">{t("members.role")}</th>
                {isOwner && <th scope="col"><span className="sr-only">{t("members.remove")}</span></th>}
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.user_id}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>
                    {isOwner && m.user_id !== me?.id ? (
                      <Select
                        aria-label={t("members.roleOf", { name: m.name || m.email })}
                        value={m.role}
                        onChange={(e) => setRole.mutate({ userId: m.user_id, role: e.target.value as Role }, { onError })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`ws.role.${r}`)}
                          </option>
                        ))}
                      </Select>
                    ) : (
                      t(`ws.role.${m.role}`)
                    )}
                  </td>
                  {isOwner && (
                    <td className="cell-actions">
                      {m.user_id !== me?.id && (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => remove.mutate(m.user_id, { onError })}
                          aria-label={`${t("members.remove")}: ${m.email}`}
                        >
                          {t("members.remove")}
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {isOwner && (
        <section className="section" aria-labelledby="add-member-title">
          <h2 id="add-member-title" className="section-title">
            {t("members.add")}
          </h2>
          <Card>
            <p className="muted small">{t("members.inviteHint")}</p>
            <form className="inline-form" onSubmit={submit} noValidate>
              <Field label={t("members.email")} error={formError}>
                <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
              </Field>
              <Field label={t("members.role")}>
                <Select value={role} onChange={(e) => setNewRole(e.target.value as Role)}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`ws.role.${r}`)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Button type="submit" variant="primary" loading={invite.isPending}>
                {t("members.invite")}
              </Button>
            </form>
          </Card>
          {link && <InviteLinkNotice email={link.email} path={link.path} onDismiss={() => setLink(null)} />}
        </section>
      )}
      {isOwner && (
        <section className="section" aria-labelledby="pending-invitations-title">
          <h2 id="pending-invitations-title" className="section-title">
            {t("members.pending")}
          </h2>
          <InvitationsTable workspaceId={ws.id} />
        </section>
      )}
    </div>
  );
}
