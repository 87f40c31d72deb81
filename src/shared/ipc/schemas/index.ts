// Value schemas of the IPC contract.
export * from './app';
export * from './account';
export * from './connection';
export * from './contacts';
export * from './errorText';
export * from './groups';
export * from './messages';
export * from './links';
export * from './settings';
export * from './updates';
export * from './media';
export * from './invites';
export * from './devices';
export * from './history';
export * from './profiles';
