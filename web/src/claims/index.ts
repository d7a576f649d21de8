// The claims' public face: the page and its path. Other folders import from here only.
export { ClaimsPage } from "./claims";
export { CLAIMS_PATH, claimHref } from "./claim-words";
