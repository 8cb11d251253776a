import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { ItemList } from "../../api/types";
import { I18nProvider } from "../../lib/i18n";
import { chatKeys, type UiMessage } from "./hooks";
import { useChatStream } from "./useChatStream";

const enc = new TextEncoder();
const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function setup() {
  const client = new QueryClient();
  client.setQueryData(chatKeys.messages("ws", "s1"), { items: [] });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <I18nProvider locale="ko">
        <MemoryRouter>{children}</MemoryRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
  const hook = renderHook(() => useChatStream("ws", "s1"), { wrapper });
  const messages = () => client.getQueryData<ItemList<UiMessage>>(chatKeys.messages("ws", "s1"))!.items;
  return { hook, messages };
}

afterEach(() => vi.unstubAllGlobals());

describe("useChatStream", () => {
  it("streams tokens, sources, follow-ups and the refused flag into the session's messages", async () => {
    tokens.set({ access_token: "a", refresh_token: "r" });
    const body = [
      frame("meta", { session_id: "s1", user_message_id: "u1", assistant_message_id: "a1", standalone_query: "q" }),
      frame("sources", { sources: [{ entry_id: "e1", question: "Q", category: "배송", score: 0.5 }] }),
      frame("token", { text: "저는 " }),
      frame("token", { text: "스마트 스토어 챗봇입니다." }),
      frame("followups", { followups: [{ question: "F?", entry_id: "e2" }] }),
      frame("done", { message_id: "a1", refused: true, latency_ms: { retrieval: 3.2, total: 41.5 }, usage: {} }),
    ].join("");
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) =>
      new Response(
        new ReadableStream({
          start(c) {
            // split in the middle of a frame
            c.enqueue(enc.encode(body.slice(0, 57)));
            c.enqueue(enc.encode(body.slice(57)));
            c.close();
          },
        }),
        { status: 200 },
      ),
    );
    vi.stubGlobal("fetch", fetchMock);
    const { hook, messages } = setup();
    await act(() => hook.result.current.send("파스타 맛집?", null));

    const [user, answer] = messages();
    // The cache holds what GET .../messages will return after a reload.
    expect(user).toMatchObject({ id: "u1", role: "user", content: "파스타 맛집?", standalone_query: "q" });
    expect(answer).toMatchObject({
      id: "a1",
      content: "저는 스마트 스토어 챗봇입니다.",
      refused: true,
      streaming: false,
      followups: [{ question: "F?", entry_id: "e2" }],
      standalone_query: "q",
      latency_ms: { retrieval: 3.2, total: 41.5 },
    });
    expect(answer.sources).toHaveLength(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/workspaces/ws/chat/sessions/s1/messages");
    expect(JSON.parse(String(init.body))).toEqual({ content: "파스타 맛집?" });
    expect(new Headers(init.headers).get("Authorization")).toBe("Bearer a");
    expect(hook.result.current.streaming).toBe(false);
  });

  it("sends followup_entry_id for a follow-up and shows an error event inline", async () => {
    const fetchMock = vi.fn(async () =>
      new Response(frame("error", { error: "llm_unavailable", message: "모델 오류" }), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const { hook, messages } = setup();
    await act(() => hook.result.current.send("서류는?", "e9"));
    expect(JSON.parse(String((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body))).toEqual({
      content: "서류는?",
      followup_entry_id: "e9",
    });
    const [user, answer] = messages();
    expect(user.content).toBe("서류는?");
    expect(answer.error).toContain("모델 오류");
    expect(answer.streaming).toBe(false);
  });

  it("stop aborts the stream and keeps the partial answer as interrupted", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_u: string, init: RequestInit) => {
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            controller = c;
            c.enqueue(enc.encode(frame("token", { text: "부분 답변" })));
          },
        });
        init.signal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
        return new Response(stream, { status: 200 });
      }),
    );
    const { hook, messages } = setup();
    let sending!: Promise<void>;
    act(() => {
      sending = hook.result.current.send("긴 질문", null);
    });
    await waitFor(() => expect(messages()[1]?.content).toBe("부분 답변"));
    expect(hook.result.current.streaming).toBe(true);
    act(() => hook.result.current.stop());
    await act(() => sending);
    expect(messages()[1]).toMatchObject({ content: "부분 답변", status: "interrupted", streaming: false });
    expect(messages()[1].error).toBeFalsy();
    expect(hook.result.current.streaming).toBe(false);
  });
});
