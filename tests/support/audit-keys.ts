// Fixed Ed25519 test keys (PKCS#8, base64), generated for these tests only. One key for every
// harness, because on D1 test files may share one database and so one audit log.
export const TEST_AUDIT_KEY = "MC4CAQAwBQYDK2VwBCIEIOPyYqc2CwuB8ygXE6HRSx+Z2/L4X9x3lVr4XHBnO9/G";
/** Another key: a checkpoint re-signed with it must be refused. */
export const OTHER_AUDIT_KEY = "MC4CAQAwBQYDK2VwBCIEIEkQ60HcsfYe0ui7EfG5fo+Ra4SiZzJwQh/9+7GuEFlA";
export const TEST_AUDIT_ORIGIN = "test.compute-vouchers.local/audit";
