/**
 * The page's entry point. Runs the browser runtime (one worker per node, a bus on this thread,
 * IndexedDB per node). With `?offline` it runs the in-page offline cluster instead: the same core
 * on the main thread with in-memory disks (`&seed=N` replays a run, `&preload=N` starts with N
 * writes in the log). If the runtime fails to open,
 * the page says so and falls back to the offline cluster.
 */
import { mount } from 'svelte';
import type { ClusterController } from './runtime/cluster-api.ts';
import App from './ui/App.svelte';
import { OfflineCluster, browserClock } from './ui/offline/offline-cluster.ts';

interface Opened {
  controller: ClusterController;
  mode: string;
}

function openOffline(params: URLSearchParams, why?: string): Opened {
  const seed = Number(params.get('seed') ?? Math.floor(Math.random() * 100_000));
  const controller = new OfflineCluster({ seed: Number.isFinite(seed) ? seed : 1, clock: browserClock });
  const preload = Number(params.get('preload') ?? 0);
  if (why === undefined && Number.isInteger(preload) && preload > 0) controller.preload(Math.min(preload, 20_000));
  return { controller, mode: why === undefined ? `offline simulation · seed ${seed}` : `offline fallback (${why})` };
}

async function openController(params: URLSearchParams): Promise<Opened> {
  if (params.has('offline')) return openOffline(params);
  try {
    const { openCluster } = await import('./runtime/index.ts');
    const cluster = await openCluster();
    // In memory only when chosen up front for the whole cluster (no IndexedDB, or another tab
    // owns the databases): the header says so, the warning banner says why.
    return { controller: cluster, mode: cluster.storage === 'memory' ? 'workers + memory only (lost on reload)' : 'workers + IndexedDB' };
  } catch (error) {
    console.error('The browser runtime failed to open; running the offline simulation instead.', error);
    return openOffline(params, `runtime failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const target = document.getElementById('app')!;
const { controller, mode } = await openController(new URLSearchParams(location.search));
mount(App, { target, props: { controller, mode } });
