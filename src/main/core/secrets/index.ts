// Secrets at rest: the interface the core uses, and the weak file-backed store for Node and the browser shell.
export { SecretStoreError, type SecretStore, type SecretStoreErrorCode, type SecretStoreSecurity } from './SecretStore';
export { FileSecretStore, SECRET_KEY_FILE } from './FileSecretStore';
