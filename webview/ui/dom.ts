// The only way panel code builds DOM. Text goes in as text nodes and attributes as attributes: there
// is deliberately no innerHTML path, because sample text (model output) is untrusted.

type Child = Node | string | null;

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), options, children);
}

/** A custom element such as `vscode-button`, typed by the caller. */
export function custom<T extends HTMLElement>(tag: `vscode-${string}`, options: ElementOptions = {}, children: readonly Child[] = []): T {
  return fill(document.createElement(tag) as T, options, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, children: readonly Child[] = []): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  append(node, children);
  return node;
}

/** Sets text only when it changed (cheap repeated updates of live numbers). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function fill<T extends Element>(node: T, options: ElementOptions, children: readonly Child[]): T {
  if (options.className) node.setAttribute('class', options.className);
  if (options.title) node.setAttribute('title', options.title);
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  if (options.text !== undefined) node.textContent = options.text;
  append(node, children);
  return node;
}

function append(node: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}
