import { describe, expect, it, vi } from "vitest";
import { SSEError, SSEParser, isAbortError, readSSE, streamSSE, type SSEMessage } from "./sse";

const enc = new TextEncoder();

/** A body that hands out the given chunks one by one (strings or raw bytes). */
function bodyOf(chunks: (string | Uint8Array)[], opts: { failAfter?: boolean } = {}) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) {
        const c = chunks[i++];
        controller.enqueue(typeof c === "string" ? enc.encode(c) : c);
      } else if (opts.failAfter) {
        controller.error(new TypeError("network error"));
      } else {
        controller.close();
      }
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>, signal?: AbortSignal) {
  const out: SSEMessage[] = [];
  for await (const m of readSSE(body, signal)) out.push(m);
  return out;
}

describe("SSEParser", () => {
  it("parses one event with a JSON payload", () => {
    const p = new SSEParser();
    const events = p.feed('event: token\ndata: {"text":"안녕"}\n\n');
    expect(events).toEqual([{ event: "token", data: '{"text":"안녕"}' }]);
  });

  it("joins a frame split across many chunks, even mid-field", () => {
    const p = new SSEParser();
    const frame = 'event: sources\ndata: {"sources":[]}\n\n';
    const out: SSEMessage[] = [];
    for (const ch of frame) out.push(...p.feed(ch));
    expect(out).toEqual([{ event: "sources", data: '{"sources":[]}' }]);
  });

  it("returns several events from one chunk", () => {
    const p = new SSEParser();
    const out = p.feed("event: token\ndata: a\n\nevent: token\ndata: b\n\nevent: done\ndata: {}\n\n");
    expect(out.map((e) => [e.event, e.data])).toEqual([
      ["token", "a"],
      ["token", "b"],
      ["done", "{}"],
    ]);
  });

  it("accepts CRLF and bare CR line endings, including a CRLF split between chunks", () => {
    const p = new SSEParser();
    const out = [
      ...p.feed("event: token\r\ndata: x\r"),
      ...p.feed("\n\r\nevent: token\rdata: y\r\r"),
    ];
    expect(out.map((e) => e.data)).toEqual(["x", "y"]);
  });

  it("joins multi-line data, skips comments and defaults the event name", () => {
    const p = new SSEParser();
    const out = p.feed(": keep-alive\ndata: line1\ndata: line2\nid: 7\n\n");
    expect(out).toEqual([{ event: "message", data: "line1\nline2", id: "7" }]);
  });

  it("ignores a frame without data", () => {
    const p = new SSEParser();
    expect(p.feed("event: ping\n\n")).toEqual([]);
  });
});

describe("readSSE", () => {
  it("decodes multi-byte characters split across byte chunks", async () => {
    const bytes = enc.encode('event: token\ndata: {"text":"한글"}\n\n');
    // Split inside the 3-byte UTF-8 sequence of "한".
    const cut = bytes.indexOf(0xed) + 1;
    const out = await collect(bodyOf([bytes.slice(0, cut), bytes.slice(cut)]));
    expect(JSON.parse(out[0].data)).toEqual({ text: "한글" });
  });

  it("drops an unterminated trailing frame", async () => {
    const out = await collect(bodyOf(["event: token\ndata: a\n\n", "event: token\ndata: half"]));
    expect(out).toHaveLength(1);
  });

  it("stops with an AbortError when the signal aborts mid-stream", async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode("event: token\ndata: a\n\n"));
        // never closes: a server that keeps streaming
      },
    });
    const seen: string[] = [];
    const run = (async () => {
      for await (const m of readSSE(body, controller.signal)) {
        seen.push(m.data);
        controller.abort();
      }
    })();
    await expect(run).rejects.toSatisfy(isAbortError);
    expect(seen).toEqual(["a"]);
  });
});

function sseResponse(chunks: string[], init: ResponseInit = {}, failAfter = false) {
  return new Response(bodyOf(chunks, { failAfter }), {
    status: 200,
    headers: { "Content-Type": "text/event-stream" },
    ...init,
  });
}

describe("streamSSE", () => {
  it("dispatches events in order and sends the Accept header", async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) =>
      sseResponse(["event: meta\ndata: {}\n\nevent: tok", "en\ndata: {\"text\":\"a\"}\n\nevent: done\ndata: {}\n\n"]),
    );
    const events: string[] = [];
    await streamSSE("/x", { method: "POST", body: "{}" }, { fetchImpl, onEvent: (m) => events.push(m.event) });
    expect(events).toEqual(["meta", "token", "done"]);
    const headers = new Headers(fetchImpl.mock.calls[0][1].headers);
    expect(headers.get("Accept")).toBe("text/event-stream");
  });

  it("surfaces the error envelope of a non-2xx response without retrying 4xx", async () => {
    const fetchImpl = vi.fn(async () =>
      new Response(JSON.stringify({ error: "validation_error", message: "내용이 비었습니다" }), { status: 422 }),
    );
    const err = await streamSSE("/x", {}, { fetchImpl, retries: 3, onEvent: () => undefined }).catch((e) => e);
    expect(err).toBeInstanceOf(SSEError);
    expect(err).toMatchObject({ status: 422, code: "validation_error", message: "내용이 비었습니다" });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("reconnects after a network failure before any event", async () => {
    let calls = 0;
    const fetchImpl = vi.fn(async () => {
      calls++;
      if (calls === 1) throw new TypeError("Failed to fetch");
      if (calls === 2) return new Response("busy", { status: 503 });
      return sseResponse(["event: done\ndata: {}\n\n"]);
    });
    const events: string[] = [];
    await streamSSE("/x", {}, { fetchImpl, retries: 2, retryDelayMs: 1, onEvent: (m) => events.push(m.event) });
    expect(fetchImpl).toHaveBeenCalledTimes(3);
    expect(events).toEqual(["done"]);
  });

  it("waits as long as Retry-After says and retries only what `retryable` allows", async () => {
    vi.useFakeTimers();
    try {
      const fetchImpl = vi
        .fn()
        .mockResolvedValueOnce(
          new Response(JSON.stringify({ error: "overloaded", message: "busy", retry_after: 2 }), {
            status: 503,
            headers: { "Retry-After": "2" },
          }),
        )
        .mockResolvedValueOnce(sseResponse(["event: done\ndata: {}\n\n"]));
      const events: string[] = [];
      const done = streamSSE("/x", {}, {
        fetchImpl,
        retries: 2,
        retryDelayMs: 1,
        retryable: (failure) => failure === 503,
        onEvent: (m) => events.push(m.event),
      });
      await vi.advanceTimersByTimeAsync(1500);
      expect(fetchImpl).toHaveBeenCalledTimes(1); // still waiting out the 2 s
      await vi.advanceTimersByTimeAsync(600);
      await done;
      expect(fetchImpl).toHaveBeenCalledTimes(2);
      expect(events).toEqual(["done"]);
    } finally {
      vi.useRealTimers();
    }

    const network = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const err = await streamSSE("/x", {}, {
      fetchImpl: network,
      retries: 2,
      retryDelayMs: 1,
      retryable: (failure) => failure === 503,
      onEvent: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "network_error" });
    expect(network).toHaveBeenCalledTimes(1); // the question may have been saved: never sent twice
  });

  it("gives up after the retry budget", async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const err = await streamSSE("/x", {}, { fetchImpl, retries: 1, retryDelayMs: 1, onEvent: () => undefined }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: "network_error", partial: false });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it("does not replay a stream that broke after events arrived", async () => {
    const fetchImpl = vi.fn(async () => sseResponse(["event: token\ndata: a\n\n"], {}, true));
    const events: string[] = [];
    const err = await streamSSE("/x", {}, {
      fetchImpl,
      retries: 3,
      retryDelayMs: 1,
      onEvent: (m) => events.push(m.data),
    }).catch((e) => e);
    expect(events).toEqual(["a"]);
    expect(err).toMatchObject({ code: "network_error", partial: true });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("rejects with AbortError when aborted through the AbortController", async () => {
    const controller = new AbortController();
    const fetchImpl = vi.fn(async (_u: string, init: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(enc.encode("event: token\ndata: a\n\n"));
        },
      });
      expect(init.signal).toBe(controller.signal);
      return new Response(body, { status: 200 });
    });
    const p = streamSSE("/x", {}, { fetchImpl, signal: controller.signal, onEvent: () => controller.abort() });
    await expect(p).rejects.toSatisfy(isAbortError);
  });

  it("does not even fetch when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const fetchImpl = vi.fn();
    await expect(
      streamSSE("/x", {}, { fetchImpl, signal: controller.signal, onEvent: () => undefined }),
    ).rejects.toSatisfy(isAbortError);
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});
