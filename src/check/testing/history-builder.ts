import type { History, HistoryOp } from '../history.ts';

/**
 * Terse constructors for hand-written test histories. `times` is [call, return] for an
 * operation that returned, [call] for one whose outcome is unknown. Ids are given by `history`.
 */
type Times = [number, number] | [number];
type Unnumbered = Omit<HistoryOp, 'id'>;

export function history(...ops: Unnumbered[]): History {
  return { ops: ops.map((op, id) => ({ id, ...op })) };
}

export function set(client: string, key: string, value: string, times: Times): Unnumbered {
  return timed({ client, op: 'set', key, value }, times, { ok: true });
}

export function append(client: string, key: string, value: string, times: Times): Unnumbered {
  return timed({ client, op: 'append', key, value }, times, { ok: true });
}

export function get(client: string, key: string, seen: string | null, times: Times): Unnumbered {
  return timed({ client, op: 'get', key }, times, { ok: true, value: seen });
}

/** `deleted` undefined: the del did not report what it removed. */
export function del(client: string, key: string, times: Times, deleted?: string | null): Unnumbered {
  return timed({ client, op: 'del', key }, times, deleted === undefined ? { ok: true } : { ok: true, value: deleted });
}

export function cas(client: string, key: string, expected: string | null, value: string, swapped: boolean, times: Times): Unnumbered {
  return timed({ client, op: 'cas', key, expected, value }, times, { ok: swapped });
}

function timed(request: Omit<Unnumbered, 'call'>, times: Times, result: HistoryOp['result']): Unnumbered {
  const [call, returned] = times;
  return returned === undefined ? { ...request, call } : { ...request, call, return: returned, result };
}
