// The providers' public face: what other resources may use (the provider list).
// Other folders import from here only, never from a file inside this one.
export { loadProviders } from "./providers";
