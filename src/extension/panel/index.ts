/**
 * The live search panel, for the rest of the extension.
 *
 *   const feed = new SearchPanelFeed((m) => SearchPanel.post(m));
 *   const handlers: SearchPanelHandlers = {
 *     init: () => feed.init(),          // answers the page's `ready` (open, show, reload)
 *     start: () => vscode.commands.executeCommand('ddas.search'),
 *     stop: () => client.cancel(),
 *     resume: () => ...,
 *     commit: () => ...,
 *     showLog: () => output.show(),
 *   };
 *   context.subscriptions.push(registerSearchPanelSerializer(context, handlers)); // in activate()
 *   SearchPanel.show(context, handlers);            // opens or reveals (one per window)
 *
 *   feed.begin({ id, dataset, preset, outFile });    // a new search: panel redraws
 *   feed.event(engineEvent);                         // every engine event of that search
 *   feed.samples(epoch, rows);                       // preview rows after each epoch
 *   feed.status({ running, canResume, canCommit, problem? }); // buttons + error banner
 *
 * package.json needs `"activationEvents": ["onWebviewPanel:ddas.searchPanel"]` so a panel
 * left open survives a window reload. The page is dist/webview.js + dist/webview.css
 * (+ dist/codicons/), built from webview/ by scripts/build.mjs.
 */
export { SearchPanel, SEARCH_PANEL_VIEW_TYPE, registerSearchPanelSerializer, type PanelCommand, type PanelInit, type SearchPanelHandlers } from './search-panel';
export { SearchPanelFeed } from './feed';
export { TypedWebview } from './typed-webview';
