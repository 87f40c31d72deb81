// Hands a parley:// link to a browser-shell user's running app, the way a second launch of the desktop app hands
// over its command line: POSTed to the host with this launch's token (read from the page, as `npm run link` does).
import type { E2eUser } from './world';

export async function openDeepLink(user: E2eUser, link: string): Promise<number> {
  const page = await fetch(user.shell.url);
  const token = /name="parley-host-token" content="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('the browser-shell page carries no host token');
  const response = await fetch(new URL('/__parley/deep-link', user.shell.url), { method: 'POST', headers: { 'x-parley-host-token': token }, body: link });
  return response.status;
}
