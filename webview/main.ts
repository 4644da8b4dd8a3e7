// Placeholder webview bundle: the search panel arrives with the extension issue.
// It already shares the catalog with the engine, so the bundle proves src/shared is browser-safe.
import { OP_NAMES } from '../src/shared/ops';

const root = document.getElementById('root');
if (root) root.textContent = `DDAS: ${OP_NAMES.length} operations available.`;
