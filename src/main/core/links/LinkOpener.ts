// Opens a checked link in the OS browser. Shells implement it (Electron: shell.openExternal; the browser shell:
// the platform's opener). Callers check isSafeExternalUrl first; implementations never see unchecked links.

export interface LinkOpener {
  open(url: string): Promise<void>;
}
