// The reports' public face: what other resources may use (the dashboard's address and the
// "download this table" button). Other folders import from here only, never from a file inside this one.
export { DashboardPage } from "./dashboard";
export { DASHBOARD_PATH } from "./report-data";
export { DownloadTable } from "./table-csv";
