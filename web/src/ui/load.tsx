// Reading data for a page: loading, failure (with a retry), ready.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../shell/api";
import { useI18n } from "../shell/i18n";

export type Loadable<T> =
  | { status: "loading" }
  | { status: "failed"; error: ApiError }
  | { status: "ready"; data: T };

export interface Load<T> {
  state: Loadable<T>;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and on reload(); a reload keeps showing the data it replaces,
 * and a stale answer never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Load<T> {
  const [state, setState] = useState<Loadable<T>>({ status: "loading" });
  const [round, setRound] = useState(0);
  const loadedKey = useRef(key);
  useEffect(() => {
    let current = true;
    if (loadedKey.current !== key) setState({ status: "loading" });
    loadedKey.current = key;
    load().then(
      (data) => current && setState({ status: "ready", data }),
      (error: unknown) => {
        if (!(error instanceof ApiError)) throw error;
        if (current) setState({ status: "failed", error });
      },
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render; `key` names what it reads.
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { state, reload };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t("加载中…", "Loading…")}
    </p>
  );
}

export function LoadFailure({ error, retry }: { error: ApiError; retry?: () => void }) {
  const { t, say } = useI18n();
  return (
    <div role="alert" class="message error">
      <p>{say(error.message)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t("重试", "Retry")}
        </button>
      )}
    </div>
  );
}

/** Shows loading or the failure, and `children(data)` once ready. */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ComponentChildren }) {
  const { state, reload } = load;
  if (state.status === "loading") return <Loading />;
  if (state.status === "failed") return <LoadFailure error={state.error} retry={reload} />;
  return <>{children(state.data)}</>;
}
