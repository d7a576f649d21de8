// 工作台 cards for what waits on each side: an SME's vouchers and coming bookings, an agency's
// applications to review, a provider's booking requests to answer. Counts come from the same
// list routes the pages use; a full first page says "at least".
import { may } from "../shell/access";
import { api, send } from "../shell/api";
import { useMe } from "../shell/session";
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { loadMyVouchers } from "../vouchers";

const PAGE = 100;

function Count({ n, more, zh, en }: { n: number; more: boolean; zh: string; en: string }) {
  const { t } = useI18n();
  return (
    <p class="figure">
      <span class="number">
        {n}
        {more ? "+" : ""}
      </span>{" "}
      {t(zh, en)}
    </p>
  );
}

export function SmeVouchersCard() {
  const { t } = useI18n();
  const vouchers = useLoad(loadMyVouchers, "my-vouchers");
  return (
    <section class="card" aria-labelledby="home-vouchers">
      <h2 id="home-vouchers">{t("我的券", "My vouchers")}</h2>
      <Loaded load={vouchers}>
        {({ items }) => {
          const active = items.filter((v) => v.status === "active");
          const available = active.reduce((sum, v) => sum + v.available_fen, 0);
          return (
            <>
              <p class="figure">
                <span class="number">
                  <Money fen={available} />
                </span>{" "}
                {t(`可用（${active.length}张有效券）`, `available on ${active.length} active voucher${active.length === 1 ? "" : "s"}`)}
              </p>
              <p>
                <Link href={active.length ? "/my-vouchers" : "/voucher-programmes"}>
                  {active.length ? t("查看余额与明细", "Balances and transfers") : t("去申请算力券", "Apply for a voucher")}
                </Link>
              </p>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

const loadComing = () => send(api.api.bookings.$get({ query: { status: "confirmed", limit: String(PAGE) } }));
const loadRequested = () => send(api.api.bookings.$get({ query: { status: "requested", limit: String(PAGE) } }));

export function SmeBookingsCard() {
  const { t } = useI18n();
  const confirmed = useLoad(loadComing, "confirmed");
  const requested = useLoad(loadRequested, "requested");
  return (
    <section class="card" aria-labelledby="home-bookings">
      <h2 id="home-bookings">{t("我的预约", "My bookings")}</h2>
      <Loaded load={confirmed}>
        {(page) => <Count n={page.items.length} more={page.has_more} zh="个已确认、待使用" en="confirmed, not yet started" />}
      </Loaded>
      <Loaded load={requested}>
        {(page) => <Count n={page.items.length} more={page.has_more} zh="个等待服务商确认" en="awaiting the provider's confirmation" />}
      </Loaded>
      <p>
        <Link href="/my-bookings">{t("查看预约", "View bookings")}</Link> · <Link href="/find-capacity">{t("找算力", "Find capacity")}</Link>
      </p>
    </section>
  );
}

const loadPendingApplications = () => send(api.api["voucher-applications"].$get({ query: { status: "pending", limit: String(PAGE) } }));

export function AgencyApplicationsCard() {
  const { t } = useI18n();
  // Finance and auditors read applications but do not decide them: no "go review" for them.
  const decides = may(useMe(), "POST /api/voucher-applications/{id}/approve");
  const pending = useLoad(loadPendingApplications, "pending-applications");
  return (
    <section class="card" aria-labelledby="home-applications">
      <h2 id="home-applications">{t("申请审核", "Applications")}</h2>
      <Loaded load={pending}>
        {(page) => <Count n={page.items.length} more={page.items.length >= PAGE} zh="份申请待审核" en="applications awaiting review" />}
      </Loaded>
      <p>
        <Link href="/agency/applications?status=pending">{decides ? t("去审核", "Review them") : t("查看申请", "View applications")}</Link>
      </p>
    </section>
  );
}

export function ProviderRequestsCard() {
  const { t } = useI18n();
  const requested = useLoad(loadRequested, "requested");
  return (
    <section class="card" aria-labelledby="home-requests">
      <h2 id="home-requests">{t("预约处理", "Booking desk")}</h2>
      <Loaded load={requested}>
        {(page) => <Count n={page.items.length} more={page.has_more} zh="个预约待确认" en="booking requests to answer" />}
      </Loaded>
      <p>
        <Link href="/provider/bookings?status=requested">{t("去处理", "Answer them")}</Link>
      </p>
    </section>
  );
}
