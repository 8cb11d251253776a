/**
 * Server-sent events over fetch + ReadableStream.
 *
 * EventSource cannot send an Authorization header or a POST body, so the chat stream is read
 * by hand. The parser follows the WHATWG event-stream rules that matter here: LF, CR and CRLF
 * line endings (also split across chunks), multi-line `data:`, comments, `event:`, `id:`, `retry:`.
 */

export interface SSEMessage {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Incremental parser: feed decoded text chunks, get the complete events they finish. */
export class SSEParser {
  private buffer = "";
  private pendingCR = false;
  private eventName = "";
  private dataLines: string[] = [];
  private lastId: string | undefined;
  private retry: number | undefined;

  feed(chunk: string): SSEMessage[] {
    const out: SSEMessage[] = [];
    let text = chunk;
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith("\n")) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      const line = this.buffer.slice(start, i);
      if (ch === "\r") {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === "\n") i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const message = this.processLine(line);
      if (message) out.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** End of stream: an unterminated trailing event is discarded, as the spec says. */
  flush(): SSEMessage[] {
    this.buffer = "";
    this.dataLines = [];
    this.eventName = "";
    return [];
  }

  private processLine(line: string): SSEMessage | null {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventName = value;
        break;
      case "data":
        this.dataLines.push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return null;
  }

  private dispatch(): SSEMessage | null {
    if (this.dataLines.length === 0) {
      this.eventName = "";
      return null;
    }
    const message: SSEMessage = {
      event: this.eventName || "message",
      data: this.dataLines.join("\n"),
    };
    if (this.lastId !== undefined) message.id = this.lastId;
    if (this.retry !== undefined) message.retry = this.retry;
    this.eventName = "";
    this.dataLines = [];
    return message;
  }
}

/** Yield events from a byte stream until it ends or the signal aborts. */
export async function* readSSE(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<SSEMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  const parser = new SSEParser();
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener("abort", onAbort);
  try {
    while (true) {
      if (signal?.aborted) throw abortError();
      const { value, done } = await reader.read();
      if (signal?.aborted) throw abortError();
      if (done) {
        // Multi-byte characters split at the very end are flushed here.
        const tail = decoder.decode();
        if (tail) yield* parser.feed(tail);
        parser.flush();
        return;
      }
      for (const message of parser.feed(decoder.decode(value, { stream: true }))) {
        yield message;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock?.();
  }
}

export class SSEError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** True when the stream broke after some events had arrived. */
    readonly partial = false,
  ) {
    super(message);
    this.name = "SSEError";
  }
}

export interface StreamOptions {
  /** fetch-compatible function; the API client passes one that adds auth and refreshes tokens. */
  fetchImpl?: (input: string, init: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
  /**
   * Reconnect attempts when the request fails before any event arrived (network error or 502/503/504).
   * A stream that already produced events is never replayed: POSTing a question twice would duplicate it.
   */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Which failures are retried: an HTTP status, or "network" for a request that never got a response.
   * Default: 502/503/504 and network errors. A response's Retry-After (seconds, at most 10) sets the wait.
   */
  retryable?: (failure: number | "network") => boolean;
  onEvent: (message: SSEMessage) => void;
}

const RETRYABLE = new Set([502, 503, 504]);
const MAX_RETRY_AFTER_MS = 10_000;
const defaultRetryable = (failure: number | "network") => failure === "network" || RETRYABLE.has(failure);

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

/** POST/GET a URL and dispatch each SSE message; resolves when the stream ends. */
export async function streamSSE(url: string, init: RequestInit, options: StreamOptions): Promise<void> {
  const doFetch = options.fetchImpl ?? ((u: string, i: RequestInit) => fetch(u, i));
  const maxRetries = options.retries ?? 0;
  const retryable = options.retryable ?? defaultRetryable;
  let delay = options.retryDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    let received = 0;
    try {
      if (options.signal?.aborted) throw abortError();
      const headers = new Headers(init.headers);
      if (!headers.has("Accept")) headers.set("Accept", "text/event-stream");
      const response = await doFetch(url, { ...init, headers, signal: options.signal });
      if (!response.ok) {
        const { code, message } = await readErrorBody(response);
        const error = new SSEError(message, response.status, code);
        if (retryable(response.status) && attempt < maxRetries) {
          throw new RetryableError(error, retryAfterMs(response));
        }
        throw error;
      }
      if (!response.body) throw new SSEError("Empty response body", response.status, "empty_body");
      for await (const message of readSSE(response.body, options.signal)) {
        received++;
        if (message.retry !== undefined) delay = message.retry;
        options.onEvent(message);
      }
      return;
    } catch (err) {
      if (isAbortError(err) || options.signal?.aborted) throw abortError();
      if (err instanceof SSEError) throw err;
      const again =
        err instanceof RetryableError || (err instanceof TypeError && received === 0 && retryable("network"));
      if (again && received === 0 && attempt < maxRetries) {
        const wait = err instanceof RetryableError && err.retryAfterMs !== undefined ? err.retryAfterMs : delay;
        await sleep(wait, options.signal);
        delay *= 2;
        continue;
      }
      if (err instanceof RetryableError) throw err.cause;
      const message = err instanceof Error ? err.message : String(err);
      throw new SSEError(message, 0, "network_error", received > 0);
    }
  }
}

class RetryableError extends Error {
  constructor(
    readonly cause: SSEError,
    readonly retryAfterMs?: number,
  ) {
    super(cause.message);
  }
}

async function readErrorBody(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    return { code: body.error ?? `http_${response.status}`, message: body.message ?? response.statusText };
  } catch {
    return { code: `http_${response.status}`, message: response.statusText || `HTTP ${response.status}` };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(abortError());
    }, { once: true });
  });
}

export function abortError(): DOMException {
  return new DOMException("The stream was stopped.", "AbortError");
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException ? err.name === "AbortError" : (err as Error)?.name === "AbortError";
}
