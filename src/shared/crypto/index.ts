// The Parley protocol layer: PQXDH, Double Ratchet, Sender Keys and safety numbers over a CryptoProvider.
// Pure functions over noble; nothing here touches storage, the network, or a global key.
export * from './errors';
export { concatBytes, fromHex, toHex } from './bytes';
export * from './provider';
export { nobleCryptoProvider } from './noble-provider';
export * from './formats';
export * from './identity';
export * from './prekeys';
export * from './bundle';
export * from './pqxdh';
export { kdfRk, kdfCk } from './ratchet-kdf';
export * from './ratchet-header';
export * from './ratchet-state';
export * from './ratchet';
export * from './session';
export * from './sender-key-message';
export * from './sender-key';
export * from './sender-key-record';
export * from './safety-number';
export * from './device-certificate';
export * from './provisioning';
