import { IconButton } from "../components/ui/IconButton";
import { MoonIcon, SunIcon } from "../components/ui/icons";
import { useI18n } from "../lib/i18n";
import { useTheme } from "../lib/theme";

/** Language switch (한국어/English) and light/dark toggle. */
export function PreferenceButtons() {
  const { t, locale, setLocale } = useI18n();
  const { theme, toggle } = useTheme();
  return (
    <div className="prefs">
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label={t("nav.languageLabel")}
        lang={locale === "ko" ? "en" : "ko"}
        onClick={() => setLocale(locale === "ko" ? "en" : "ko")}
      >
        {t("nav.language")}
      </button>
      <IconButton label={theme === "dark" ? t("nav.themeLight") : t("nav.themeDark")} onClick={toggle}>
        {theme === "dark" ? <SunIcon /> : <MoonIcon />}
      </IconButton>
    </div>
  );
}
