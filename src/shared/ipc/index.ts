// The typed IPC contract between the renderer and main, and the pieces derived from it.
export * from './contract';
export * from './channelNames';
export * from './schemas';
export * from './errors';
export * from './errorText';
export * from './TextError';
export * from './bridge';
export * from './dispatcher';
export * from './events';
