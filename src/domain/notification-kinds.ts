// What the system tells people and organisations. Each kind is also a webhook event type; a
// person may mute any kind for their own inbox (webhooks choose their types per endpoint).
type OrganisationKind = "sme" | "provider" | "agency" | "platform";

// `to`: the kinds of organisation whose people can receive it (the preferences page offers only
// those). booking.ending is reserved: nothing announces it yet.
export const NOTIFICATION_KINDS = {
  "application.submitted": { zh: "收到券申请", en: "Voucher application received", to: ["agency"] },
  "application.approved": { zh: "券申请已批准", en: "Voucher application approved", to: ["sme"] },
  "application.rejected": { zh: "券申请未获批准", en: "Voucher application rejected", to: ["sme"] },
  "voucher.issued": { zh: "券已发放", en: "Voucher issued", to: ["sme"] },
  "voucher.expiring": { zh: "券即将到期", en: "Voucher expiring soon", to: ["sme"] },
  "voucher.expired": { zh: "券已到期", en: "Voucher expired", to: ["sme"] },
  "voucher.revoked": { zh: "券已撤销", en: "Voucher revoked", to: ["sme"] },
  "booking.requested": { zh: "新的预约请求", en: "New booking request", to: ["provider"] },
  "booking.confirmed": { zh: "预约已确认", en: "Booking confirmed", to: ["sme"] },
  "booking.rejected": { zh: "预约被拒绝", en: "Booking rejected", to: ["sme"] },
  "booking.cancelled": { zh: "预约已取消", en: "Booking cancelled", to: ["sme", "provider"] },
  "booking.lapsing": { zh: "预约请求即将失效", en: "Booking request about to lapse", to: ["provider"] },
  "booking.lapsed": { zh: "预约请求已失效", en: "Booking request lapsed", to: ["sme", "provider"] },
  "booking.started": { zh: "预约已开始使用", en: "Booking started", to: ["sme"] },
  "booking.delivered": { zh: "预约已交付", en: "Booking delivered", to: ["sme"] },
  "booking.extended": { zh: "预约已延长", en: "Booking extended", to: ["sme", "provider"] },
  "booking.rescheduled": { zh: "预约已改期", en: "Booking rescheduled", to: ["sme", "provider"] },
  "booking.ending": { zh: "预约即将结束", en: "Booking ending soon", to: ["sme"] },
  "usage.disputed": { zh: "用量有异议", en: "Usage disputed", to: ["provider", "agency"] },
  "claim.submitted": { zh: "收到兑付申请", en: "Claim submitted", to: ["agency"] },
  "claim.returned": { zh: "兑付申请被退回", en: "Claim returned", to: ["provider", "sme"] },
  "claim.approved": { zh: "兑付申请已通过审核", en: "Claim approved", to: ["agency"] },
  "claim.on_notice": { zh: "兑付进入公示", en: "Claim on public notice", to: ["provider", "sme"] },
  "claim.objected": { zh: "公示收到异议", en: "Objection to a notice", to: ["agency"] },
  "claim.paid": { zh: "兑付已支付", en: "Claim paid", to: ["provider", "sme"] },
  "claim.rejected": { zh: "兑付申请被驳回", en: "Claim rejected", to: ["provider", "sme"] },
  "provider.approved": { zh: "服务商审核通过", en: "Provider approved", to: ["provider"] },
  "provider.rejected": { zh: "服务商审核未通过", en: "Provider rejected", to: ["provider"] },
  "webhook.failing": { zh: "Webhook 投递失败", en: "Webhook deliveries failing", to: ["sme", "provider", "agency", "platform"] },
} as const satisfies Record<string, { zh: string; en: string; to: readonly OrganisationKind[] }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

export const NOTIFICATION_KIND_NAMES = Object.keys(NOTIFICATION_KINDS) as [NotificationKind, ...NotificationKind[]];

export function isNotificationKind(value: string): value is NotificationKind {
  return Object.hasOwn(NOTIFICATION_KINDS, value);
}

/** The kinds a person in this kind of organisation can receive. */
export function kindsFor(orgKind: OrganisationKind): NotificationKind[] {
  return NOTIFICATION_KIND_NAMES.filter((kind) => (NOTIFICATION_KINDS[kind].to as readonly string[]).includes(orgKind));
}
