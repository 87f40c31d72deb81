// The theme choice (light, dark, or follow the system), kept in localStorage and applied to <html data-theme>.
import { create } from 'zustand';

export type ThemeChoice = 'light' | 'dark' | 'system';

const STORAGE_KEY = 'parley.theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Puts the choice on the document; `system` leaves it to the OS (theme.css: `color-scheme: light dark`). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

interface ThemeStore {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

export const useTheme = create<ThemeStore>((set) => ({
  theme: stored(),
  setTheme(theme) {
    try {
      localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // Storage can be unavailable (private mode, quota); the choice still applies for this session.
    }
    applyTheme(theme);
    set({ theme });
  },
}));
