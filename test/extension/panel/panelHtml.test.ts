import assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, webviewHtml } from '../../../src/extension/panel/panelHtml';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

describe('webview HTML shell', () => {
  it('makes a fresh 128-bit nonce every time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
  });

  it('allows nothing by default, scripts only by nonce, no inline or eval, no network', () => {
    const csp = contentSecurityPolicy({ cspSource: CSP_SOURCE, nonce: 'abc123' });
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'nonce-abc123'");
    assert.equal(directives.get('style-src'), `${CSP_SOURCE} 'nonce-abc123'`);
    assert.equal(directives.get('connect-src'), "'none'");
    assert.equal(directives.get('frame-src'), "'none'");
    assert.doesNotMatch(csp, /unsafe|\*|https?:\/\/(?!file\+)/);
  });

  it('loads every script and stylesheet with the nonce, and escapes what it interpolates', () => {
    const page = webviewHtml({
      title: 'Gap Lens: </title><script>alert(1)</script>',
      cspSource: CSP_SOURCE,
      nonce: 'n0nce+/=',
      scripts: [`${CSP_SOURCE}/ext/dist/webview.js`],
      styles: [`${CSP_SOURCE}/ext/media/panel.css`, 'x" onload="alert(1)'],
      inlineCss: 'body { color: red } </style><script>alert(2)</script>',
      body: '<div id="root"></div>',
    });
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-n0nce\+\/='; /);
    assert.match(page, new RegExp(`<script src="${CSP_SOURCE.replace(/[.+]/g, '\\$&')}/ext/dist/webview.js" nonce="n0nce\\+/="></script>`));
    assert.match(page, /<link rel="stylesheet" href="[^"]*\/media\/panel.css" nonce="n0nce\+\/=">/);
    assert.match(page, /<link rel="stylesheet" href="x&quot; onload=&quot;alert\(1\)" nonce=/);
    assert.match(page, /<title>Gap Lens: &lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.match(page, /<style nonce="n0nce\+\/=">body \{ color: red \} <\\\/style><script>alert\(2\)<\\\/script><\/style>/);
    assert.equal(page.match(/<script\b/g)?.length, 2, 'the page script, plus the inert text inside the neutralized style');
    assert.match(page, /<body>\s*<div id="root"><\/div>/);
  });
});
