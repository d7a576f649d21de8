// 券项目: the programmes open for applications, each programme's rules in plain words, and the
// application form, which shows the eligibility explanation the API returns (passed or refused).
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { yuanCheck } from "../shell/checks";
import { formatFen, formatRatio, parseYuan } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { PROGRAMME_KIND } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { RegionNames } from "../ui/region-picker";
import { regionMatches } from "../../../src/domain/region";
import { EligibilityList, eligibilityOf, loadEligibility, type Eligibility } from "./eligibility";
import { loadOpenProgrammes, loadProgramme, type Programme, ProgrammeAttachments, ProgrammeGuide, ProgrammeRulesFacts, type ProgrammeSummary, regionWords } from "../programmes";

export const PROGRAMMES_PATH = "/voucher-programmes";

export function VoucherProgrammesPage() {
  const id = useLocation().query.get("id");
  return id ? <ProgrammeDetail id={id} /> : <ProgrammeList />;
}

function ProgrammeList() {
  const { t } = useI18n();
  const programmes = useLoad(loadOpenProgrammes, "open");
  return (
    <Page
      title={t("券项目", "Voucher programmes")}
      lead={t("正在受理申请的算力券、创新券项目。查看规则后即可在线申请，系统会逐项说明你是否符合条件。", "Programmes open for applications. Read the rules, then apply online: each eligibility criterion is explained.")}
    >
      <Loaded load={programmes}>
        {({ items }) =>
          items.length ? (
            <div class="cards">
              {items.map((programme) => (
                <ProgrammeCard key={programme.id} programme={programme} />
              ))}
            </div>
          ) : (
            <p class="empty">{t("目前没有正在受理的项目。", "No programme is open for applications right now.")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}

function RegionFit({ programme }: { programme: ProgrammeSummary }) {
  const { t } = useI18n();
  const region = useMe().organisation.region_code;
  const { rules } = programme;
  const fits = rules.cross_region || regionMatches(region, rules.eligible_region_prefixes);
  return fits ? (
    <span class="badge approved">{t("适用于你所在地区", "Covers your region")}</span>
  ) : (
    <span class="badge neutral">{t("不适用于你所在地区", "Not for your region")}</span>
  );
}

function ProgrammeCard({ programme }: { programme: ProgrammeSummary }) {
  const { t, say } = useI18n();
  const { rules } = programme;
  const heading = `programme-${programme.id}`;
  return (
    <section class="card programme" aria-labelledby={heading}>
      <p class="kicker">{say(PROGRAMME_KIND[programme.kind])}</p>
      <h2 id={heading}>{programme.name}</h2>
      <p>
        <RegionFit programme={programme} />
      </p>
      <dl class="facts compact">
        <div>
          <dt>{t("补贴比例", "Subsidy ratio")}</dt>
          <dd>
            {formatRatio(rules.subsidy_ratio_bp)}
            {rules.tiers.length > 0 && t(`（最高 ${formatRatio(Math.max(...rules.tiers.map((tier) => tier.ratio_bp)))}）`, ` (up to ${formatRatio(Math.max(...rules.tiers.map((tier) => tier.ratio_bp)))})`)}
          </dd>
        </div>
        <div>
          <dt>{t("企业年度申领额度", "Annual issuance quota")}</dt>
          <dd class="money">{rules.annual_issuance_quota_fen === null ? t("不限", "None") : formatFen(rules.annual_issuance_quota_fen)}</dd>
        </div>
        <div>
          <dt>{t("企业年度补贴上限", "Annual subsidy cap")}</dt>
          <dd class="money">{rules.annual_subsidy_cap_fen === null ? t("不限", "None") : formatFen(rules.annual_subsidy_cap_fen)}</dd>
        </div>
        <div>
          <dt>{t("适用地区", "Regions")}</dt>
          <dd>{rules.cross_region ? regionWords(rules, say, t) : <RegionNames codes={rules.eligible_region_prefixes} />}</dd>
        </div>
        <div>
          <dt>{t("申请截止", "Applications close")}</dt>
          <dd>{rules.application_closes_on}</dd>
        </div>
      </dl>
      <p>
        <Link href={`${PROGRAMMES_PATH}?id=${programme.id}`}>
          {t("查看规则并申请", "Rules and application")}
          <span class="visually-hidden">：{programme.name}</span>
        </Link>
      </p>
    </section>
  );
}

function ProgrammeDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const programme = useLoad(() => Promise.all([loadProgramme(id), loadEligibility(id)]), id);
  const title = programme.state.status === "ready" ? programme.state.data[0].name : t("券项目", "Voucher programme");
  return (
    <Page title={title}>
      <p>
        <Link href={PROGRAMMES_PATH}>← {t("全部券项目", "All programmes")}</Link>
      </p>
      <Loaded load={programme}>
        {([p, eligibility]) => (
          <>
            <section class="card" aria-labelledby="can-apply">
              <h2 id="can-apply">{t("申请资格自查", "Can you apply?")}</h2>
              <p class="hint">{t("按提交申请时的同一套规则，用你单位登记的信息逐项检查；不会提交任何内容。", "The rules a submission is checked against, applied to your organisation's registered facts, criterion by criterion; nothing is submitted.")}</p>
              <EligibilityList eligibility={eligibility} id="dry-run-eligibility" dryRun />
            </section>
            <ProgrammeGuide programme={p} headingId="guide" />
            <ProgrammeAttachments programmeId={p.id} manage={false} />
            <section class="card" aria-labelledby="rules">
              <h2 id="rules">{t("项目规则", "Rules")}</h2>
              <p class="hint">{t(`规则第 ${p.current_version} 版。预约按下单时的规则版本计算补贴。`, `Rules version ${p.current_version}. A booking keeps the version it was priced on.`)}</p>
              <ProgrammeRulesFacts programme={p} />
            </section>
            {eligibility.eligible ? (
              <ApplyForm programme={p} maxGrantableFen={eligibility.max_grantable_fen} />
            ) : (
              <p class="message info">{t("你目前不符合该项目的申请条件，因此不提供申请表。原因见上方逐项说明。", "You do not meet this programme's criteria now, so no application form is offered: see each criterion above.")}</p>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}

type Outcome = { kind: "submitted"; eligibility: Eligibility } | { kind: "refused"; eligibility: Eligibility } | null;

function ApplyForm({ programme, maxGrantableFen }: { programme: Programme; maxGrantableFen: number }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const limits = LIMITS.voucherApplication;
  const form = useForm({
    initial: { programme_id: programme.id, requested_fen: "", purpose: "" },
    specs: {
      programme_id: limits.programme_id,
      requested_fen: { required: true, check: yuanCheck(limits.requested_fen) },
      purpose: limits.purpose,
    },
    submit: async (values) => {
      const parsed = parseYuan(values.requested_fen);
      if (!parsed.ok) throw new Error("checked by the field's spec");
      setOutcome(null);
      try {
        const application = await send(
          api.api["voucher-applications"].$post({ json: { programme_id: values.programme_id, requested_fen: parsed.fen, purpose: values.purpose.trim() } }),
        );
        setOutcome({ kind: "submitted", eligibility: application.eligibility });
        form.reset();
        return ["申请已提交，等待主管部门审核。", "Application submitted: it awaits the funding agency's review."];
      } catch (error) {
        const eligibility = error instanceof ApiError ? eligibilityOf(error.details) : null;
        if (!eligibility) throw error;
        setOutcome({ kind: "refused", eligibility });
        throw new ApiError(error instanceof ApiError ? error.status : 422, "not_eligible", "不符合申领条件，未提交。原因见下方逐项说明。 / Not eligible, so nothing was submitted: see each criterion below.");
      }
    },
  });
  return (
    <section class="card" aria-labelledby="apply">
      <h2 id="apply">{t("申请", "Apply")}</h2>
      <form class="form" noValidate onSubmit={form.onSubmit} ref={form.ref} hidden={outcome?.kind === "submitted"}>
        <TextField
          form={form}
          name="requested_fen"
          label={t("申请金额（元）", "Amount (yuan)")}
          hint={t(`今天最多可申领 ${formatFen(maxGrantableFen)}（单次上限 ${formatFen(programme.rules.max_voucher_fen)}），精确到分`, `Today at most ${formatFen(maxGrantableFen)} (per-application limit ${formatFen(programme.rules.max_voucher_fen)}), to the fen`)}
          inputMode="decimal"
          autoComplete="off"
        />
        <TextArea form={form} name="purpose" label={t("用途说明", "Purpose")} hint={t("如：大模型训练所需算力，约 2,000 卡时", "E.g. compute for model training, about 2,000 card-hours")} />
        <FormStatus form={form} />
        <SubmitButton form={form}>{t("提交申请", "Submit application")}</SubmitButton>
      </form>
      {outcome?.kind === "submitted" && <FormStatus form={form} />}
      {outcome && <EligibilityList eligibility={outcome.eligibility} id="apply-eligibility" />}
      {outcome?.kind === "submitted" && (
        <p>
          <Link href="/my-applications">{t("查看我的申请", "See my applications")}</Link>
        </p>
      )}
    </section>
  );
}
