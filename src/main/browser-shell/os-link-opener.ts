// Opens a checked link with the platform's opener (xdg-open, open, start), for the browser shell.
import { spawn } from 'node:child_process';
import type { LinkOpener } from '../core/links/LinkOpener';

export const osLinkOpener: LinkOpener = {
  async open(url) {
    const [command, args] =
      process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  },
};
