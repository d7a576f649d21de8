import { z } from "@hono/zod-openapi";
import { NOTIFICATION_KIND_NAMES } from "../../domain/notification-kinds";
import { defineRoute } from "../../lib/route";
import { commonErrors, json, jsonBody } from "../common";
import { decodeCursor } from "./cursor";

const Kind = z.enum(NOTIFICATION_KIND_NAMES);

/** A notification's id joins its event's token and its reader's id tail, which may hold digits (demo users). */
const NotificationIdParam = z.object({
  id: z.string().regex(/^ntf_[a-z0-9]{8,60}$/, "not a notification id").openapi({ param: { name: "id", in: "path" } }),
});

export const NotificationSchema = z
  .object({
    id: z.string(),
    kind: Kind,
    subject_type: z.string(),
    subject_id: z.string(),
    link: z.string().openapi({ description: "The web page to open, e.g. /bookings/bkg_…" }),
    title_zh: z.string(),
    title_en: z.string(),
    body_zh: z.string(),
    body_en: z.string(),
    read: z.boolean(),
    read_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Notification");

const tags = ["notifications"];

export const listNotifications = defineRoute({
  method: "get",
  path: "/api/notifications",
  tags,
  summary: "The caller's notifications, unread first then newest first; keyset paging with `cursor`",
  request: {
    query: z.object({
      unread_only: z.enum(["true", "false"]).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(30),
      cursor: z
        .string()
        .max(200)
        .refine((value) => decodeCursor(value) !== null, "分页游标无效，请从第一页重新开始 / Invalid cursor; start again from the first page")
        .optional()
        .openapi({ description: "next_cursor of the previous page" }),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(NotificationSchema), unread_count: z.number().int(), next_cursor: z.string().nullable() }),
      "A page of notifications",
    ),
    ...commonErrors,
  },
});

export const markRead = defineRoute({
  method: "post",
  path: "/api/notifications/{id}/read",
  tags,
  summary: "Mark one of the caller's notifications read",
  request: { params: NotificationIdParam },
  responses: { 200: json(NotificationSchema, "Marked read"), ...commonErrors },
});

export const markAllRead = defineRoute({
  method: "post",
  path: "/api/notifications/read-all",
  tags,
  summary: "Mark all the caller's notifications read",
  responses: { 200: json(z.object({ marked: z.number().int() }), "How many were unread"), ...commonErrors },
});

const Preferences = z
  .object({
    kinds: z.array(z.object({ kind: Kind, label_zh: z.string(), label_en: z.string(), enabled: z.boolean() })),
  })
  .openapi("NotificationPreferences");

export const getPreferences = defineRoute({
  method: "get",
  path: "/api/notifications/preferences",
  tags,
  summary: "Which kinds of notification the caller receives",
  responses: { 200: json(Preferences, "Every kind with the caller's choice"), ...commonErrors },
});

export const putPreferences = defineRoute({
  method: "put",
  path: "/api/notifications/preferences",
  tags,
  summary: "Choose which kinds of notification to receive (kinds not listed keep their setting)",
  request: {
    ...jsonBody(
      z
        .object({ kinds: z.array(z.object({ kind: Kind, enabled: z.boolean() })).min(1).max(NOTIFICATION_KIND_NAMES.length) })
        .openapi("NotificationPreferenceChange"),
    ),
  },
  responses: { 200: json(Preferences, "The caller's choices now"), ...commonErrors },
});
