/**
 * A small static subset of the variables VS Code puts on a webview's <html> (values of
 * the Light Modern, Dark Modern and Dark High Contrast themes), enough to render the panel.
 */
export interface TestTheme {
  readonly name: 'light' | 'dark' | 'high-contrast';
  readonly bodyClass: string;
  readonly vars: Readonly<Record<string, string>>;
}

const common = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

export const LIGHT: TestTheme = {
  name: 'light',
  bodyClass: 'vscode-light',
  vars: {
    ...common,
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#616161',
    '--vscode-editor-background': '#ffffff',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-widget-border': '#e5e5e5',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-charts-foreground': '#3b3b3b',
    '--vscode-charts-lines': 'rgba(59, 59, 59, 0.5)',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-progressBar-background': '#005fb8',
    '--vscode-inputValidation-errorBackground': '#f2dede',
    '--vscode-inputValidation-errorBorder': '#be1100',
    '--vscode-errorForeground': '#a1260d',
  },
};

export const DARK: TestTheme = {
  name: 'dark',
  bodyClass: 'vscode-dark',
  vars: {
    ...common,
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-widget-border': '#313131',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-foreground': '#cccccc',
    '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-progressBar-background': '#0078d4',
    '--vscode-inputValidation-errorBackground': '#5a1d1d',
    '--vscode-inputValidation-errorBorder': '#be1100',
    '--vscode-errorForeground': '#f85149',
  },
};

export const HIGH_CONTRAST: TestTheme = {
  name: 'high-contrast',
  bodyClass: 'vscode-high-contrast',
  vars: {
    ...DARK.vars,
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
    '--vscode-editor-background': '#000000',
    '--vscode-editorWidget-background': '#0c141f',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-panel-border': '#6fc3df',
    '--vscode-widget-border': '#6fc3df',
    '--vscode-focusBorder': '#f38518',
    '--vscode-button-background': '#000000',
    '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryBackground': '#000000',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-badge-background': '#000000',
    '--vscode-badge-foreground': '#ffffff',
    '--vscode-progressBar-background': '#6fc3df',
    '--vscode-inputValidation-errorBackground': '#000000',
    '--vscode-inputValidation-errorBorder': '#f48771',
  },
};
