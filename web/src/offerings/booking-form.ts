// The booking form's state: its values and the request they describe, a live quote of that
// request, and booking it. The booking is sent with an Idempotency-Key made once per attempt and
// reused on retry, so a double click or a retry after a lost answer books once.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send } from "../shell/api";
import { wholeNumberCheck } from "../shell/checks";
import { beijingDate, beijingInstant } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { LIMITS } from "../shell/limits";
import { problemOf, useForm, type Form, type Message } from "../ui/form";
import { useLoad, type Load } from "../ui/load";
import { toShanghaiIso } from "../../../src/lib/time";
import { refusalMessage } from "../bookings";
import { DEFAULT_START_HOUR, defaultStartDate } from "./booking-defaults";
import type { Offering } from "./offering-words";
import type { VoucherChoice } from "../vouchers";

export type Booking = InferResponseType<typeof api.api.bookings.$post, 201>;

export type BookingValues = {
  quantity: string;
  start_date: string;
  start_hour: string;
  duration: string;
  voucher_id: string;
};

function bookingSpecs(offering: Offering) {
  return {
    quantity: { required: true, check: wholeNumberCheck({ minimum: 1, maximum: Math.min(LIMITS.booking.quantity.maximum, offering.capacity_units) }) },
    start_date: { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ },
    start_hour: { required: true },
    duration: { required: true, check: wholeNumberCheck({ minimum: offering.min_duration_units, maximum: offering.max_duration_units }) },
    voucher_id: LIMITS.booking.voucher_id,
  };
}

/** The request the values describe, or null while a field is missing or wrong. */
export function bookingRequest(offering: Offering, values: BookingValues) {
  const specs = bookingSpecs(offering);
  if ((Object.keys(specs) as (keyof BookingValues)[]).some((name) => problemOf(specs[name], values[name], values))) return null;
  const starts_at = beijingInstant(values.start_date, offering.slot_minutes === 60 ? Number(values.start_hour) : 0);
  const ends_ms = Date.parse(starts_at) + Number(values.duration) * offering.unit_minutes * 60_000;
  return {
    offering_id: offering.id,
    quantity: Number(values.quantity),
    starts_at,
    ends_at: toShanghaiIso(ends_ms),
    ...(values.voucher_id ? { voucher_id: values.voucher_id } : {}),
  };
}

export function initialBookingValues(offering: Offering, query: URLSearchParams, vouchers: readonly VoucherChoice[]): BookingValues {
  const start = Date.parse(query.get("start") ?? "");
  const fits = vouchers.find((v) => v.covers);
  return {
    quantity: query.get("quantity") ?? "1",
    start_date: Number.isFinite(start) ? beijingDate(start) : defaultStartDate(offering, Date.now()),
    start_hour: Number.isFinite(start) ? String(new Date(start + 8 * 3_600_000).getUTCHours()) : String(DEFAULT_START_HOUR),
    duration: query.get("duration") ?? String(offering.min_duration_units),
    voucher_id: query.get("voucher") ?? fits?.id ?? "",
  };
}

export type QuoteData = InferResponseType<typeof api.api.quotes.$post, 200>;
type Request = ReturnType<typeof bookingRequest>;

export interface BookingForm extends Form<BookingValues> {
  quote: LiveQuote;
  /** The booking just made, and the request it was made for. */
  booked: { request: string; booking: Booking } | null;
}

export function useBookingForm(offering: Offering, initial: BookingValues, onBooked: (booking: Booking) => void): BookingForm {
  const booking = useMemo(() => attempts("booking"), []);
  const [booked, setBooked] = useState<BookingForm["booked"]>(null);
  // The form's submit reads the quote made from the form's own values: a ref closes the loop.
  const quoteRef = useRef<LiveQuote | null>(null);
  const form = useForm<BookingValues>({
    initial,
    specs: bookingSpecs(offering),
    submit: async (values) => {
      const request = bookingRequest(offering, values);
      const shown = quoteRef.current?.current(request);
      // A refused quote would be refused as a booking too: say why rather than send it.
      if (shown instanceof ApiError) throw new ApiError(shown.status, shown.code, asText(refusalMessage(shown)));
      if (!request || !shown) throw new ApiError(0, "no_quote", "请等待报价完成后再预约 / Wait for the quote before booking");
      const quoted = shown;
      // The co-pay the person saw is the most they agreed to: a changed price is refused, not booked.
      const body = { ...request, max_copay_fen: quoted.copay_fen };
      try {
        const made = await sendOnce(booking, body, (key) => send(api.api.bookings.$post({ json: body, header: { "idempotency-key": key } })));
        setBooked({ request: JSON.stringify(request), booking: made });
        onBooked(made);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 0 || error.status >= 500) {
          throw new ApiError(error.status, error.code, "未收到服务器的答复，不确定是否已预约。请再次点击“确认预约”：重试沿用同一请求编号，不会重复预约。 / No answer from the server, so the booking may or may not have been made. Press “Confirm booking” again: the retry reuses the same request key and cannot book twice.");
        }
        if (error.code === "quote_changed") quoteRef.current?.refresh();
        throw new ApiError(error.status, error.code, asText(refusalMessage(error)), error.issues, error.details);
      }
    },
  });
  const quote = useLiveQuote(offering, form.values);
  quoteRef.current = quote;
  return { ...form, quote, booked };
}

interface LiveQuote {
  request: Request;
  /** Whether the quote on screen is for the request as the form now holds it (not one typed a moment ago). */
  fresh: boolean;
  load: Load<QuoteData | null>;
  /** The quote (or the refusal) on screen for exactly this request; null while it is being made. */
  current: (request: Request) => QuoteData | ApiError | null;
  refresh: () => void;
}

/** Quotes the form's request as it changes (after a short pause in typing); no side effects. */
function useLiveQuote(offering: Offering, values: BookingValues): LiveQuote {
  const request = bookingRequest(offering, values);
  const key = JSON.stringify(request);
  const [settledKey, setSettledKey] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettledKey(key), 300);
    return () => clearTimeout(timer);
  }, [key]);
  const settled = JSON.parse(settledKey) as Request;
  const load = useLoad(() => (settled ? send(api.api.quotes.$post({ json: settled })) : Promise.resolve(null)), settledKey);
  return {
    request,
    fresh: key === settledKey,
    load,
    current: (r) => {
      if (JSON.stringify(r) !== settledKey) return null;
      if (load.state.status === "failed") return load.state.error;
      return load.state.status === "ready" ? load.state.data : null;
    },
    refresh: load.reload,
  };
}

const asText = (message: Message) => (typeof message === "string" ? message : message.join(" / "));
