// Who is signed in. Loaded once from GET /api/me; sign-in, sign-up and sign-out replace it, and
// any 401 from the API (session expired, or ended on another device) clears it.
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send, whenSignedOut } from "./api";
import { dropEarlyRead } from "./early-read";
import type { Bilingual } from "./i18n";

export type Me = InferResponseType<typeof api.api.me.$get, 200>;

export type SessionState =
  | { status: "loading" }
  | { status: "failed"; error: ApiError }
  | { status: "signed_out"; notice: Bilingual | null }
  | { status: "signed_in"; me: Me };

interface Session {
  state: SessionState;
  signedIn: (me: Me) => void;
  signedOut: (notice?: Bilingual) => void;
  reload: () => void;
}

const SessionContext = createContext<Session | null>(null);

const SESSION_ENDED: Bilingual = ["登录已失效，请重新登录", "Your session has ended; please sign in again"];

let early: Promise<Me> | null = null;

/**
 * Starts reading the session now (web/src/app/main.tsx, before the first render), so the request
 * goes out with the page's code instead of after the first frame is painted, when the provider's
 * effect runs. The provider's first read takes it; later reads (reload) ask again.
 */
export function readSessionEarly(): void {
  early = send(api.api.me.$get());
  early.catch(() => {}); // handled where it is taken; never an unhandled rejection meanwhile
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const stateRef = useRef(state);
  stateRef.current = state;

  const reload = useCallback(() => {
    setState({ status: "loading" });
    const read = early ?? send(api.api.me.$get());
    early = null;
    read.then(
      (me) => setState({ status: "signed_in", me }),
      (error: ApiError) => {
        // The page's early read was made without a session: never shown to whoever signs in next.
        dropEarlyRead();
        setState(error.status === 401 ? { status: "signed_out", notice: null } : { status: "failed", error });
      },
    );
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      if (stateRef.current.status === "signed_in") setState({ status: "signed_out", notice: SESSION_ENDED });
    });
    reload();
  }, [reload]);

  const value = useMemo<Session>(
    () => ({
      state,
      signedIn: (me) => {
        dropEarlyRead();
        setState({ status: "signed_in", me });
      },
      signedOut: (notice) => {
        dropEarlyRead();
        setState({ status: "signed_out", notice: notice ?? null });
      },
      reload,
    }),
    [state, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The signed-in caller; pages behind sign-in use this. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== "signed_in") throw new Error("useMe while not signed in");
  return state.me;
}
