// The embedded blob index against the shared blob index contract.
import { makeTempDir, removeDir } from '../../../test/support/relay-harness';
import { describeBlobIndexContract } from './blob-index.contract';
import { SqliteBlobIndex } from './sqlite-blob-index';

describeBlobIndexContract('SQLite', async () => {
  const dataDir = makeTempDir();
  const index = new SqliteBlobIndex(dataDir);
  return {
    index,
    async destroy() {
      await index.close();
      removeDir(dataDir);
    },
  };
});
