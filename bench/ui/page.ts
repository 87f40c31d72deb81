// The slice of the browser's API the in-page parts of bench:ui use, typed for a program compiled without DOM types
// (tsconfig.node.json). Functions given to page.evaluate cast globalThis to PageWindow; nothing here runs in Node.

export interface PageRect {
  top: number;
  bottom: number;
}

export interface PageElement {
  textContent: string | null;
  scrollTop: number;
  clientHeight: number;
  scrollHeight: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): PageRect;
}

export interface PageEvent {
  timeStamp: number;
  key?: string;
  target?: unknown;
}

export interface PageDocument extends PageElement {
  body: PageElement;
  getElementsByTagName(name: string): { length: number };
  addEventListener(type: string, listener: (event: PageEvent) => void, options?: { capture?: boolean; once?: boolean }): void;
  removeEventListener(type: string, listener: (event: PageEvent) => void, options?: { capture?: boolean }): void;
}

export interface PageObserver {
  observe(target: PageElement, options: { subtree?: boolean; childList?: boolean; attributes?: boolean; characterData?: boolean; attributeFilter?: string[] }): void;
  disconnect(): void;
}

export interface IdbRequest<T> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

export interface IdbStore {
  add(value: unknown): IdbRequest<unknown>;
  put(value: unknown): IdbRequest<unknown>;
  get(key: unknown): IdbRequest<unknown>;
  count(): IdbRequest<number>;
  index(name: string): { count(range?: unknown): IdbRequest<number> };
}

export interface IdbTransaction {
  objectStore(name: string): IdbStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export interface IdbDatabase {
  transaction(stores: string | string[], mode?: 'readonly' | 'readwrite', options?: { durability?: 'default' | 'strict' | 'relaxed' }): IdbTransaction;
  close(): void;
}

/** What the bench keeps in the page between calls. */
export interface BenchPageState {
  opened?: { clickAt: number; domAt: number; frameAt: number } | null;
  sends?: Record<string, { enterAt: number; shownAt?: number; sentAt?: number }>;
  catchUp?: { firstShownAt?: number; currentAt?: number; navigationStart: number };
  searched?: { inputAt: number; frameAt: number; hits: number } | null;
}

export interface PageWindow {
  document: PageDocument;
  performance: { now(): number; timeOrigin: number };
  indexedDB: { open(name: string): IdbRequest<IdbDatabase> };
  IDBKeyRange: { bound(lower: unknown, upper: unknown): unknown };
  MutationObserver: new (callback: () => void) => PageObserver;
  PerformanceObserver: new (callback: (list: { getEntries(): unknown[] }) => void) => { observe(options: { type: string; buffered: boolean }): void; disconnect(): void };
  requestAnimationFrame(callback: (time: number) => void): number;
  setTimeout(callback: () => void, ms: number): number;
  setInterval(callback: () => void, ms: number): number;
  clearInterval(id: number): void;
  __benchUi?: BenchPageState;
}
