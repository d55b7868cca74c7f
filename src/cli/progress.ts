// A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and CI stay clean).

export interface Progress {
  update(done: number, extra?: string): void;
  log(message: string): void;
  done(): void;
}

export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const isTty = stream.isTTY === true;
  let last = 0;
  let drawn = false;
  const started = Date.now();
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(done, extra) {
      const now = Date.now();
      // Redrawing more than ~10 times a second only costs CPU.
      if (!isTty || (now - last < 100 && done < total)) return;
      last = now;
      const width = 24;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      const secs = (now - started) / 1000;
      const eta = done > 0 && done < total ? ` eta ${formatSeconds((secs / done) * (total - done))}` : '';
      stream.write(`\r\x1b[2K${label} ${bar} ${done}/${total}${eta}${extra ? `  ${extra}` : ''}`);
      drawn = true;
    },
    log(message) {
      clear();
      stream.write(`${message}\n`);
    },
    done() {
      clear();
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
