import { nobleCryptoProvider } from './noble-provider';
import { describePublishedVectors } from './testing/provider-suite';

// The iterated 1,000-round X25519 vector takes a couple of seconds on noble; it runs once, here.
describePublishedVectors(nobleCryptoProvider, { iterated1000: true });
