/**
 * Progress of a fuzz run: a cli-progress bar with an ETA on a terminal, plain lines otherwise
 * (CI logs), at most one every PLAIN_INTERVAL_MS or every tenth of the seeds.
 */
import cliProgress from 'cli-progress';

export interface FuzzProgress {
  update(done: number, violations: number, unknown: number): void;
  stop(): void;
}

export function barProgress(total: number, stream: NodeJS.WritableStream): FuzzProgress {
  const bar = new cliProgress.SingleBar({
    format: 'fuzz [{bar}] {value}/{total} seeds | {violations} violations | {unknown} unknown | {duration_formatted} | ETA {eta_formatted}',
    stream, hideCursor: true, etaBuffer: 50, fps: 5,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { violations: 0, unknown: 0 });
  return {
    update: (done, violations, unknown) => bar.update(done, { violations, unknown }),
    stop: () => bar.stop(),
  };
}

const PLAIN_INTERVAL_MS = 10_000;

export function plainProgress(total: number, line: (text: string) => void, nowMs: () => number = () => performance.now()): FuzzProgress {
  const startMs = nowMs();
  let lastMs = startMs;
  let lastDone = 0;
  const step = Math.max(1, Math.ceil(total / 10));
  return {
    update: (done, violations, unknown) => {
      const now = nowMs();
      if (done < total && done - lastDone < step && now - lastMs < PLAIN_INTERVAL_MS) return;
      lastMs = now;
      lastDone = done;
      const elapsedS = (now - startMs) / 1000;
      const etaS = done === 0 ? 0 : (elapsedS / done) * (total - done);
      line(`fuzz: ${done}/${total} seeds, ${violations} violations, ${unknown} unknown, ${elapsedS.toFixed(1)} s elapsed, ETA ${etaS.toFixed(0)} s`);
    },
    stop: () => undefined,
  };
}
