// Entry point: bundled by scripts/build-web.mjs into dist/web/app.<hash>.js.
import { render } from "preact";
import { App } from "./app";
import { preloadPage } from "./navigation";
import { readSessionEarly } from "../shell/session";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
// The session, the page's code and its first read are asked for before the first render, side by
// side with the style sheet.
readSessionEarly();
preloadPage(location.pathname, new URLSearchParams(location.search));
void styleSheetApplied().then(() => {
  // index.html's static first frame (the same markup as the app's first render) is cleared and
  // drawn again in one task, so no frame without it reaches the screen.
  root.replaceChildren();
  render(<App />, root);
});

/**
 * index.html only preloads the whole style sheet (its first frame has its own rules inline);
 * the app applies it here and draws nothing before it has, so nothing of the app is ever seen
 * unstyled. A sheet that fails to arrive does not keep the app from drawing.
 */
function styleSheetApplied(): Promise<void> {
  const preloaded = document.querySelector<HTMLLinkElement>('link[rel="preload"][as="style"]');
  if (!preloaded) return Promise.resolve();
  const sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = preloaded.href;
  const applied = new Promise<void>((done) => {
    sheet.onload = () => done();
    sheet.onerror = () => done();
  });
  document.head.append(sheet);
  return applied;
}
