// The device's account: identity keys, registration with a relay, and the account file.
export { generateIdentity, identityFromPrivateKey, identitySigner, verifyIdentitySignature, type IdentityKeyPair } from './identity';
export { registerAccount, DEFAULT_REGISTER_TIMEOUT_MS, type RegisterOptions, type RegisteredAccount } from './registerAccount';
export { AccountStore, ACCOUNT_FILE, relayUrlsOf, withRelayUrls, type Account } from './AccountStore';
export { AccountStoreError, RegistrationError, type AccountStoreErrorCode, type RegistrationErrorCode } from './errors';
