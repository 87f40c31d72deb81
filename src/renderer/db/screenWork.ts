// Reads and writes a screen starts can outlive the session's database (sign-out closes it while a chat is open):
// a closed database is then the expected end of that work. Anything else is logged, never left unhandled.
export function screenWork(event: string, work: Promise<unknown>): void {
  work.catch((error: unknown) => {
    if (error instanceof Error && error.name === 'DatabaseClosedError') return;
    console.warn(`parley.${event}`, { error: error instanceof Error ? error.name : typeof error });
  });
}
