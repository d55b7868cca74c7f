// The HTML shell of a webview: a strict Content Security Policy (nothing loads or runs unless it is
// one of our bundle files or carries this page's nonce) and the bundle's script and styles. Pure.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../core/report/escape';

/** 128 random bits, fresh for every page: a script without it does not run. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface CspSources {
  /** `webview.cspSource`: the origin VS Code serves localResourceRoots from. */
  cspSource: string;
  nonce: string;
}

/**
 * `default-src 'none'` and then only what the panel needs: our own scripts by nonce, styles and
 * fonts (codicons) from the bundle, images from the bundle or data: URIs (charts drawn to canvas
 * export as data:). No 'unsafe-inline', no 'unsafe-eval', no network.
 */
export function contentSecurityPolicy({ cspSource, nonce }: CspSources): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface ShellOptions extends CspSources {
  title: string;
  /** webview URIs (asWebviewUri) of the scripts (classic scripts, e.g. esbuild IIFE bundles), run in order. */
  scripts: readonly string[];
  styles: readonly string[];
  /** A stylesheet of this page itself, allowed by the nonce. */
  inlineCss?: string;
  /** Markup inside <body> before the scripts; must already be safe HTML. */
  body?: string;
}

/** Escapes for a double-quoted attribute; single quotes stay readable (CSP source keywords). */
function attr(text: string): string {
  return text.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

export function webviewHtml(opts: ShellOptions): string {
  const styles = opts.styles.map((href) => `<link rel="stylesheet" href="${attr(href)}" nonce="${attr(opts.nonce)}">`).join('\n    ');
  const scripts = opts.scripts.map((src) => `<script src="${attr(src)}" nonce="${attr(opts.nonce)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(opts))}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(opts.title)}</title>
    ${styles}${opts.inlineCss !== undefined ? `\n    <style nonce="${attr(opts.nonce)}">${opts.inlineCss.replace(/<\//g, '<\\/')}</style>` : ''}
  </head>
  <body>
    ${opts.body ?? ''}
    ${scripts}
  </body>
</html>
`;
}
