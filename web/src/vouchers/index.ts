// The vouchers' public face: what other resources may use (this enterprise's vouchers, the choices for a booking).
// Other folders import from here only, never from a file inside this one.
export { loadMyVouchers } from "./my-vouchers";
export { loadVoucherChoices, type VoucherChoice } from "./voucher-choices";
