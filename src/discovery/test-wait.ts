// Helper for tests of discoverers: polls until a condition holds, failing after a deadline.

/** Resolves once `ok()` is true (checked every 10 ms); rejects with "timed out waiting for <what>" after `ms`. */
export async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
