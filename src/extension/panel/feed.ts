/**
 * The extension's side of "the panel is a view of the event stream": it buffers the
 * current search's events, latest samples and status, answers the panel's `ready` with
 * them (`init`) and forwards each new one. Pure (no `vscode`), so it is unit-tested.
 * Memory stays bounded: past `maxProgress` progress events it thins them to every other.
 */
import type { EngineEvent } from '../../shared/protocol';
import type { PanelStatus, SampleRow, SearchSummary, ToPanel } from '../../shared/webview-protocol';
import type { PanelInit } from './search-panel';

const IDLE: PanelStatus = { running: false, canResume: false, canCommit: false };

export class SearchPanelFeed {
  private search: SearchSummary | null = null;
  private events: EngineEvent[] = [];
  private progressCount = 0;
  private sampleRows: readonly SampleRow[] = [];
  private current: PanelStatus = IDLE;

  constructor(
    /** Delivers to the panel if it is open and loaded (e.g. `m => SearchPanel.post(m)`). */
    private readonly post: (message: ToPanel) => unknown,
    private readonly maxProgress = 4000,
  ) {}

  /** A new search: forget the old one and redraw the panel. */
  begin(search: SearchSummary, status: PanelStatus = { running: true, canResume: false, canCommit: false }): void {
    this.search = search;
    this.events = [];
    this.progressCount = 0;
    this.sampleRows = [];
    this.current = status;
    this.post({ type: 'init', ...this.init() });
  }

  /** An engine event of the current search (logs, hellos and previews are not the panel's). */
  event(event: EngineEvent): void {
    if (event.kind === 'log' || event.kind === 'ready' || event.kind === 'preview') return;
    this.events.push(event);
    if (event.kind === 'progress' && ++this.progressCount > this.maxProgress) this.thin();
    this.post({ type: 'event', event });
  }

  samples(epoch: number, rows: readonly SampleRow[]): void {
    this.sampleRows = rows;
    this.post({ type: 'samples', epoch, rows });
  }

  status(status: PanelStatus): void {
    this.current = status;
    this.post({ type: 'status', status });
  }

  get currentStatus(): PanelStatus {
    return this.current;
  }

  /** The `init` payload: use as the panel's `init` handler. */
  init(): PanelInit {
    return { search: this.search, events: [...this.events], samples: this.sampleRows, status: this.current };
  }

  /** Keeps every other progress event, counted from the newest so the newest stays. */
  private thin(): void {
    let fromEnd = this.progressCount;
    this.events = this.events.filter((e) => e.kind !== 'progress' || --fromEnd % 2 === 0);
    this.progressCount = Math.ceil(this.progressCount / 2);
  }
}
