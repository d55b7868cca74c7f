// esbuild options of the gap panel's browser bundle; esbuild.mjs and the browser tests both use them.
// One IIFE for the webview: no modules, no eval, nothing from node (platform browser fails the build on
// a node: import). The stylesheet is media/panel.css, linked by the HTML shell, not bundled.
export const webviewBuildOptions = {
  entryPoints: ['webview/main.ts'],
  outfile: 'dist/webview.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};
