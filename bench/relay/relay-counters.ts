// What the relay's group commit did over a measured window, read from its Prometheus endpoint when the window opens
// and closes: commits, sends and acks. Sends per commit is what sets the storage CPU per message (a commit costs a
// fixed part plus a little per message: "What a commit costs" in README.md), and the bench cannot see it otherwise.

/** Counter name → value: `relay.commits`, `relay.sends` (every outcome), `relay.acks` (ack frames committed). */
export async function readRelayCounters(metricsUrl: string): Promise<Record<string, number>> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return parseRelayCounters(await response.text());
}

/** Parses the relay's Prometheus text (exported for its test); a series with labels is summed over them. */
export function parseRelayCounters(text: string): Record<string, number> {
  const sum = (name: string) => {
    let total = 0;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(match[1]);
    return total;
  };
  return { 'relay.commits': sum('parley_commit_seconds_count'), 'relay.sends': sum('parley_sends_total'), 'relay.acks': sum('parley_acks_total') };
}
