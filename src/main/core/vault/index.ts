// The encrypted vault: records sealed under a master key that only the SecretStore can unprotect.
export { Vault, VAULT_DIR, type VaultOptions, type VaultSpace, type VaultListing, type ListedRecord } from './Vault';
export { VaultError, isVaultError, type VaultErrorCode } from './VaultError';
export { jsonRecord, type RecordCodec } from './jsonRecord';
export { MASTER_KEY_FILE } from './MasterKey';
export { ListRecord } from './ListRecord';
