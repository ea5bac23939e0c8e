/**
 * Polls until `condition` holds, for state that changes without an event to await (a server-side
 * subscription, a row written by another process); the failure message names what was awaited,
 * and `explain`, when given, adds the state found at the end.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'condition',
  timeoutMs = 5_000,
  explain?: () => string | Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const found = explain ? ` (found: ${await explain()})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${found}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
