// The notifications' public face: the header's bell and the inbox page.
// Other folders import from here only, never from a file inside this one.
export { NotificationBell, NOTIFICATIONS_PATH } from "./bell";
export { NotificationsPage } from "./notifications-page";
