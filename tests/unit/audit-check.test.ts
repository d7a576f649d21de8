// The log checker builds the tree in chunks of 4,096 leaves, level by level, and compares each
// level with the stored subtrees at once. Logs of a few dozen events (the API tests) never cross
// a chunk; these do: roots at every kind of size, subtrees above a chunk, and a bad stored node in
// a later chunk, against the leaf-by-leaf TreeBuilder as the reference.
import { describe, expect, it } from "vitest";
import { canonicalEventText, chainHash, eventFromCanonical, eventLeafHash, GENESIS_HASH, type CanonicalEvent } from "../../src/domain/audit-event";
import { completeSubtreeCount, walkLog, type CheckLevel, type StoredEvent } from "../../src/domain/audit-walk";
import { toHex, TreeBuilder } from "../../src/domain/merkle";

const N = 10_000;

function makeLog(n: number): { events: StoredEvent[]; nodes: Map<string, string>; roots: Map<number, string> } {
  const events: StoredEvent[] = [];
  const nodes = new Map<string, string>();
  const roots = new Map<number, string>();
  const builder = new TreeBuilder();
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const event: CanonicalEvent = {
      seq,
      at: 1_764_000_000_000 + seq,
      request_id: `req_${seq}`,
      actor_user_id: seq % 3 ? `usr_${seq % 7}` : null,
      actor_org_id: null,
      action: "booking.confirmed",
      subject_type: "booking",
      subject_id: `bkg_${seq}`,
      programme_id: seq % 2 ? "prg_a" : null,
      before_json: null,
      after_json: JSON.stringify({ note: `审计 "${seq}"\n\u0001`, seq }),
    };
    const hash = chainHash(prev, event);
    events.push({ ...event, prev_hash: prev, hash });
    for (const node of builder.append(eventLeafHash(event))) nodes.set(`${node.level}:${node.idx}`, toHex(node.hash));
    roots.set(seq, toHex(builder.root()));
    prev = hash;
  }
  return { events, nodes, roots };
}

const log = makeLog(N);

/** A CheckLevel over a map of stored nodes, counting the nodes it was asked about. */
function checkAgainst(nodes: Map<string, string>, asked: { count: number }): CheckLevel {
  return async (level, from, to, builtHex) => {
    for (let idx = from; idx <= to; idx++) {
      asked.count += 1;
      const stored = nodes.get(`${level}:${idx}`);
      if (stored === undefined) return { idx, problem: `missing ${level}:${idx}` };
      if (stored !== builtHex.slice((idx - from) * 64, (idx - from + 1) * 64)) return { idx, problem: `differs ${level}:${idx}` };
    }
    return null;
  };
}

describe("the chunked log checker", () => {
  it("rebuilds the roots at sizes inside, at and across chunk boundaries, and checks every stored subtree once", async () => {
    const sizes = [1, 2, 3, 255, 4095, 4096, 4097, 8191, 8192, 8193, 9999, N];
    const asked = { count: 0 };
    const walk = await walkLog(log.events, { rootsAt: new Set(sizes), checkLevel: checkAgainst(log.nodes, asked) });
    expect(walk.first_break).toBeNull();
    expect(walk.sealed).toBe(N);
    expect(asked.count).toBe(completeSubtreeCount(N));
    expect(asked.count).toBe(log.nodes.size);
    for (const size of sizes) expect(toHex(walk.roots.get(size)!), `root at ${size}`).toBe(log.roots.get(size));
  });

  it("names the first leaf of a stored subtree that differs, in a later chunk and above a chunk", async () => {
    for (const [level, idx] of [
      [0, 5000],
      [3, 700],
      [12, 1],
      [13, 0],
    ] as const) {
      const nodes = new Map(log.nodes);
      nodes.set(`${level}:${idx}`, "e".repeat(64));
      const walk = await walkLog(log.events, { rootsAt: new Set([N]), checkLevel: checkAgainst(nodes, { count: 0 }) });
      expect(walk.first_break, `${level}:${idx}`).toEqual({ seq: idx * 2 ** level + 1, problem: `differs ${level}:${idx}` });
      expect(walk.sealed).toBe((idx + 1) * 2 ** level - 1);
      expect(walk.roots.has(N)).toBe(false);
    }
  });

  it("reports an edited event after a full chunk at its own sequence number, with the roots before it", async () => {
    const events = log.events.map((e) => (e.seq === 6000 ? { ...e, subject_id: "bkg_forged" } : e));
    const walk = await walkLog(events, { rootsAt: new Set([4096, 5999, 6000]), checkLevel: checkAgainst(log.nodes, { count: 0 }) });
    expect(walk.first_break).toEqual({ seq: 6000, problem: "event 6000's content does not match its hash (edited after sealing)" });
    expect(walk.sealed).toBe(5999);
    expect(toHex(walk.roots.get(5999)!)).toBe(log.roots.get(5999));
    expect(walk.roots.has(6000)).toBe(false);
  });

  it("an event break after a bad stored subtree in the same chunk reports the subtree, which came first", async () => {
    const nodes = new Map(log.nodes);
    nodes.set("1:2100", "0".repeat(64)); // completed by seq 4202
    const events = log.events.filter((e) => e.seq !== 4300);
    const walk = await walkLog(events, { checkLevel: checkAgainst(nodes, { count: 0 }) });
    expect(walk.first_break).toEqual({ seq: 4201, problem: "differs 1:2100" });
  });
});

describe("the event a stored canonical text holds", () => {
  it("is the event the text was made from, and anything else is refused", () => {
    const event: CanonicalEvent = {
      seq: 7,
      at: 1764000000000,
      request_id: "req_1",
      actor_user_id: null,
      actor_org_id: "org_1",
      action: "booking.confirmed",
      subject_type: "booking",
      subject_id: "bkg_1",
      programme_id: null,
      before_json: null,
      after_json: '{"note":"预约 \\"引号\\"\\n"}',
    };
    const text = canonicalEventText(event);
    expect(eventFromCanonical(text)).toEqual(event);
    expect(canonicalEventText(eventFromCanonical(text))).toBe(text);
    const values = JSON.parse(text) as unknown[];
    const changed = (i: number, value: unknown) => JSON.stringify(values.map((v, j) => (j === i ? value : v)));
    expect(() => eventFromCanonical("not json")).toThrow();
    expect(() => eventFromCanonical(JSON.stringify(values.slice(0, 11)))).toThrow(/not a canonical/);
    expect(() => eventFromCanonical(changed(0, "audit-event/v2"))).toThrow(/not a canonical/);
    expect(() => eventFromCanonical(changed(1, 7.5))).toThrow(/seq has the wrong type/);
    expect(() => eventFromCanonical(changed(2, "1764000000000"))).toThrow(/at has the wrong type/);
    expect(() => eventFromCanonical(changed(6, 42))).toThrow(/action has the wrong type/);
    expect(() => eventFromCanonical(changed(11, { note: 1 }))).toThrow(/after_json has the wrong type/);
  });
});
