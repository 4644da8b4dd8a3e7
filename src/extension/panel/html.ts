/**
 * The panel's HTML page. Pure (no `vscode` import) so the render test loads the very same
 * page in a browser. Strict CSP: scripts only with this load's nonce, styles only from
 * the extension's own files (vscode-elements style their shadow roots with constructable
 * stylesheets, which CSP permits without 'unsafe-inline'), images from the extension or
 * data: URLs (sample thumbnails), nothing remote.
 */
import { randomBytes } from 'node:crypto';

export interface PanelPageUris {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly script: string;
  readonly style: string;
  readonly codicons: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(uris: PanelPageUris, nonce: string, title = 'DDAS Search'): string {
  const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(uris.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(uris.codicons)}" nonce="${attr(nonce)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attr(uris.style)}" nonce="${attr(nonce)}">
<title>${attr(title)}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attr(nonce)}" src="${attr(uris.script)}"></script>
</body>
</html>
`;
}
