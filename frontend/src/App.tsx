import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from "react-router-dom";
import { ApiError, onSessionExpired } from "./api/client";
import { ToastProvider } from "./components/ui/Toast";
import { AuthProvider } from "./features/auth/AuthProvider";
import { I18nProvider, useI18n } from "./lib/i18n";
import { ThemeProvider } from "./lib/theme";
import { AdminPage } from "./routes/AdminPage";
import { PromptsPage } from "./routes/PromptsPage";
import { AppShell } from "./routes/AppShell";
import { ChatPage } from "./routes/ChatPage";
import { DocumentsPage } from "./routes/DocumentsPage";
import { KnowledgePage } from "./routes/KnowledgePage";
import { LoginPage } from "./routes/LoginPage";
import { FinetunePage } from "./routes/FinetunePage";
import { MembersPage } from "./routes/MembersPage";
import { RequireAuth } from "./routes/RequireAuth";
import { SettingsPage } from "./routes/SettingsPage";
import { StatusPage } from "./routes/StatusPage";
import { WorkspaceLayout } from "./routes/WorkspaceLayout";
import { WorkspacesPage } from "./routes/WorkspacesPage";
import { HomeRedirect } from "./routes/HomeRedirect";
import { GeneratedDocumentPage } from "./routes/GeneratedDocumentPage";
import { TemplatesPage } from "./routes/TemplatesPage";
import { InvitePage } from "./routes/InvitePage";
import { ResetPasswordPage } from "./routes/ResetPasswordPage";
import { ReviewPage } from "./routes/ReviewPage";
import { WorkspaceDashboardPage } from "./routes/WorkspaceDashboardPage";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // 4xx answers are final (404 for another tenant's id, 403, 422); retry only transient failures.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
    },
  });
}

const queryClient = makeQueryClient();

function ExpiredRedirect() {
  const navigate = useNavigate();
  useEffect(() => onSessionExpired(() => navigate("/login", { replace: true })), [navigate]);
  return null;
}

function Toasts({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  return <ToastProvider label={t("toast.region")} closeLabel={t("common.close")}>{children}</ToastProvider>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/invite" element={<InvitePage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        <Route index element={<HomeRedirect />} />
        <Route path="workspaces" element={<WorkspacesPage />} />
        <Route path="w/:workspaceId" element={<WorkspaceLayout />}>
          <Route index element={<Navigate to="chat" replace />} />
          <Route path="chat/:sessionId?" element={<ChatPage />} />
          <Route path="knowledge" element={<KnowledgePage />} />
          <Route path="documents/:documentId?" element={<DocumentsPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="members" element={<MembersPage />} />
          <Route path="templates" element={<TemplatesPage />} />
          <Route path="templates/documents/:documentId" element={<GeneratedDocumentPage />} />
          <Route path="dashboard" element={<WorkspaceDashboardPage />} />
          <Route path="review" element={<ReviewPage />} />
          <Route path="finetune" element={<FinetunePage />} />
          <Route path="*" element={<StatusPage kind="notFound" />} />
        </Route>
        <Route path="admin" element={<AdminPage />} />
        <Route path="admin/prompts" element={<PromptsPage />} />
        <Route path="*" element={<StatusPage kind="notFound" />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <ThemeProvider>
          <Toasts>
            <BrowserRouter>
              <AuthProvider>
                <ExpiredRedirect />
                <AppRoutes />
              </AuthProvider>
            </BrowserRouter>
          </Toasts>
        </ThemeProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
