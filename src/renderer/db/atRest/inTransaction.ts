// IndexedDB commits a transaction as soon as it has no request pending, so it does not wait for WebCrypto: a
// transaction that awaits an encryption would be gone when the write comes. This keeps it open with tiny reads
// until the work is done and hands the result over inside a request's success callback, where the transaction
// takes new requests again (Dexie.waitFor does the same for Dexie-level code; this is its DBCore counterpart).

/** A key no Parley store uses: counting it is the cheapest request there is. */
const NO_SUCH_KEY = -Infinity;

export function awaitInTransaction<T>(trans: IDBTransaction, storeName: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let outcome: { value: T } | { error: unknown } | undefined;
    work.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    const spin = () => {
      if (outcome) {
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
        return;
      }
      let request: IDBRequest;
      try {
        request = trans.objectStore(storeName).count(NO_SUCH_KEY);
      } catch (error) {
        reject(error);
        return;
      }
      request.onsuccess = spin;
      request.onerror = () => reject(request.error);
    };
    spin();
  });
}
