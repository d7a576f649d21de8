// 新手指引: a short checklist on each role's home that reflects where the organisation stands.
// SME: verify the organisation → apply for a voucher → book; provider: agency approval → publish
// → answer bookings. Each step is done, under way (with what it waits for) or to do (with a link).
import type { ComponentChildren } from "preact";
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Loaded, useLoad } from "../ui/load";
import { DataText } from "../ui/values";
import { loadMyVouchers } from "../vouchers";

type StepState = "done" | "waiting" | "todo";

interface Step {
  state: StepState;
  title: string;
  detail: ComponentChildren;
}

function Checklist({ id, steps }: { id: string; steps: Step[] }) {
  const { t } = useI18n();
  const words: Record<StepState, string> = { done: t("已完成", "Done"), waiting: t("进行中", "Under way"), todo: t("待办", "To do") };
  const next = steps.findIndex((s) => s.state !== "done");
  return (
    <section class="card checklist" aria-labelledby={id}>
      <h2 id={id}>{t("入门步骤", "Getting started")}</h2>
      <ol>
        {steps.map((step, i) => (
          <li key={step.title} class={step.state} aria-current={i === next ? "step" : undefined}>
            <span class={`badge ${step.state === "done" ? "active" : step.state === "waiting" ? "pending" : "draft"}`}>{words[step.state]}</span> <strong>{step.title}</strong>
            <div class="hint">{step.detail}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}

async function loadSmeStanding() {
  const [vouchers, pending, bookings] = await Promise.all([
    loadMyVouchers(),
    send(api.api["voucher-applications"].$get({ query: { status: "pending", limit: "5" } })),
    send(api.api.bookings.$get({ query: { limit: "1" } })),
  ]);
  return { activeVouchers: vouchers.items.filter((v) => v.status === "active").length, pending: pending.items, booked: bookings.items.length > 0 };
}

export function SmeChecklist() {
  const { t } = useI18n();
  const me = useMe();
  const standing = useLoad(loadSmeStanding, "sme-standing");
  const state = me.verification.state;
  return (
    <Loaded load={standing}>
      {({ activeVouchers, pending, booked }) => {
        const verify: Step =
          state === "verified"
            ? { state: "done", title: t("核验机构", "Verify your organisation"), detail: t("主管部门已核验营业执照。", "An agency has checked your business licence.") }
            : state === "submitted"
              ? { state: "waiting", title: t("核验机构", "Verify your organisation"), detail: t("已提交，等待主管部门核验营业执照。", "Submitted: waiting for an agency to check your business licence.") }
              : { state: "todo", title: t("核验机构", "Verify your organisation"), detail: <Link href="/organisation">{t("上传营业执照并提交核验", "Upload your business licence and submit it")}</Link> };
        const apply: Step =
          activeVouchers > 0
            ? { state: "done", title: t("申请算力券", "Apply for a voucher"), detail: <Link href="/my-vouchers">{t(`已有 ${activeVouchers} 张有效券`, `${activeVouchers} active voucher${activeVouchers === 1 ? "" : "s"}`)}</Link> }
            : pending.length > 0
              ? {
                  state: "waiting",
                  title: t("申请算力券", "Apply for a voucher"),
                  detail: (
                    <>
                      {t("申请待审核：", "Awaiting review: ")}
                      {pending.map((a, i) => (
                        <span key={a.id}>
                          {i > 0 && t("、", ", ")}
                          <Link href={`/my-applications?id=${a.id}`}>
                            <DataText>{a.programme_name}</DataText>
                          </Link>
                        </span>
                      ))}
                    </>
                  ),
                }
              : { state: "todo", title: t("申请算力券", "Apply for a voucher"), detail: <Link href="/voucher-programmes">{t("查看券项目并申请", "See the programmes and apply")}</Link> };
        const book: Step = booked
          ? { state: "done", title: t("预约算力", "Book capacity"), detail: <Link href="/my-bookings">{t("查看我的预约", "See your bookings")}</Link> }
          : { state: "todo", title: t("预约算力", "Book capacity"), detail: <Link href="/find-capacity">{activeVouchers > 0 ? t("用券找算力并预约", "Find capacity and book it with your voucher") : t("找算力（有券后可获补贴）", "Find capacity (subsidised once you hold a voucher)")}</Link> };
        return <Checklist id="sme-checklist" steps={[verify, apply, book]} />;
      }}
    </Loaded>
  );
}

async function loadProviderStanding(orgId: string) {
  const [vettings, offerings, requested, any] = await Promise.all([
    send(api.api["provider-vettings"].$get()),
    send(api.api.offerings.$get({ query: { provider_org_id: orgId, limit: "1" } })),
    send(api.api.bookings.$get({ query: { status: "requested", limit: "100" } })),
    send(api.api.bookings.$get({ query: { limit: "1" } })),
  ]);
  return {
    approvedBy: vettings.items.filter((v) => v.status === "approved").map((v) => v.agency_name),
    waitingOn: vettings.items.filter((v) => v.status === "pending").length,
    published: offerings.items.length > 0,
    requested: requested.items.length,
    everBooked: any.items.length > 0,
  };
}

export function ProviderChecklist() {
  const { t } = useI18n();
  const me = useMe();
  const standing = useLoad(() => loadProviderStanding(me.organisation.id), me.organisation.id);
  return (
    <Loaded load={standing}>
      {({ approvedBy, waitingOn, published, requested, everBooked }) => {
        const approval: Step =
          approvedBy.length > 0
            ? { state: "done", title: t("通过主管部门审核", "Approval by an agency"), detail: <>{t("已批准：", "Approved by: ")}<DataText>{approvedBy.join(t("、", ", "))}</DataText></> }
            : waitingOn > 0
              ? { state: "waiting", title: t("通过主管部门审核", "Approval by an agency"), detail: t("等待主管部门审核你的注册；批准后才能发布资源。", "Waiting for an agency to approve your registration; you can publish once approved.") }
              : { state: "todo", title: t("通过主管部门审核", "Approval by an agency"), detail: <Link href="/organisation">{t("查看各主管部门的审核状态", "See your standing at each agency")}</Link> };
        const publish: Step = published
          ? { state: "done", title: t("发布资源", "Publish an offering"), detail: <Link href="/provider/offerings">{t("管理我的资源", "Manage your offerings")}</Link> }
          : approvedBy.length > 0
            ? { state: "todo", title: t("发布资源", "Publish an offering"), detail: <Link href="/provider/offerings?new">{t("发布第一个资源", "Publish your first offering")}</Link> }
            : { state: "todo", title: t("发布资源", "Publish an offering"), detail: t("获批后即可发布。", "Possible once an agency approves you.") };
        const confirm: Step =
          requested > 0
            ? { state: "waiting", title: t("确认预约", "Confirm bookings"), detail: <Link href="/provider/bookings?status=requested">{t(`${requested} 个预约待确认`, `${requested} booking request${requested === 1 ? "" : "s"} to answer`)}</Link> }
            : everBooked
              ? { state: "done", title: t("确认预约", "Confirm bookings"), detail: t("没有待确认的预约。", "No requests waiting.") }
              : { state: "todo", title: t("确认预约", "Confirm bookings"), detail: t("企业预约后会出现在“预约处理”中。", "Bookings appear on the booking desk once enterprises book.") };
        return <Checklist id="provider-checklist" steps={[approval, publish, confirm]} />;
      }}
    </Loaded>
  );
}
