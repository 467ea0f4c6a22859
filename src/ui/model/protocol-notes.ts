/** The protocol switches that differ from the defaults, in the words the page uses for them. Pure. */
import type { ProtocolSwitches } from '../../runtime/cluster-api.ts';

export function protocolNotes(p: ProtocolSwitches): string[] {
  const notes: string[] = [];
  if (!p.preVote) notes.push('PreVote off');
  if (!p.checkQuorum) notes.push('CheckQuorum off');
  if (p.reads === 'lease') notes.push('lease reads');
  return notes;
}
