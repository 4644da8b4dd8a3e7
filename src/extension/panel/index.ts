/**
 * The live search panel, for the rest of the extension (the search controller keeps the
 * current search's events and answers `init` with them; see src/extension/search/).
 *
 *   const handlers: SearchPanelHandlers = {
 *     init: () => controller.initMessage(), // answers the page's `ready` (open, show, reload)
 *     start: () => vscode.commands.executeCommand('ddas.search'),
 *     stop: () => client.cancel(),
 *     resume: () => ...,
 *     commit: () => ...,
 *     showLog: () => output.show(),
 *   };
 *   context.subscriptions.push(registerSearchPanelSerializer(context, handlers)); // in activate()
 *   SearchPanel.show(context, handlers);            // opens or reveals (one per window)
 *
 *   SearchPanel.post({ type: 'event', event });      // every engine event of the search
 *   SearchPanel.post({ type: 'samples', epoch, rows }); // preview rows after each epoch
 *   SearchPanel.post({ type: 'status', status });   // buttons + error banner
 *
 * package.json needs `"activationEvents": ["onWebviewPanel:ddas.searchPanel"]` so a panel
 * left open survives a window reload. The page is dist/webview.js + dist/webview.css
 * (+ dist/codicons/), built from webview/ by scripts/build.mjs.
 */
export { SearchPanel, SEARCH_PANEL_VIEW_TYPE, registerSearchPanelSerializer, type PanelCommand, type PanelInit, type SearchPanelHandlers } from './search-panel';
export { TypedWebview } from './typed-webview';
