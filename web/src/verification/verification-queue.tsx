// Organisation verification for agency staff: submitted organisations oldest first; opening one
// shows its declared facts, its business licences, and everyone registered with the same credit
// code (who came first). Reviewers and agency admins verify (correcting facts where the licence
// says otherwise) or reject with a reason the organisation reads.
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { creditCodeCheck } from "../shell/checks";
import { useI18n, type Bilingual } from "../shell/i18n";
import { ORG_KIND, optionsOf, SIZE_CLASS } from "../shell/labels";
import { Link, navigate, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Facts } from "../ui/facts";
import { CreditCodeField, SelectField, TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { RegionName, RegionPicker } from "../ui/region-picker";
import { fileHref, formatBytes, loadVerification, VERIFICATION_STATE } from "../organisation";
import { REGION_CODE } from "../../../src/domain/region";

export const VERIFICATION_PATH = "/agency/verification";

type Request = Awaited<ReturnType<typeof loadVerification>>;
type SizeClass = Request["organisation"]["size_class"];

/** The API's limits (src/routes/verification VerifyBody, RejectBody). */
const VERIFY_LIMITS = {
  credit_code: { required: true, maxLength: 18 },
  name: { required: true, maxLength: 200 },
  region_code: { required: true, maxLength: 6, pattern: REGION_CODE },
  size_class: { required: true },
  founded_on: { required: true },
  note: { maxLength: 500 },
};
const REJECT_LIMITS = { reason: { required: true, maxLength: 500 } };

export function VerificationQueuePage() {
  const id = useLocation().query.get("id");
  return id ? <VerificationRequestPage id={id} /> : <QueuePage />;
}

function QueuePage() {
  const { t, say } = useI18n();
  const queue = useLoad(() => send(api.api["verification-requests"].$get()), "queue");
  const outcome = useLocation().query.get("done");
  return (
    <Page
      title={t("机构核验", "Organisation verification")}
      lead={t(
        "已提交营业执照、等待核验的企业和服务商（最早提交的在前）。企业须核验通过，其算力券申请才能获批。",
        "Enterprises and providers that submitted a business licence, oldest first. An enterprise must be verified before its voucher application can be approved.",
      )}
    >
      <div role="status">{outcome && <p class="message success">{outcome}</p>}</div>
      <Loaded load={queue}>
        {({ items }) => (
          <DataTable
            caption={t("待核验", "Awaiting review")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("没有待核验的机构。", "No organisation is waiting for review.")}
            columns={[
              { header: t("机构", "Organisation"), cell: (row) => <Link href={`${VERIFICATION_PATH}?id=${encodeURIComponent(row.id)}`}>{row.name}</Link> },
              { header: t("类型", "Type"), cell: (row) => say(ORG_KIND[row.kind]) },
              { header: t("统一社会信用代码", "Credit code"), cell: (row) => <code>{row.credit_code}</code> },
              { header: t("提交时间", "Submitted"), cell: (row) => (row.verification_submitted_at ? <Instant at={row.verification_submitted_at} /> : "—") },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function VerificationRequestPage({ id }: { id: string }) {
  const { t } = useI18n();
  const request = useLoad(() => loadVerification(id), id);
  return (
    <Page title={t("核验机构", "Review an organisation")}>
      <p class="aside">
        <Link href={VERIFICATION_PATH}>{t("← 返回核验列表", "← Back to the queue")}</Link>
      </p>
      <Loaded load={request}>{(data) => <RequestDetail request={data} onChanged={request.reload} />}</Loaded>
    </Page>
  );
}

function RequestDetail({ request, onChanged }: { request: Request; onChanged: () => void }) {
  const { t, say } = useI18n();
  const me = useMe();
  const { organisation: org, verification, licences, registrants } = request;
  const decides = may(me, "POST /api/organisations/{id}/verification/verify") && verification.state === "submitted";
  return (
    <>
      <section class="card" aria-labelledby="declared">
        <h2 id="declared">{org.name}</h2>
        <Facts
          rows={[
            [t("核验状态", "Verification"), <span><span class={`badge ${verification.state}`}>{say(VERIFICATION_STATE[verification.state])}</span>{verification.reason && <span class="reason"> {verification.reason}</span>}</span>],
            [t("机构类型", "Type"), say(ORG_KIND[org.kind])],
            [t("统一社会信用代码", "Unified social credit code"), <code>{org.credit_code}</code>],
            [t("注册地区", "Registered region"), <RegionName code={org.region_code} />],
            [t("企业规模", "Size class"), say(SIZE_CLASS[org.size_class])],
            [t("成立日期", "Founding date"), org.founded_on],
            [t("法定代表人", "Legal representative"), org.legal_representative ?? t("未填写", "Not given")],
            [t("注册时间", "Registered"), <Instant at={org.created_at} />],
            [t("提交时间", "Submitted"), verification.submitted_at ? <Instant at={verification.submitted_at} /> : "—"],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="licences">
        <h2 id="licences">{t("营业执照", "Business licence")}</h2>
        {licences.length === 0 ? (
          <p class="empty">{t("未上传营业执照。", "No licence uploaded.")}</p>
        ) : (
          <ul class="files">
            {licences.map((file) => (
              <li key={file.id}>
                <a href={fileHref(file.id)} download={file.original_name}>
                  {t("下载", "Download")} {file.original_name}
                </a>{" "}
                <span class="hint">
                  {file.content_type} · {formatBytes(file.size_bytes)} · <Instant at={file.created_at} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {registrants && (
        <section class="card" aria-labelledby="registrants">
          <h2 id="registrants">{t("同一信用代码的注册者", "Everyone registered with this credit code")}</h2>
          <p class="hint">
            {t(
              "信用代码是公开信息，先注册者不一定是持有人。请对照营业执照判断。核验本机构会驳回其他未核验的注册者。",
              "A credit code is public: the first to register is not necessarily its holder. Judge by the licence. Verifying this organisation rejects the other unverified registrants.",
            )}
          </p>
          <DataTable
            caption={t("注册者（最早的在前）", "Registrants, first first")}
            rows={registrants}
            rowKey={(row) => row.id}
            empty={t("没有其他注册者。", "No other registrant.")}
            columns={[
              { header: t("机构", "Organisation"), cell: (row) => <span>{row.id === org.id ? <strong>{row.name}{t("（本机构）", " (this one)")}</strong> : row.name}{row.registered_first && <span class="badge">{t("最先注册", "Registered first")}</span>}</span> },
              { header: t("类型", "Type"), cell: (row) => say(ORG_KIND[row.kind]) },
              { header: t("注册时间", "Registered"), cell: (row) => <Instant at={row.created_at} /> },
              { header: t("核验状态", "Verification"), cell: (row) => say(VERIFICATION_STATE[row.verification_state]) },
            ]}
          />
        </section>
      )}
      {decides && <Decide request={request} onChanged={onChanged} />}
    </>
  );
}

function Decide({ request, onChanged }: { request: Request; onChanged: () => void }) {
  const { t, say } = useI18n();
  const org = request.organisation;
  const [mode, setMode] = useState<"verify" | "reject">("verify");
  const [supersede, setSupersede] = useState(false);
  const [elsewhere, setElsewhere] = useState(false);
  const done = (message: Bilingual) => navigate(`${VERIFICATION_PATH}?done=${encodeURIComponent(say(message))}`);
  const verify = useForm({
    initial: { credit_code: org.credit_code, name: org.name, region_code: org.region_code, size_class: org.size_class, founded_on: org.founded_on, note: "" },
    specs: { ...VERIFY_LIMITS, credit_code: { ...VERIFY_LIMITS.credit_code, check: creditCodeCheck } },
    submit: async (values) => {
      const after = await send(
        api.api.organisations[":id"].verification.verify.$post({
          param: { id: org.id },
          json: {
            credit_code: values.credit_code.trim().toUpperCase(),
            name: values.name.trim(),
            region_code: values.region_code.trim(),
            size_class: values.size_class as SizeClass,
            founded_on: values.founded_on,
            note: values.note.trim() || undefined,
            supersede,
          },
        }),
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "credit_code_verified_elsewhere") setElsewhere(true);
        throw error;
      });
      onChanged();
      done([`已核验：${after.organisation.name}`, `Verified: ${after.organisation.name}`]);
    },
  });
  const reject = useForm({
    initial: { reason: "" },
    specs: REJECT_LIMITS,
    submit: async (values) => {
      await send(api.api.organisations[":id"].verification.reject.$post({ param: { id: org.id }, json: { reason: values.reason.trim() } }));
      onChanged();
      done([`已驳回：${org.name}`, `Rejected: ${org.name}`]);
    },
  });
  return (
    <section class="card" aria-labelledby="decide">
      <h2 id="decide">{t("核验决定", "Decision")}</h2>
      <div class="filter" role="group" aria-label={t("决定", "Decision")}>
        <button type="button" aria-pressed={mode === "verify" ? "true" : "false"} onClick={() => setMode("verify")}>
          {t("核验通过", "Verify")}
        </button>
        <button type="button" aria-pressed={mode === "reject" ? "true" : "false"} onClick={() => setMode("reject")}>
          {t("驳回", "Reject")}
        </button>
      </div>
      {mode === "verify" ? (
        <form class="subform" noValidate onSubmit={verify.onSubmit} ref={verify.ref} aria-label={t("核验通过", "Verify")}>
          <p class="hint">{t("请对照营业执照核对以下信息，如有不符请直接更正后再通过。", "Check these facts against the licence; correct any that differ before verifying.")}</p>
          <CreditCodeField form={verify} name="credit_code" label={t("统一社会信用代码", "Unified social credit code")} />
          <TextField form={verify} name="name" label={t("机构名称", "Name")} />
          <RegionPicker form={verify} name="region_code" label={t("注册地区", "Registered region")} />
          <SelectField form={verify} name="size_class" label={t("企业规模", "Size class")} options={optionsOf(SIZE_CLASS)} />
          <TextField form={verify} name="founded_on" type="date" label={t("成立日期", "Founding date")} />
          <TextArea form={verify} name="note" label={t("核验备注", "Note")} hint={t("机构会看到此备注", "The organisation will see this note")} />
          {elsewhere && (
            <label class="check">
              <input type="checkbox" checked={supersede} onChange={(event) => setSupersede(event.currentTarget.checked)} />{" "}
              {t("我确认另一已核验机构冒用了此信用代码，一并撤销其核验", "I am sure the organisation already verified for this code squatted it: demote it too")}
            </label>
          )}
          <FormStatus form={verify} />
          <SubmitButton form={verify}>{t("确认核验通过", "Confirm verification")}</SubmitButton>
        </form>
      ) : (
        <form class="subform" noValidate onSubmit={reject.onSubmit} ref={reject.ref} aria-label={t("驳回", "Reject")}>
          <TextArea form={reject} name="reason" label={t("驳回原因", "Reason for rejecting")} hint={t("机构会看到此原因，可修正后重新提交", "The organisation reads this and may submit again")} />
          <FormStatus form={reject} />
          <SubmitButton form={reject}>{t("确认驳回", "Confirm rejection")}</SubmitButton>
        </form>
      )}
    </section>
  );
}
