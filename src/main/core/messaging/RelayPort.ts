// What messaging needs from the relay connection: the Transport's surface, narrowed so tests can stand in for it.
import type { Transport } from '../transport';

export type RelayPort = Pick<
  Transport,
  | 'send'
  | 'publishPrekeys'
  | 'fetchPrekeys'
  | 'countPrekeys'
  | 'linkDevice'
  | 'listDevices'
  | 'removeDevice'
  | 'on'
  | 'snapshot'
  | 'blobUploadToken'
  | 'blobResumeToken'
  | 'blobDownloadToken'
  | 'grantBlob'
>;
