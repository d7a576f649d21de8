// The webhooks' public face: the settings page organisation admins use.
// Other folders import from here only, never from a file inside this one.
export { WebhooksPage, WEBHOOKS_PATH } from "./webhooks-page";
