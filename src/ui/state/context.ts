/**
 * How views reach the page's state: App provides each part once; a view asks for the parts it
 * reads (`getFeed()`) or acts through (`getActions()`), instead of receiving one object whole.
 */
import { createContext } from 'svelte';
import type { ClusterActions } from './cluster-actions.ts';
import type { ClusterPicture } from './cluster-picture.svelte.ts';
import type { LoadGenerator } from './load-generator.svelte.ts';
import type { Notices } from './notices.svelte.ts';
import type { Playground } from './playground.svelte.ts';
import type { RunHistory } from './run-history.svelte.ts';
import type { SnapshotFeed } from './snapshot-feed.svelte.ts';
import type { UiState } from './ui-state.svelte.ts';

export const [getFeed, setFeed] = createContext<SnapshotFeed>();
export const [getPicture, setPicture] = createContext<ClusterPicture>();
export const [getHistory, setHistory] = createContext<RunHistory>();
export const [getNotices, setNotices] = createContext<Notices>();
export const [getLoad, setLoad] = createContext<LoadGenerator>();
export const [getActions, setActions] = createContext<ClusterActions>();
export const [getUi, setUi] = createContext<UiState>();

/** Called once by App, during its initialisation. */
export function providePlayground(playground: Playground, ui: UiState): void {
  setFeed(playground.feed);
  setPicture(playground.picture);
  setHistory(playground.history);
  setNotices(playground.notices);
  setLoad(playground.load);
  setActions(playground.actions);
  setUi(ui);
}
