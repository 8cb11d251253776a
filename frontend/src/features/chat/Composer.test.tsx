import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../../test/render";
import { Composer } from "./Composer";

describe("Composer", () => {
  it("sends on Enter and adds a line on Shift+Enter", async () => {
    const onSend = vi.fn();
    renderWithProviders(<Composer onSend={onSend} onStop={vi.fn()} streaming={false} />);
    const box = screen.getByLabelText("메시지 입력");
    await userEvent.type(box, "첫 줄{Shift>}{Enter}{/Shift}둘째 줄");
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("첫 줄\n둘째 줄");
    await userEvent.type(box, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("첫 줄\n둘째 줄");
    expect(box).toHaveValue("");
  });

  it("does not send while a Korean IME composition is confirmed with Enter", () => {
    const onSend = vi.fn();
    renderWithProviders(<Composer onSend={onSend} onStop={vi.fn()} streaming={false} />);
    const box = screen.getByLabelText("메시지 입력");
    fireEvent.change(box, { target: { value: "안녕" } });
    fireEvent.keyDown(box, { key: "Enter", keyCode: 229 });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("offers a stop button and Escape while streaming", async () => {
    const onStop = vi.fn();
    renderWithProviders(<Composer onSend={vi.fn()} onStop={onStop} streaming />);
    expect(screen.queryByRole("button", { name: "전송" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "정지" }));
    fireEvent.keyDown(screen.getByLabelText("메시지 입력"), { key: "Escape" });
    expect(onStop).toHaveBeenCalledTimes(2);
  });
});
