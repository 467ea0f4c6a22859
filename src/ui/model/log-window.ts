/**
 * Which log columns the Logs panel draws: the ones in view plus a few either side. The scroll
 * offset is clamped to what the content allows, because the offset the panel remembers can
 * outlive the content it was measured on: a new cluster starts with a short log (or none, and
 * the scroller is rebuilt), and an offset from a long old log would otherwise select columns
 * past the end, drawing rows without a single cell (#17 item 3).
 */
export interface LogWindowInput {
  scrollLeft: number;
  viewWidth: number;
  /** The highest log index of any node (0 = no entries). */
  maxIndex: number;
  cellWidth: number;
  /** Columns drawn beyond each edge of the view. */
  overscan: number;
}

/** The first and last index to draw (first > last when there is nothing to draw). */
export function logWindow({ scrollLeft, viewWidth, maxIndex, cellWidth, overscan }: LogWindowInput): { first: number; last: number } {
  // The canvas is one column wider than the log (room for the commit bar after the last cell).
  const contentWidth = (maxIndex + 1) * cellWidth;
  const left = Math.min(Math.max(0, scrollLeft), Math.max(0, contentWidth - viewWidth));
  const first = Math.max(1, Math.floor(left / cellWidth) + 1 - overscan);
  const last = Math.min(maxIndex, Math.ceil((left + viewWidth) / cellWidth) + overscan);
  return { first, last };
}

/**
 * The entries to read from a node for the chunk that holds `index`: chunks are aligned (so a
 * chunk is asked for once), start no earlier than the node's first entry (the ones before it
 * were compacted into its snapshot: nobody holds them any more) and stop at its commit index
 * (committed entries never change, so they can be cached). undefined: nothing to read.
 */
export function chunkToRead(index: number, node: { firstIndex: number; commitIndex: number }, chunk: number): { from: number; to: number } | undefined {
  const start = Math.floor((index - 1) / chunk) * chunk + 1;
  const from = Math.max(start, node.firstIndex);
  const to = Math.min(start + chunk - 1, node.commitIndex);
  return from > to ? undefined : { from, to };
}
