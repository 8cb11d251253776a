import type { TokenPair } from "./types";

const ACCESS = "sangdam.access_token";
const REFRESH = "sangdam.refresh_token";

/** Token storage (localStorage, as the product asks: a reload keeps the session). */
export const tokens = {
  access: () => localStorage.getItem(ACCESS),
  refresh: () => localStorage.getItem(REFRESH),
  set(pair: Pick<TokenPair, "access_token" | "refresh_token">) {
    localStorage.setItem(ACCESS, pair.access_token);
    localStorage.setItem(REFRESH, pair.refresh_token);
  },
  clear() {
    localStorage.removeItem(ACCESS);
    localStorage.removeItem(REFRESH);
  },
};
