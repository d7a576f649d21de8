// Ledger account ids are derived from what they belong to, so a batch can create an account
// (INSERT … ON CONFLICT DO NOTHING) and move money through it without reading an id back.

export const accountIds = {
  budgetSource: (agencyOrgId: string) => `acc_src_${agencyOrgId}`,
  programmePool: (programmeId: string) => `acc_pool_${programmeId}`,
  voucher: (voucherId: string) => `acc_${voucherId}`,
  /**
   * Who is owed a booking's subsidy in a programme: the provider in 通兑 (tongdui) mode, the
   * enterprise in 通用 (tongyong) mode (it paid the provider in full). The account kind stays
   * `provider_payable` in the database for either owner; `org_id` says whose it is.
   */
  payable: (programmeId: string, orgId: string) => `acc_pay_${programmeId}_${orgId}`,
  /** The provider's payable (通兑 mode). */
  providerPayable: (programmeId: string, providerOrgId: string) => `acc_pay_${programmeId}_${providerOrgId}`,
  paidOut: (programmeId: string) => `acc_paid_${programmeId}`,
};
