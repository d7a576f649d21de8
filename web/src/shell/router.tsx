// A small History-API router: the server answers every non-API path with index.html.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { dropEarlyRead } from "./early-read";

const listeners = new Set<() => void>();

export function navigate(href: string, options: { replace?: boolean } = {}) {
  if (href === location.pathname + location.search) return;
  dropEarlyRead();
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", () => {
  dropEarlyRead();
  for (const listener of listeners) listener();
});

export interface Location {
  path: string;
  query: URLSearchParams;
}

const current = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) });

export function useLocation(): Location {
  const [here, setHere] = useState(current);
  useEffect(() => {
    const update = () => setHere(current());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return here;
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  "aria-current"?: "page";
  "aria-label"?: string;
}

/** An <a> that navigates in-page; modified clicks (new tab, download) keep the browser's behaviour. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
