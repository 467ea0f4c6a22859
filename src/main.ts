/**
 * The page's entry point. Runs the browser runtime (one worker per node, a bus on this thread,
 * IndexedDB per node). With `?offline` it runs the in-page cluster instead: the Simulation (the
 * engine the tests and the fuzzer run) on the main thread with in-memory disks (`&seed=N` replays a run, `&preload=N` starts with N
 * writes in the log; url-params.ts validates them). If the runtime fails to open,
 * the page says so and falls back to the offline cluster.
 */
import { mount } from 'svelte';
import type { ClusterController } from './runtime/cluster-api.ts';
import App from './ui/App.svelte';
import { browserClock } from './runtime/frame-clock.ts';
import { InPageCluster } from './runtime/in-page-cluster.ts';
import { parsePageParams, type PageParams } from './ui/url-params.ts';

interface Opened {
  controller: ClusterController;
  mode: string;
}

function openOffline(params: PageParams, why?: string): Opened {
  const seed = params.seed ?? Math.floor(Math.random() * 100_000);
  const controller = new InPageCluster({ seed, clock: browserClock });
  if (why === undefined && params.preload > 0) controller.preload(params.preload);
  return { controller, mode: why === undefined ? `offline simulation · seed ${seed}` : `offline fallback (${why})` };
}

async function openController(params: PageParams): Promise<Opened> {
  if (params.offline) return openOffline(params);
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
const params = parsePageParams(location.search);
const { controller, mode } = await openController(params);
// What the URL asked for and did not get is said in the banner area, not dropped silently.
mount(App, { target, props: { controller, mode, notices: params.notices } });
