import { computed, ref, watch } from 'vue';
import { darkTheme, type GlobalThemeOverrides } from 'naive-ui';

export type ThemeMode = 'light' | 'dark';

const STORAGE_KEY = 'parley.theme';

/** Parley teal, one shade lighter on dark backgrounds so it keeps its contrast. */
const BRAND = {
  light: { primaryColor: '#0F766E', primaryColorHover: '#0D9488', primaryColorPressed: '#115E59', primaryColorSuppl: '#0D9488' },
  dark: { primaryColor: '#2DD4BF', primaryColorHover: '#5EEAD4', primaryColorPressed: '#14B8A6', primaryColorSuppl: '#14B8A6' },
} as const;

function initialMode(): ThemeMode {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const mode = ref<ThemeMode>(initialMode());
watch(mode, (value) => localStorage.setItem(STORAGE_KEY, value));

export function useTheme() {
  const theme = computed(() => (mode.value === 'dark' ? darkTheme : null));
  const overrides = computed<GlobalThemeOverrides>(() => ({
    common: { ...BRAND[mode.value], borderRadius: '6px', fontFamily: 'Inter, "Segoe UI", system-ui, -apple-system, sans-serif' },
    Layout: { headerHeight: '56px' },
  }));
  function toggle(): void {
    mode.value = mode.value === 'dark' ? 'light' : 'dark';
  }
  return { mode, theme, overrides, toggle };
}
