// iCalendar output (RFC 5545): TEXT escaping, UTC date-times, and folding at 75 octets without
// splitting a UTF-8 character, CRLF throughout.
import { describe, expect, it } from "vitest";
import { calendarFile, escapeText, foldLine, utcDateTime } from "../../src/domain/ics";

const octets = (s: string) => new TextEncoder().encode(s).length;

describe("iCalendar", () => {
  it("escapes backslash, semicolon, comma and line breaks in TEXT", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("writes UTC date-times", () => {
    expect(utcDateTime(Date.parse("2026-03-03T10:00:00+08:00"))).toBe("20260303T020000Z");
  });

  it("folds at 75 octets, continuation lines start with a space, never inside a Chinese character", () => {
    const line = `SUMMARY:${"昇腾算力".repeat(30)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => octets(p) <= 75)).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith(" "))).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join("")).toBe(line);
    expect(folded).not.toContain("\uFFFD");
    expect(foldLine("SHORT:x")).toBe("SHORT:x");
    const exactly = `X:${"a".repeat(73)}`;
    expect(foldLine(exactly)).toBe(exactly);
    expect(foldLine(`${exactly}b`)).toBe(`${exactly}\r\n b`);
  });

  it("makes a whole calendar with CRLF line ends and the required properties", () => {
    const file = calendarFile({ uid: "bkg_x@test", stamp: 0, starts_at: 3_600_000, ends_at: 7_200_000, summary: "A, B; C", status: "CONFIRMED", sequence: 2 });
    expect(file.endsWith("\r\n")).toBe(true);
    expect(file.split("\r\n").slice(0, -1).every((l) => !l.includes("\n"))).toBe(true);
    expect(file).toContain("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:");
    expect(file).toContain("UID:bkg_x@test\r\nDTSTAMP:19700101T000000Z\r\nDTSTART:19700101T010000Z\r\nDTEND:19700101T020000Z\r\nSEQUENCE:2\r\nSTATUS:CONFIRMED\r\nSUMMARY:A\\, B\\; C\r\n");
    expect(file).toContain("END:VEVENT\r\nEND:VCALENDAR\r\n");
  });
});
