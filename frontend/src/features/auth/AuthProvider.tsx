import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { onSessionExpired } from "../../api/client";
import { authApi } from "../../api/endpoints";
import { tokens } from "../../api/tokens";
import type { Me } from "../../api/types";

interface AuthValue {
  loggedIn: boolean;
  me: Me | undefined;
  loadingMe: boolean;
  /** Set when the session ended by itself (refresh failed), for the login page to explain. */
  expired: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [loggedIn, setLoggedIn] = useState(() => Boolean(tokens.access() || tokens.refresh()));
  const [expired, setExpired] = useState(false);

  useEffect(
    () =>
      onSessionExpired(() => {
        setLoggedIn(false);
        setExpired(true);
        queryClient.clear();
      }),
    [queryClient],
  );

  const meQuery = useQuery({ queryKey: ["me"], queryFn: authApi.me, enabled: loggedIn, staleTime: 5 * 60_000 });

  const login = useCallback(
    async (email: string, password: string) => {
      const pair = await authApi.login(email, password);
      tokens.set(pair);
      queryClient.clear();
      setExpired(false);
      setLoggedIn(true);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    const refresh = tokens.refresh();
    tokens.clear();
    setLoggedIn(false);
    queryClient.clear();
    if (refresh) await authApi.logout(refresh).catch(() => undefined);
  }, [queryClient]);

  const value = useMemo<AuthValue>(
    () => ({ loggedIn, me: meQuery.data, loadingMe: meQuery.isPending && loggedIn, expired, login, logout }),
    [loggedIn, meQuery.data, meQuery.isPending, expired, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
