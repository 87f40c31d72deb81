// A schema upgrade's walk over a store's rows as IndexedDB holds them, below Dexie and the at-rest sealing.

/**
 * Walks a store's raw rows in key order; `visit` returns the row to write back in place, or undefined to leave it.
 * `K` is the store's key type (a number for the stores keyed by seq).
 */
export function eachRawRow<T, K extends IDBValidKey = number>(store: IDBObjectStore, visit: (key: K, row: T) => object | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = store.openCursor();
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) {
        resolve();
        return;
      }
      const replaced = visit(cursor.primaryKey as K, cursor.value as T);
      if (replaced) cursor.update(replaced);
      cursor.continue();
    };
  });
}
