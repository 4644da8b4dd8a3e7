/** The webview side of VS Code's messaging, typed with the panel protocol. */
import type { FromPanel } from '../src/shared/webview-protocol';

/** What survives the webview being destroyed while hidden (the events come back with `init`). */
export interface PanelState {
  readonly version: 1;
  readonly scrollY: number;
}

interface VsCodeApi {
  postMessage(message: FromPanel): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: FromPanel): void;
  state(): PanelState | undefined;
  saveState(state: PanelState): void;
}

export function connect(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    state: () => {
      const s = api.getState() as Partial<PanelState> | undefined;
      return s && s.version === 1 && typeof s.scrollY === 'number' ? { version: 1, scrollY: s.scrollY } : undefined;
    },
    saveState: (s) => api.setState(s),
  };
}
