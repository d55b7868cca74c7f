// Holds the llama backend's generating sequences together, token by token, so that llama.cpp
// decodes one token of each of them in one batch (see Lockstep for why they drift apart otherwise).

/** A sample's place in a Lockstep: arrive after each token it keeps going with, leave when done. */
export interface LockstepMember {
  /** Resolves once every other member has also arrived (or left); undefined when none is left to wait for. */
  arrive(): Promise<void> | undefined;
  leave(): void;
}

/**
 * Holds the generating sequences at each token until all of them have their token, so that they
 * ask for the next one together and llama.cpp evaluates all of them in one batch.
 *
 * Without it the sequences drift apart: node-llama-cpp samples each sequence's token in a separate
 * native call and, the moment the last one returns, decodes whatever is queued by then. The
 * sequence whose token came last has not asked for its next token yet, so it misses that batch and
 * is decoded later, alone or with the next step's early ones (stories260K, 16 sequences, 4 × 16
 * samples of 128 tokens: 553–844 llama_decode calls instead of 523). On stories260K that costs
 * little, since a decode there costs about the same per token whatever the batch; it costs a
 * whole call per straggler wherever a call has a price of its own, e.g. a model whose weights
 * are read once per call.
 *
 * A sample becomes a member when it first arrives, i.e. once its prompt is evaluated and its
 * first token sampled, so that a sample just starting never holds up the others.
 */
export class Lockstep {
  private members = 0;
  private arrived = 0;
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  join(): LockstepMember {
    let state: 'new' | 'member' | 'left' = 'new';
    return {
      arrive: () => {
        if (state === 'new') {
          state = 'member';
          this.members++;
        }
        this.arrived++;
        if (this.openIfComplete()) return undefined;
        if (!this.gate) {
          let open = (): void => undefined;
          const promise = new Promise<void>((resolve) => {
            open = resolve;
          });
          this.gate = { promise, open };
        }
        return this.gate.promise;
      },
      leave: () => {
        if (state === 'member') {
          this.members--;
          this.openIfComplete();
        }
        state = 'left';
      },
    };
  }

  private openIfComplete(): boolean {
    if (this.arrived < this.members) return false;
    this.arrived = 0;
    this.gate?.open();
    this.gate = undefined;
    return true;
  }
}
