// The Restricted Mode note above the panel: what of the workspace's settings VS Code ignores until
// the workspace is trusted (its model profiles, runs folder, cost limit), and a button to trust it.
// Hidden in a trusted workspace.
import { custom, el, setText } from './dom';

export class RestrictedNote {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;

  constructor(manageTrust: () => void) {
    this.text = el('span');
    const button = custom('vscode-button', { text: 'Manage Workspace Trust…', attrs: { 'data-role': 'manage-trust', secondary: '' } });
    button.addEventListener('click', () => manageTrust());
    this.element = el('section', { className: 'restricted-note', attrs: { 'data-role': 'restricted-note', role: 'note', 'aria-label': 'Restricted Mode' } }, [this.text, ' ', button]);
    this.element.hidden = true;
  }

  show(note: string): void {
    setText(this.text, note);
    this.element.hidden = false;
  }
}
