import { describe, expect, it } from "vitest";
import { sideBySide } from "./sideBySide";

describe("sideBySide", () => {
  it("keeps equal lines on both sides and pairs a replaced line with its replacement", () => {
    const rows = sideBySide("a\nb\nc\n", "a\nB\nc\nd\n");
    expect(rows).toEqual([
      { left: "a", right: "a", kind: "same" },
      { left: "b", right: "B", kind: "changed" },
      { left: "c", right: "c", kind: "same" },
      { left: null, right: "d", kind: "added" },
    ]);
  });

  it("shows a removed line only on the left", () => {
    expect(sideBySide("x\ny", "x")).toEqual([
      { left: "x", right: "x", kind: "same" },
      { left: "y", right: null, kind: "removed" },
    ]);
  });
});
