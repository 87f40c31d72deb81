// The relay wire protocol: frames, codec, signing bytes, close codes, version and limits.
export * from './version';
export * from './fields';
export * from './frames';
export * from './close-codes';
export * from './auth';
export * from './codec';
export { WireError } from './wire';
