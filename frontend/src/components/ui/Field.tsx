import { useId, type ReactElement, type ReactNode, cloneElement } from "react";

export interface FieldProps {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  /** One form control; it gets id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
  className?: string;
}

/** A label, a control, and an inline hint or error wired up for screen readers. */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId();
  const messageId = `${id}-msg`;
  const control = cloneElement(children, {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error || hint ? messageId : undefined,
  });
  return (
    <div className={["field", error ? "has-error" : "", className].filter(Boolean).join(" ")}>
      <label htmlFor={id}>{label}</label>
      {control}
      {error ? (
        <p id={messageId} className="field-error" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={messageId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
