// The applications' public face: what other resources may use (the programmes-to-apply-for link).
// Other folders import from here only, never from a file inside this one.
export { PROGRAMMES_PATH } from "./voucher-programmes";
