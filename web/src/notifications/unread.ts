// The unread count the header's bell shows, shared with the notifications page: the page says
// when it marked something read, so the bell does not wait for its next poll.
const listeners = new Set<() => void>();

/** Ask every bell on the page to read the count again. */
export function unreadChanged(): void {
  for (const listener of listeners) listener();
}

export function onUnreadChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
