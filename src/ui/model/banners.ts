/**
 * What the banner area above the page shows. Two sources say overlapping things: the
 * controller's standing warnings (snapshot.warnings: a node's corrupt record, storage in memory
 * only), and notices raised by events, which include the very same warning when it first
 * happens. Each text is shown once: a warning that stands is not repeated as a notice.
 */

export interface Notice {
  id: number;
  text: string;
}

export interface Banners {
  /** Standing conditions, shown until they end (not dismissible). */
  warnings: string[];
  /** Dismissible notices whose text no standing warning already shows. */
  notices: Notice[];
}

export function bannerLines(warnings: readonly string[], notices: readonly Notice[]): Banners {
  const shown = new Set<string>();
  const keptWarnings: string[] = [];
  for (const w of warnings) {
    if (shown.has(w)) continue;
    shown.add(w);
    keptWarnings.push(w);
  }
  const keptNotices: Notice[] = [];
  for (const n of notices) {
    if (shown.has(n.text)) continue;
    shown.add(n.text);
    keptNotices.push(n);
  }
  return { warnings: keptWarnings, notices: keptNotices };
}
