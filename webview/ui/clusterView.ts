// Check Selection: a task's samples grouped by answer, with each verifier's mean score, and a button to
// mark the right answer (the host regrades, and the gap statistics switch on).
import { formatRate } from '../../src/core/report/numbers';
import type { AnswerCluster } from '../model/clusters';
import { custom, el } from './dom';

export interface ClusterModel {
  task: string;
  clusters: AnswerCluster[];
  verifiers: readonly string[];
  /** The task's gold answers (empty until one is marked). */
  gold: readonly string[];
}

export class ClusterView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;

  constructor(private readonly markAnswer: (task: string, answer: string) => void) {
    this.body = el('div', { className: 'cluster-body' });
    this.element = el('section', { className: 'clusters', attrs: { 'data-role': 'clusters', 'aria-label': 'Answer clusters' } }, [el('h3', { text: 'Answers' }), this.body]);
  }

  update(model: ClusterModel | null): void {
    this.element.hidden = model === null;
    if (!model) return;
    const header = el('div', { className: 'cluster-line cluster-head' }, [
      el('span', { text: 'answer' }),
      el('span', { text: 'samples' }),
      ...model.verifiers.map((v) => el('span', { text: `mean ${v}` })),
      el('span', { text: '' }),
    ]);
    const lines = model.clusters.map((c) => {
      const isGold = c.answer !== null && model.gold.includes(c.answer);
      const action = custom('vscode-button', { text: isGold ? 'gold answer' : 'Mark as right answer', attrs: { secondary: '', 'data-role': 'mark-answer' } });
      if (c.answer === null || isGold) action.setAttribute('disabled', '');
      else {
        const answer = c.answer;
        action.addEventListener('click', () => this.markAnswer(model.task, answer));
      }
      return el('div', { className: `cluster-line${isGold ? ' gold' : ''}`, attrs: { 'data-answer': c.answer ?? '' } }, [
        el('span', { className: 'cluster-answer', text: c.answer ?? '(no answer)', title: c.example ?? '' }),
        el('span', { text: `${c.indices.length} (${formatRate(c.share)})` }),
        ...model.verifiers.map((v) => el('span', { text: c.meanScores[v] == null ? '—' : formatRate(c.meanScores[v] as number) })),
        action,
      ]);
    });
    this.body.replaceChildren(el('p', { className: 'hint', text: `Task ${model.task}: samples grouped by normalized answer.` }), header, ...lines);
    this.body.style.setProperty('--cluster-columns', `minmax(8em, 2fr) 8em ${model.verifiers.map(() => '7em').join(' ')} 12em`);
  }
}
