// One Idempotency-Key per attempt: a double click or a retry resends the same key, a changed
// request or one the server answered gets a new one.
import { describe, expect, it } from "vitest";
import { attempts, newIdempotencyKey } from "../../../web/src/shell/idempotency";

const KEY_RULE = /^[A-Za-z0-9_\-:.]{8,128}$/; // src/db/idempotency.ts

describe("idempotency keys", () => {
  it("are fresh every time and fit the API's rule", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newIdempotencyKey("booking")));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(KEY_RULE);
  });

  it("repeat for the same request until the server answers it", () => {
    const booking = attempts("booking");
    const body = { offering_id: "off_x", quantity: 8 };
    const first = booking.keyFor(body);
    expect(booking.keyFor({ ...body })).toBe(first);
    booking.answered();
    expect(booking.keyFor(body)).not.toBe(first);
  });

  it("change when the request changes", () => {
    const booking = attempts("booking");
    const first = booking.keyFor({ quantity: 8 });
    const second = booking.keyFor({ quantity: 9 });
    expect(second).not.toBe(first);
    expect(booking.keyFor({ quantity: 8 })).not.toBe(first);
  });
});
