/**
 * VS Code's theme as the canvas needs it. CSS styles follow the --vscode-* variables by
 * themselves; Chart.js paints pixels, so its colours are read from the variables and read
 * again whenever VS Code swaps the body's theme class.
 */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  /** The six chart colours, in the order series take them. */
  readonly series: readonly string[];
  readonly blue: string;
  readonly red: string;
  readonly green: string;
  readonly orange: string;
}

const SERIES_VARS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'] as const;
const FALLBACK: Record<(typeof SERIES_VARS)[number], string> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
  red: '#f14c4c',
  yellow: '#cca700',
};

export function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const kind = themeKind(document.body);
  const foreground = v('--vscode-foreground', kind === 'light' ? '#3b3b3b' : '#cccccc');
  const chart = (name: (typeof SERIES_VARS)[number]): string => v(`--vscode-charts-${name}`, FALLBACK[name]);
  const contrast = kind.startsWith('high-contrast');
  return {
    kind,
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    // Faint gridlines, except in high contrast where they must be seen.
    grid: contrast ? withAlpha(v('--vscode-contrastBorder', foreground), 0.5) : withAlpha(foreground, kind === 'light' ? 0.12 : 0.13),
    background: v('--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1f1f1f'),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13px')) || 13,
    series: SERIES_VARS.map(chart),
    blue: chart('blue'),
    red: chart('red'),
    green: chart('green'),
    orange: chart('orange'),
  };
}

/** Calls `onChange` when VS Code switches themes (it swaps the body class and the variables). */
export function observeTheme(onChange: (theme: Theme) => void): () => void {
  let last = document.body.className;
  const observer = new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    onChange(readTheme());
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour with its alpha multiplied by `alpha` (the canvas parses the colour). */
export function withAlpha(color: string, alpha: number): string {
  const [r, g, b, a] = rgba(color);
  return `rgba(${r}, ${g}, ${b}, ${+(a * alpha).toFixed(3)})`;
}

export function rgba(color: string): [number, number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [128, 128, 128, 1];
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const s = String(probe.fillStyle);
  if (s.startsWith('#')) return [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16), 1];
  const m = /rgba?\(([^)]+)\)/.exec(s);
  const parts = m ? m[1].split(',').map((x) => parseFloat(x)) : [];
  return [parts[0] ?? 128, parts[1] ?? 128, parts[2] ?? 128, parts[3] ?? 1];
}
