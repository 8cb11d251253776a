import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { renderWithProviders } from "../../test/render";
import { LoginForm } from "./LoginForm";

describe("LoginForm", () => {
  it("asks for both fields before calling the API", async () => {
    const onLogin = vi.fn();
    renderWithProviders(<LoginForm onLogin={onLogin} />);
    await userEvent.click(screen.getByRole("button", { name: "로그인" }));
    expect(screen.getByRole("alert")).toHaveTextContent("이메일과 비밀번호를 입력하세요.");
    expect(onLogin).not.toHaveBeenCalled();
  });

  it("shows a wrong password inline and keeps the typed email", async () => {
    const onLogin = vi.fn().mockRejectedValue(new ApiError(401, "invalid_credentials", "Invalid email or password"));
    renderWithProviders(<LoginForm onLogin={onLogin} />);
    await userEvent.type(screen.getByLabelText("이메일"), "admin@sangdam.dev");
    await userEvent.type(screen.getByLabelText("비밀번호"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "로그인" }));
    expect(onLogin).toHaveBeenCalledWith("admin@sangdam.dev", "nope");
    expect(await screen.findByRole("alert")).toHaveTextContent("이메일 또는 비밀번호가 올바르지 않습니다.");
    expect(screen.getByLabelText("이메일")).toHaveValue("admin@sangdam.dev");
  });

  it("submits with Enter", async () => {
    const onLogin = vi.fn().mockResolvedValue(undefined);
    renderWithProviders(<LoginForm onLogin={onLogin} />);
    await userEvent.type(screen.getByLabelText("이메일"), "demo@sangdam.dev");
    await userEvent.type(screen.getByLabelText("비밀번호"), "sangdam-demo{Enter}");
    expect(onLogin).toHaveBeenCalledWith("demo@sangdam.dev", "sangdam-demo");
  });
});
