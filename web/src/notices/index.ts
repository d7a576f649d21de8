// The public notice (公示): the page anyone may open without signing in.
export { NoticesPage } from "./notices-page";
