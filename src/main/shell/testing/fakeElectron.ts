// A stand-in for the 'electron' module, for shell tests on machines without the Electron runtime:
//   vi.mock('electron', () => import('./testing/fakeElectron'));
// It implements only what the shell uses, records what the shell did (handlers installed, windows made, messages
// sent, dialogs shown) and lets a test play the OS and the page (fire app events, invoke IPC from a frame URL).
import { EventEmitter } from 'node:events';

type Handler = (...args: never[]) => unknown;

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstanceLock = true;
  readonly paths: Record<string, string> = {};
  readonly protocolClients: string[] = [];
  quitCalls = 0;
  badgeCount = 0;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));

  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** The test says when Electron is ready. */
  markReady(): void {
    this.readyResolve();
  }
  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`fake app has no path "${name}"`);
    return path;
  }
  getVersion(): string {
    return '0.1.0';
  }
  quit(): void {
    this.quitCalls += 1;
    this.emit('before-quit', { preventDefault: () => undefined });
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  }
  setBadgeCount(count: number): boolean {
    this.badgeCount = count;
    return true;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  destroyed = false;

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Plays an event the page caused (will-navigate, ...); true if a listener prevented it. */
  attempt(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.instances.find((window) => window.webContents === contents) ?? null;
  }
  /** The page "loads": 'ready-to-show' follows on the next turn, as it does once Electron has painted. */
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  minimize(): void {
    this.minimized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user closes the window: 'close' (preventable), then 'closed' unless prevented. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  /** What ipcRenderer.invoke from a frame at `frameUrl` (null: a frame already gone) would get. */
  async invoke(channel: string, request: unknown, frameUrl: string | null): Promise<unknown> {
    const handler = this.handlers.get(channel) as ((event: unknown, request: unknown) => unknown) | undefined;
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, request);
  }
}

class FakeSafeStorage {
  encryptionAvailable = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable(): boolean {
    return this.encryptionAvailable;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  /** Sealed data names its backend, so another backend cannot open it (as with the real keychains). */
  encryptString(text: string): Buffer {
    if (!this.encryptionAvailable) throw new Error('Encryption is not available.');
    return Buffer.from(`${this.backend}|${Buffer.from(text).toString('hex')}`);
  }
  decryptString(sealed: Buffer): string {
    const [backend, hex] = sealed.toString().split('|');
    if (backend !== this.backend || hex === undefined) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(hex, 'hex').toString();
  }
}

class FakeSession {
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  devicePermissionHandler: Handler | null = null;
  headersReceived: Handler | null = null;
  readonly webRequest = { onHeadersReceived: (handler: Handler) => (this.headersReceived = handler) };
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Handler): void {
    this.devicePermissionHandler = handler;
  }
}

/** Set `Tray.unavailable` to play a desktop without a tray (the constructor throws, as Electron's can). */
export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  static unavailable = false;
  tooltip = '';
  menu: { label: string; enabled?: boolean; click?: () => void }[] = [];
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    if (Tray.unavailable) throw new Error('tray icons are not supported here');
    Tray.instances.push(this);
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: { items: { label: string; enabled?: boolean; click?: () => void }[] }): void {
    this.menu = menu.items;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = {
  buildFromTemplate: (items: { label: string; enabled?: boolean; click?: () => void }[]) => ({ items }),
};

export const nativeImage = {
  createFromPath: (path: string) => ({ path, resize: () => ({ path }) }),
};

export const app = new FakeApp();
export const ipcMain = new FakeIpcMain();
export const safeStorage = new FakeSafeStorage();
export const session = { defaultSession: new FakeSession() };
export const net = { online: true, isOnline: () => net.online };
export const powerMonitor = new EventEmitter();
export const protocol = {
  privileged: [] as { scheme: string }[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: { scheme: string }[]): void {
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    protocol.handlers.set(scheme, handler);
  },
};
export const shell = {
  opened: [] as string[],
  /** Saved files opened with their app, and shown in their folder. */
  openedPaths: [] as string[],
  shownPaths: [] as string[],
  /** What the next openPath answers ('' is success, as in Electron). */
  nextOpenPathError: '',
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
  async openPath(path: string): Promise<string> {
    shell.openedPaths.push(path);
    return shell.nextOpenPathError;
  },
  showItemInFolder(path: string): void {
    shell.shownPaths.push(path);
  },
};
export const dialog = {
  errors: [] as { title: string; content: string }[],
  questions: [] as { message: string; detail?: string }[],
  /** The button index the next showMessageBox answers with. */
  nextResponse: 0,
  showErrorBox(title: string, content: string): void {
    dialog.errors.push({ title, content });
  },
  /** Default paths the save dialogs were opened at; the next answer (undefined: the user cancels). */
  saveDefaults: [] as string[],
  nextSavePath: undefined as string | undefined,
  async showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    dialog.saveDefaults.push((args[args.length - 1] as { defaultPath: string }).defaultPath);
    return dialog.nextSavePath === undefined ? { canceled: true } : { canceled: false, filePath: dialog.nextSavePath };
  },
  async showMessageBox(...args: unknown[]): Promise<{ response: number }> {
    const options = args[args.length - 1] as { message: string; detail?: string };
    dialog.questions.push({ message: options.message, detail: options.detail });
    return { response: dialog.nextResponse };
  },
};
