// The inbox's keyset cursor: the position of the last row shown in "unread first, newest first"
// order, as opaque base64url text.
export type Position = [unread: 0 | 1, created_at: number, id: string];

export function encodeCursor(position: Position): string {
  return btoa(JSON.stringify(position)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position, or null when the text is not a cursor this API made. */
export function decodeCursor(cursor: string): Position | null {
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    if (Array.isArray(value) && value.length === 3 && (value[0] === 0 || value[0] === 1) && Number.isInteger(value[1]) && typeof value[2] === "string" && value[2].length <= 64) {
      return value as Position;
    }
  } catch {
    // not base64 or not JSON
  }
  return null;
}
