import { diffLines } from "diff";

export interface DiffRow {
  left: string | null; // the old version's line (null: nothing on this side)
  right: string | null;
  kind: "same" | "removed" | "added" | "changed";
}

/** Pair the two versions' lines for a side-by-side view: removals beside the additions that replace them. */
export function sideBySide(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const eol = (t: string) => (t.endsWith("\n") ? t : `${t}\n`); // a missing final newline is no change
  const parts = diffLines(eol(oldText), eol(newText));
  const lines = (v: string) => v.replace(/\n$/, "").split("\n");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p.added && !p.removed) {
      for (const l of lines(p.value)) rows.push({ left: l, right: l, kind: "same" });
    } else if (p.removed) {
      const next = parts[i + 1];
      const gone = lines(p.value);
      const came = next?.added ? lines(next.value) : [];
      if (next?.added) i++;
      for (let j = 0; j < Math.max(gone.length, came.length); j++) {
        const left = gone[j] ?? null;
        const right = came[j] ?? null;
        const kind = left === null ? "added" : right === null ? "removed" : left === right ? "same" : "changed";
        rows.push({ left, right, kind });
      }
    } else {
      for (const l of lines(p.value)) rows.push({ left: null, right: l, kind: "added" });
    }
  }
  return rows;
}
