// Entry point: bundled by scripts/build-web.mjs into dist/web/app.<hash>.js.
import { render } from "preact";
import { App } from "./app";
import { preloadPage } from "./navigation";
import { readSessionEarly } from "../shell/session";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
// The session and the page's code are asked for before the first render, side by side.
readSessionEarly();
preloadPage(location.pathname);
// index.html's static first frame (the same markup as the app's first render) is cleared and
// drawn again in one task, so no frame without it reaches the screen.
root.replaceChildren();
render(<App />, root);
