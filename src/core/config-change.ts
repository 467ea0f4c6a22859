/** How a membership change reads, in the log view, scenario scripts and announcements. */
import type { ConfigChange, Configuration } from './types.ts';

export function configChangeLabel(change: ConfigChange): string {
  switch (change.op) {
    case 'add-learner':
      return `add n${change.node} as learner`;
    case 'promote':
      return `promote n${change.node} to voter`;
    case 'remove':
      return `remove n${change.node}`;
  }
}

/** "voters 1,2,3 learners 4" (learners only when there are some). */
export function configurationLabel(config: Configuration): string {
  const learners = config.learners.length > 0 ? ` learners ${config.learners.join(',')}` : '';
  return `voters ${config.voters.join(',')}${learners}`;
}
