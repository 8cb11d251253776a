import type { ReactNode } from "react";

/** Inline error message (role=alert) used for failed requests. */
export function ErrorNote({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="error-note" role="alert">
      <span>{children}</span>
      {action}
    </div>
  );
}
