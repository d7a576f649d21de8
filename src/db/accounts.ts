// Ledger account ids are derived from what they belong to, so a batch can create an account
// (INSERT … ON CONFLICT DO NOTHING) and move money through it without reading an id back.

export const accountIds = {
  budgetSource: (agencyOrgId: string) => `acc_src_${agencyOrgId}`,
  programmePool: (programmeId: string) => `acc_pool_${programmeId}`,
  voucher: (voucherId: string) => `acc_${voucherId}`,
  providerPayable: (programmeId: string, providerOrgId: string) => `acc_pay_${programmeId}_${providerOrgId}`,
  paidOut: (programmeId: string) => `acc_paid_${programmeId}`,
};
