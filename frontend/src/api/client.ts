/**
 * Typed fetch client for /api/v1: bearer tokens from localStorage, one transparent refresh on 401,
 * and the {error, message} envelope turned into ApiError.
 */
import { tokens } from "./tokens";
import type { TokenPair } from "./types";

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Skip the Authorization header and the refresh dance (login, refresh). */
  anonymous?: boolean;
}

/** Listeners told when the session is gone for good (refresh failed); the app goes to /login. */
const logoutListeners = new Set<() => void>();
export function onSessionExpired(fn: () => void): () => void {
  logoutListeners.add(fn);
  return () => logoutListeners.delete(fn);
}

let refreshing: Promise<boolean> | null = null;

/** Exchange the stored refresh token once; concurrent 401s share the same attempt. */
export function refreshTokens(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      const refresh = tokens.refresh();
      if (!refresh) return false;
      try {
        const res = await fetch(`${API_BASE}/auth/refresh`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: refresh }),
        });
        if (!res.ok) return false;
        tokens.set((await res.json()) as TokenPair);
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      setTimeout(() => (refreshing = null), 0);
    });
  }
  return refreshing;
}

function expireSession() {
  tokens.clear();
  logoutListeners.forEach((fn) => fn());
}

export function buildUrl(path: string, query?: Query): string {
  const url = `${API_BASE}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

/**
 * fetch with the access token; on 401 refresh once and retry, else expire the session.
 * Also used by the SSE reader so streams get the same auth behaviour.
 */
export async function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const send = () => {
    const headers = new Headers(init.headers);
    const access = tokens.access();
    if (access) headers.set("Authorization", `Bearer ${access}`);
    return fetch(url, { ...init, headers });
  };
  let res = await send();
  if (res.status !== 401) return res;
  if (await refreshTokens()) {
    res = await send();
    if (res.status !== 401) return res;
  }
  expireSession();
  return res;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const env = (body ?? {}) as { error?: unknown; message?: unknown; detail?: unknown };
  const code = typeof env.error === "string" ? env.error : `http_${res.status}`;
  let message = typeof env.message === "string" ? env.message : "";
  if (!message && Array.isArray(env.detail)) {
    // FastAPI's default 422 shape, in case a route bypasses the envelope.
    message = env.detail.map((d: { msg?: string; loc?: unknown[] }) => `${d.loc?.slice(-1)[0] ?? ""}: ${d.msg}`).join("; ");
  }
  return new ApiError(res.status, code, message || res.statusText || `HTTP ${res.status}`, body);
}

/** Call the API and parse JSON (undefined for 204). Throws ApiError for non-2xx. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers = new Headers({ Accept: "application/json" });
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(opts.body);
  }
  const url = buildUrl(path, opts.query);
  const init: RequestInit = { method: opts.method ?? (body ? "POST" : "GET"), headers, body, signal: opts.signal };
  const res = opts.anonymous ? await fetch(url, init) : await authFetch(url, init);
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
