// What the system tells people and organisations. Each kind is also a webhook event type; a
// person may mute any kind for their own inbox (webhooks choose their types per endpoint).
export const NOTIFICATION_KINDS = {
  "application.submitted": { zh: "收到券申请", en: "Voucher application received" },
  "application.approved": { zh: "券申请已批准", en: "Voucher application approved" },
  "application.rejected": { zh: "券申请未获批准", en: "Voucher application rejected" },
  "voucher.issued": { zh: "券已发放", en: "Voucher issued" },
  "voucher.expiring": { zh: "券即将到期", en: "Voucher expiring soon" },
  "voucher.expired": { zh: "券已到期", en: "Voucher expired" },
  "voucher.revoked": { zh: "券已撤销", en: "Voucher revoked" },
  "booking.requested": { zh: "新的预约请求", en: "New booking request" },
  "booking.confirmed": { zh: "预约已确认", en: "Booking confirmed" },
  "booking.rejected": { zh: "预约被拒绝", en: "Booking rejected" },
  "booking.cancelled": { zh: "预约已取消", en: "Booking cancelled" },
  "booking.lapsing": { zh: "预约请求即将失效", en: "Booking request about to lapse" },
  "booking.lapsed": { zh: "预约请求已失效", en: "Booking request lapsed" },
  "booking.started": { zh: "预约已开始使用", en: "Booking started" },
  "booking.delivered": { zh: "预约已交付", en: "Booking delivered" },
  "booking.ending": { zh: "预约即将结束", en: "Booking ending soon" },
  "usage.disputed": { zh: "用量有异议", en: "Usage disputed" },
  "claim.submitted": { zh: "收到兑付申请", en: "Claim submitted" },
  "claim.returned": { zh: "兑付申请被退回", en: "Claim returned" },
  "claim.approved": { zh: "兑付申请已通过审核", en: "Claim approved" },
  "claim.on_notice": { zh: "兑付进入公示", en: "Claim on public notice" },
  "claim.objected": { zh: "公示收到异议", en: "Objection to a notice" },
  "claim.paid": { zh: "兑付已支付", en: "Claim paid" },
  "claim.rejected": { zh: "兑付申请被驳回", en: "Claim rejected" },
  "provider.approved": { zh: "服务商审核通过", en: "Provider approved" },
  "provider.rejected": { zh: "服务商审核未通过", en: "Provider rejected" },
  "webhook.failing": { zh: "Webhook 投递失败", en: "Webhook deliveries failing" },
} as const satisfies Record<string, { zh: string; en: string }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

export const NOTIFICATION_KIND_NAMES = Object.keys(NOTIFICATION_KINDS) as [NotificationKind, ...NotificationKind[]];

export function isNotificationKind(value: string): value is NotificationKind {
  return Object.hasOwn(NOTIFICATION_KINDS, value);
}
