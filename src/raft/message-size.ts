import { entrySizeBytes } from './log.ts';
import type { Message } from '../core/types.ts';

/** An estimate of a message's size on the wire, for statistics and byte limits. */
export function messageSizeBytes(m: Message): number {
  const header = 40;
  switch (m.type) {
    case 'AppendEntries': {
      let size = header + 24;
      for (const entry of m.entries) size += entrySizeBytes(entry);
      return size;
    }
    case 'InstallSnapshot':
      return header + 40 + m.chunk.length;
    case 'ClientRequest': {
      const c = m.command;
      return header + m.from.length + ('key' in c ? c.key.length : 0) + ('value' in c ? c.value.length : 0);
    }
    case 'ClientReply': {
      const body = m.body;
      if (body.kind !== 'result') return header + 16;
      const r = body.result;
      if (r.op === 'keys') return header + r.keys.reduce((n, k) => n + k.length + 4, 0);
      return header + ('value' in r && r.value !== null ? r.value.length : 0);
    }
    default:
      return header + 16;
  }
}
