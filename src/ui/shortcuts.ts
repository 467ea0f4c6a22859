/**
 * Keyboard shortcuts: the list the help overlay shows, and the mapping from a key to an action.
 * Pure: `shortcutFor` decides, the App performs. Keys are ignored while typing in a field.
 */
export interface Shortcut {
  keys: string;
  what: string;
}

export type ShortcutAction =
  | { kind: 'help' }
  | { kind: 'pause' }
  | { kind: 'step' }
  | { kind: 'select'; node: number }
  | { kind: 'crash-or-restart' }
  | { kind: 'restart' }
  | { kind: 'timeout' }
  | { kind: 'isolate' }
  | { kind: 'wipe' }
  | { kind: 'menu' }
  | { kind: 'heal' }
  | { kind: 'faster' }
  | { kind: 'slower' }
  | { kind: 'console' }
  | { kind: 'theme' };

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: '?', what: 'show this help' },
  { keys: 'Space', what: 'pause or resume' },
  { keys: 's', what: 'step: deliver the next message (pauses first)' },
  { keys: '1 … 7', what: 'select node 1 … 7 (focuses it)' },
  { keys: 'm', what: 'open the selected node’s menu' },
  { keys: 'c', what: 'crash the selected node (restart it if crashed)' },
  { keys: 'r', what: 'restart the selected node' },
  { keys: 't', what: 'force the selected node’s election timeout' },
  { keys: 'i', what: 'isolate the selected node, or let it rejoin' },
  { keys: 'w', what: 'wipe the selected node’s disk (asks first)' },
  { keys: 'h', what: 'heal the network (every link open)' },
  { keys: '+ -', what: 'faster / slower' },
  { keys: '/', what: 'focus the console' },
  { keys: 'd', what: 'switch light / dark colours' },
  { keys: 'Esc', what: 'close a menu or dialog' },
  { keys: '↑ ↓', what: 'in the console: earlier / later commands' },
];

const SIMPLE: Record<string, ShortcutAction> = {
  '?': { kind: 'help' },
  ' ': { kind: 'pause' },
  s: { kind: 'step' },
  m: { kind: 'menu' },
  c: { kind: 'crash-or-restart' },
  r: { kind: 'restart' },
  t: { kind: 'timeout' },
  i: { kind: 'isolate' },
  w: { kind: 'wipe' },
  h: { kind: 'heal' },
  '+': { kind: 'faster' },
  '=': { kind: 'faster' },
  '-': { kind: 'slower' },
  '/': { kind: 'console' },
  d: { kind: 'theme' },
};

export interface KeyInfo {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element is a text field, select, or contenteditable. */
  typing: boolean;
  /** The focused element is a button or similar, where Space and Enter already mean "press". */
  onControl: boolean;
}

export function shortcutFor(e: KeyInfo): ShortcutAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.typing) return undefined;
  if (e.key === ' ' && e.onControl) return undefined;
  if (/^[1-7]$/.test(e.key)) return { kind: 'select', node: Number(e.key) };
  return SIMPLE[e.key.length === 1 ? e.key.toLowerCase() : e.key] ?? SIMPLE[e.key];
}

/** Is this element one where keys are text (so shortcuts must stay quiet)? */
export function isTypingTarget(el: Element | null): boolean {
  if (el === null) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'range', 'button', 'submit'].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

export function isControlTarget(el: Element | null): boolean {
  if (el === null) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'button' || tag === 'a' || tag === 'summary' || el.getAttribute('role') === 'button' || tag === 'input';
}
