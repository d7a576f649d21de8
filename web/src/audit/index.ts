// The audit log's public face: the page and its address. Other folders import from here only.
export { AUDIT_PATH, AuditPage } from "./audit-page";
