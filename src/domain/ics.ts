// iCalendar (RFC 5545) for one booking, so an SME or a provider can put it in a calendar. Pure.
// - Lines end in CRLF and are folded at 75 octets (§3.1): a continuation line starts with one
//   space, and a line is never split inside a UTF-8 character (Chinese names are 3 octets each).
// - TEXT values escape backslash, semicolon, comma and line breaks (§3.3.11).
// - DTSTAMP, DTSTART and DTEND are UTC date-times ("…Z", §3.3.5), so no VTIMEZONE is needed.
// - UID is stable per booking and SEQUENCE counts its changes, so a calendar that imported it
//   once replaces the event when the booking is extended, rescheduled or cancelled (§3.8.7.4).

export interface CalendarEvent {
  uid: string;
  /** When the file was made (UTC ms). */
  stamp: number;
  starts_at: number;
  ends_at: number;
  summary: string;
  description?: string;
  url?: string;
  status: "CONFIRMED" | "TENTATIVE" | "CANCELLED";
  sequence: number;
}

/** TEXT escaping (RFC 5545 §3.3.11): \\ ; , and line breaks as \n. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/** 20260303T020000Z */
export function utcDateTime(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();
const MAX_OCTETS = 75;

/** Folds one content line into lines of at most 75 octets, continuations starting with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  // The first line holds 75 octets; each continuation holds 74 after its leading space.
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** A VCALENDAR with one VEVENT, CRLF line endings and folded lines. */
export function calendarFile(e: CalendarEvent): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Innovation vouchers//Bookings//ZH",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${e.uid}`,
    `DTSTAMP:${utcDateTime(e.stamp)}`,
    `DTSTART:${utcDateTime(e.starts_at)}`,
    `DTEND:${utcDateTime(e.ends_at)}`,
    `SEQUENCE:${e.sequence}`,
    `STATUS:${e.status}`,
    `SUMMARY:${escapeText(e.summary)}`,
    ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
