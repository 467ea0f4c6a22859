/**
 * What the person is looking at and doing: the selected node and message, the open menu or
 * dialog, and the colour scheme. Separate from the cluster's state so views stay simple.
 */
import type { NodeId } from '../../core/types.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface MenuAnchor {
  x: number;
  y: number;
}

export class UiState {
  selectedNode: NodeId | undefined = $state(undefined);
  selectedMessage: number | undefined = $state(undefined);
  nodeMenu: { node: NodeId; anchor: MenuAnchor } | undefined = $state(undefined);
  linkMenu: { a: NodeId; b: NodeId; anchor: MenuAnchor } | undefined = $state(undefined);
  helpOpen = $state(false);
  wipeAsk: NodeId | undefined = $state(undefined);
  theme: ThemeChoice = $state('system');
  /** The inspector shows the node or the message, whichever was picked last. */
  inspecting: 'node' | 'message' = $state('node');

  selectNode(id: NodeId | undefined): void {
    this.selectedNode = id;
    this.inspecting = 'node';
  }

  selectMessage(id: number | undefined): void {
    this.selectedMessage = id;
    if (id !== undefined) this.inspecting = 'message';
  }

  openNodeMenu(node: NodeId, anchor: MenuAnchor): void {
    this.linkMenu = undefined;
    this.selectNode(node);
    this.nodeMenu = { node, anchor };
  }

  closeMenus(): void {
    this.nodeMenu = undefined;
    this.linkMenu = undefined;
  }

  /** Restores the saved colour scheme choice and applies it to the document. */
  loadTheme(): void {
    const saved = safeStorage()?.getItem('raft-playground-theme');
    this.setTheme(saved === 'light' || saved === 'dark' ? saved : 'system');
  }

  setTheme(choice: ThemeChoice): void {
    this.theme = choice;
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
    safeStorage()?.setItem('raft-playground-theme', choice);
  }

  /** Flips between light and dark (from the system scheme, to its opposite). */
  toggleTheme(): void {
    const systemDark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    const dark = this.theme === 'dark' || (this.theme === 'system' && systemDark);
    this.setTheme(dark ? 'light' : 'dark');
  }
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
