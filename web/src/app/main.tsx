// Entry point: bundled by scripts/build-web.mjs into dist/web/app.js.
import { render } from "preact";
import { App } from "./app";
import { preloadPage } from "./navigation";

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
preloadPage(location.pathname);
render(<App />, root);
