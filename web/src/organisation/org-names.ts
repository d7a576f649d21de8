// Names of the organisations that lists name only by id (applications, vouchers, bookings).
// Agency staff may read any organisation; anyone else sees the ids the API gives them. Each
// organisation is read once per signed-in person and page load.
import { useEffect, useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { useMe } from "../shell/session";

export type Organisation = InferResponseType<(typeof api.api.organisations)[":id"]["$get"], 200>;

const cache = new Map<string, Promise<Organisation | null>>();

export function readOrganisation(viewerId: string, id: string): Promise<Organisation | null> {
  const key = `${viewerId}:${id}`;
  let organisation = cache.get(key);
  if (!organisation) {
    organisation = send(api.api.organisations[":id"].$get({ param: { id } })).catch(() => null);
    cache.set(key, organisation);
  }
  return organisation;
}

/** The organisations named by `ids` that this person may read, by id; filled in as they arrive. */
export function useOrganisations(ids: readonly string[]): ReadonlyMap<string, Organisation> {
  const viewer = useMe().user.id;
  const unique = [...new Set(ids)].sort();
  const key = unique.join(",");
  const [found, setFound] = useState<ReadonlyMap<string, Organisation>>(new Map());
  useEffect(() => {
    let current = true;
    Promise.all(unique.map((id) => readOrganisation(viewer, id))).then((organisations) => {
      if (current) setFound(new Map(organisations.filter((o): o is Organisation => o !== null).map((o) => [o.id, o])));
    });
    return () => {
      current = false;
    };
  }, [viewer, key]);
  return found;
}
