// Light and dark themes: the user's choice in localStorage, else the system's preference; set as <html data-theme>.

export type ThemeChoice = 'light' | 'dark' | 'auto';
const KEY = 'vigil.theme';

function stored(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

function resolve(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'auto') return choice;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies the saved theme now and follows the system while the choice is "auto". */
export function initTheme(onChange: () => void): { toggle(): void; current(): 'light' | 'dark' } {
  let choice = stored();
  const apply = (): void => {
    const theme = resolve(choice);
    if (document.documentElement.dataset.theme !== theme) {
      document.documentElement.dataset.theme = theme;
      onChange();
    }
  };
  document.documentElement.dataset.theme = resolve(choice);
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (choice === 'auto') apply();
  });
  return {
    toggle() {
      choice = resolve(choice) === 'dark' ? 'light' : 'dark';
      try {
        window.localStorage.setItem(KEY, choice);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
      apply();
    },
    current: () => resolve(choice),
  };
}
