// Idempotency-Keys for money-moving requests (DESIGN §6). One key per attempt at one thing: a
// double click or a retry after a lost answer sends the same key with the same body, so the
// server answers with what it did the first time and nothing moves twice. A changed request, or
// one the server has answered, gets a new key.

/** A fresh key: random, [A-Za-z0-9_-], within the API's 8–128 characters. */
export function newIdempotencyKey(prefix: string): string {
  // getRandomValues works on plain-HTTP intranet addresses too, where randomUUID does not exist.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export interface Attempts {
  /** The key for sending `body`: the pending attempt's if it was the same body, else a new one. */
  keyFor(body: unknown): string;
  /** The server answered (yes or no): the next attempt is a new one. */
  answered(): void;
}

export function attempts(prefix: string): Attempts {
  let pending: { body: string; key: string } | null = null;
  return {
    keyFor(body) {
      const text = JSON.stringify(body);
      if (pending?.body !== text) pending = { body: text, key: newIdempotencyKey(prefix) };
      return pending.key;
    },
    answered() {
      pending = null;
    },
  };
}

/**
 * Sends one attempt: `request` gets the attempt's key. Without a clear answer (no response, or a
 * server error after which the change may have been made) the key is kept for the retry; any
 * other answer ends the attempt.
 */
export async function sendOnce<T>(tries: Attempts, body: unknown, request: (key: string) => Promise<T>): Promise<T> {
  const key = tries.keyFor(body);
  try {
    const answer = await request(key);
    tries.answered();
    return answer;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status !== 0 && status < 500) tries.answered();
    throw error;
  }
}
