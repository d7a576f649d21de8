// The first page's first read, started at start-up beside the session read (web/src/app/main.tsx,
// through the page's `firstRead` in web/src/app/navigation.ts), so its request does not wait for
// the page's code to arrive and render. The page takes the answer once, for the address it was
// read for; a navigation, or a session that turns out signed out or changes, drops it, so nobody
// is ever shown an answer read for another address or another person.

let early: { href: string; key: string; answer: Promise<unknown> } | null = null;

const here = () => location.pathname + location.search;

/** Starts `read` now for the current address; `key` names what it reads (the page's own key for its load). */
export function readEarly(key: string, read: () => Promise<unknown>): void {
  const answer = read();
  answer.catch(() => {}); // handled where it is taken; never an unhandled rejection meanwhile
  early = { href: here(), key, answer };
}

/** The early answer when one was read for `key` at this address and not yet taken; else `read()`. */
export function takeEarly<T>(key: string, read: () => Promise<T>): Promise<T> {
  const taken = early;
  early = null;
  return taken && taken.key === key && taken.href === here() ? (taken.answer as Promise<T>) : read();
}

/** Forgets the early answer (after a navigation, or when the session is not the one it was read with). */
export function dropEarlyRead(): void {
  early = null;
}
