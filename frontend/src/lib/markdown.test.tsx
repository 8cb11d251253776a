import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Markdown } from "./markdown";

describe("Markdown", () => {
  it("renders raw HTML as text, never as elements", () => {
    const { container } = render(<Markdown text={'<img src=x onerror="alert(1)"><script>alert(2)</script> **굵게**'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.textContent).toContain("<script>alert(2)</script>");
    expect(container.querySelector("strong")?.textContent).toBe("굵게");
  });

  it("only links http(s) URLs", () => {
    const { container } = render(<Markdown text="[안전](https://sell.smartstore.naver.com) [위험](javascript:alert(1))" />);
    const links = container.querySelectorAll("a");
    expect(links).toHaveLength(1);
    expect(links[0].getAttribute("href")).toBe("https://sell.smartstore.naver.com");
    expect(links[0].getAttribute("rel")).toContain("noopener");
    expect(container.textContent).toContain("[위험](javascript:alert(1))");
  });

  it("handles lists, code and line breaks", () => {
    const { container } = render(<Markdown text={"1. 하나\n2. 둘\n\n```\ncode <b>\n```\n줄1\n줄2"} />);
    expect(container.querySelectorAll("ol li")).toHaveLength(2);
    expect(container.querySelector("pre code")?.textContent).toBe("code <b>");
    expect(container.querySelectorAll("p br")).toHaveLength(1);
  });
});
