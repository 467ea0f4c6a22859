/**
 * A binary min-heap on a plain array, for the two queues the engine keeps in time order: the
 * Simulation's event agenda and the bus's in-flight messages. `before(a, b)` is the strict order;
 * callers break ties themselves (insertion order, message id) so runs are deterministic.
 */
export type Before<T> = (a: T, b: T) => boolean;

export function heapPush<T>(heap: T[], item: T, before: Before<T>): void {
  heap.push(item);
  let k = heap.length - 1;
  while (k > 0) {
    const parent = (k - 1) >> 1;
    if (!before(item, heap[parent]!)) break;
    heap[k] = heap[parent]!;
    k = parent;
  }
  heap[k] = item;
}

export function heapPop<T>(heap: T[], before: Before<T>): T | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let k = 0;
  const n = heap.length;
  while (true) {
    const left = 2 * k + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
    if (!before(heap[child]!, last)) break;
    heap[k] = heap[child]!;
    k = child;
  }
  heap[k] = last;
  return top;
}
