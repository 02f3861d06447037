public import BackstopCore
public import Foundation

/// A rule's threshold or value on the wire: a JSON number when it is one (`0`, `612`), else a string (`verified`).
public struct FlexibleValue: Codable, Sendable, Hashable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let number = Decimal.parseStrict(text) {
            try container.encode(number)
        } else {
            try container.encode(text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Decimal.self) {
            text = "\(number)"
        } else {
            text = try container.decode(String.self)
        }
    }
}

/// A fact on the wire: its stable `code`, its typed `params` and the `message` in the answer's language.
public struct FactDocument: Codable, Sendable, Hashable {
    public let code: FactCode
    public let params: [String: WireValue]
    public let message: String

    public init(_ fact: Fact, _ renderer: Renderer) {
        code = fact.code
        params = fact.params.mapValues(renderer.wireValue)
        message = renderer.render(fact)
    }
}

/// The JSON form of a ``Recommendation`` (wire format v1): what `backstop alternatives --format json` prints and
/// `POST /v1/alternatives` returns. Field names are a contract: add, never rename or drop. Every reason, rule,
/// warning, step and note carries a stable `code`, its `params` and a `message` in the chosen language.
public struct RecommendationDocument: Codable, Sendable, Hashable {
    public struct Reason: Codable, Sendable, Hashable {
        public let code: ClosureReason
        /// The evidence, in the answer's language.
        public let evidence: String
        public let severity: ServiceState
        /// The evidence's own code (`evidence-late-repayment`) and parameters.
        public let evidenceCode: FactCode
        public let params: [String: WireValue]
        /// The reason and its evidence in one line, in the answer's language.
        public let message: String

        init(_ finding: ReasonFinding, _ renderer: Renderer) {
            code = finding.code
            evidence = renderer.render(finding.evidence)
            severity = finding.severity
            evidenceCode = finding.evidence.code
            params = finding.evidence.params.mapValues(renderer.wireValue)
            message = renderer.reason(finding.code) + (renderer.language == .zh ? "：" : ": ") + evidence
        }
    }

    public struct Diagnosis: Codable, Sendable, Hashable {
        public let service: PrimaryService
        public let state: ServiceState
        public let reasons: [Reason]
        public let observed: ServiceState?
        public let assessed: ServiceState
        public let summary: String
        /// The summary as a fact (`summary-reported-with-reasons`…).
        public let summaryFact: FactDocument
        public let unknowns: [String]
        /// Whether the reasons found explain the state reported (false: only the operator's review can say why, and
        /// no reopening date is given).
        public let explained: Bool

        public init(_ d: ServiceDiagnosis, _ renderer: Renderer) {
            explained = d.explained
            service = d.service
            state = d.state
            reasons = d.reasons.map { Reason($0, renderer) }
            observed = d.observed
            assessed = d.assessed
            summary = renderer.render(d.summary)
            summaryFact = FactDocument(d.summary, renderer)
            unknowns = d.unknowns.map(\.rawValue)
        }
    }

    public struct Rule: Codable, Sendable, Hashable {
        public let rule: String
        public let outcome: RuleOutcome
        public let threshold: FlexibleValue
        public let value: FlexibleValue?
        public let margin: Decimal?
        public let explanation: String
        public let fix: String?
        /// What the rule found (`code`, `params`, `message` = `explanation`).
        public let code: FactCode
        public let params: [String: WireValue]
        public let message: String
        /// The fix as a fact, when the rule failed.
        public let fixFact: FactDocument?
        /// Where the lender's threshold comes from (`published`, `reported`, or Backstop's `estimate`); absent for a
        /// rule that is not a lender's threshold (limits, status, the legal and rulebook gates).
        public let basis: ThresholdBasis?

        public init(_ c: RuleCheck, _ renderer: Renderer) { self.init(c, renderer, details: nil) }

        /// The rule as the provider `details` applies it: `explanation` says when its threshold is Backstop's
        /// estimate or only reported.
        public init(_ c: RuleCheck, _ renderer: Renderer, details: ProviderDescription?) {
            rule = c.rule.rawValue
            outcome = c.outcome
            threshold = FlexibleValue(c.threshold)
            value = c.value.map(FlexibleValue.init)
            margin = c.margin.map { $0.roundedHalfUp(scale: 4) }
            basis = details?.thresholdBasis(of: c.rule)
            explanation = details.map { renderer.render(c, of: $0) } ?? renderer.render(c.finding)
            fix = c.fix.map(renderer.render)
            code = c.finding.code
            params = c.finding.params.mapValues(renderer.wireValue)
            message = explanation
            fixFact = c.fix.map { FactDocument($0, renderer) }
        }
    }

    public struct AlternativeDocument: Codable, Sendable, Hashable {
        public let provider: String
        public let name: String
        public let nameZH: String
        /// The name in the answer's language (`name` is v1's English one).
        public let displayName: String
        public let licensed: Bool
        public let licence: LicenceKind
        public let nominalAPR: Decimal
        public let effectiveAPR: Decimal
        public let monthlyPayment: Money
        public let totalRepayment: Money
        public let totalCost: Money
        public let likelihood: Likelihood
        public let why: String
        /// `why` as facts.
        public let whyFacts: [FactDocument]
        public let termMonths: Int
        public let method: RepaymentMethod
        public let estimate: Bool
        public let riskPosition: Decimal
        public let note: String
        /// `note` as facts.
        public let notes: [FactDocument]
        public let upfrontFees: Money
        public let rules: [Rule]
        /// The schedule, row by row: always in the default (`full`) answer, absent in a `standard` one
        /// (``AnswerDetail``).
        public let schedule: [ScheduleRow]?
        /// The offer is priced at another term than the one asked for (ranked after the exact matches).
        public let termDiffers: Bool
        /// `only-if-invited` / `only-for-customers` when the profile does not say whether the user qualifies.
        public let condition: String?
        /// What applying and checking the limit add to the credit report.
        public let inquiry: InquiryDocument
        /// What capped the likelihood (the odds model, docs/advice.md).
        public let oddsFactors: [FactDocument]
        /// The mandatory fees over the term by kind and receiver (counted in the APR).
        public let fees: [FeeTotalDocument]
        /// Optional fees: shown, not counted.
        public let optionalFees: [OtherFeeDocument]
        /// Mandatory fees whose figure is not published.
        public let unpricedFees: [OtherFeeDocument]
        /// A mandatory fee is not published: the totals and APRs leave it out (ranked after complete offers).
        public let costIncomplete: Bool
        /// One instalment 30 days late and everything repaid after month 3 (absent for a plugin's offer).
        public let stress: StressDocument?
        /// For a platform or a guarantor (`licence` `platform` / `financing-guarantor`): the kinds of the lenders
        /// that fund its loans, which the caps and the rulebook bind (absent for a lender).
        public let funders: [LicenceKind]?
        /// For a platform or a guarantor: its guarantors (absent otherwise or when none is named).
        public let guarantors: [String]?
        /// For a platform or a guarantor: who lends, in words (`loan-facilitation platform (funded by banks; …)`).
        public let lender: String?

        public init(_ a: Alternative, _ renderer: Renderer, detail: AnswerDetail = .full) {
            let quote = a.offer.quote
            provider = a.details.id.rawValue
            name = a.details.nameEN
            nameZH = a.details.nameZH
            displayName = renderer.name(a.details.name)
            licensed = a.details.licence.isLicensed
            licence = a.details.licence.kind
            nominalAPR = quote.nominalAPR
            effectiveAPR = quote.effectiveAPR
            monthlyPayment = quote.monthlyPayment
            totalRepayment = quote.totalRepayment
            totalCost = quote.totalCost
            likelihood = a.likelihood
            why = renderer.render(a.why)
            whyFacts = a.why.map { FactDocument($0, renderer) }
            termMonths = quote.terms.termMonths
            method = quote.terms.method
            estimate = a.offer.isEstimate
            riskPosition = a.offer.riskPosition
            note = renderer.render(a.offer.notes)
            notes = a.offer.notes.map { FactDocument($0, renderer) }
            upfrontFees = quote.schedule.disbursement.fees
            // A standard answer keeps the rules that did not pass (unknown ones): the passed ones are the bulk.
            rules = a.checks.filter { detail == .full || $0.outcome != .passed }.map {
                Rule($0, renderer, details: a.details)
            }
            schedule = detail == .full ? quote.schedule.rows : nil
            termDiffers = a.termDiffers
            condition = a.condition?.code
            inquiry = InquiryDocument(
                application: a.details.inquiries.application,
                limitCheck: a.details.inquiries.limitCheck,
                message: renderer.inquiry(a.details.inquiries.application)
            )
            oddsFactors = a.oddsFactors.map { FactDocument($0, renderer) }
            fees = quote.schedule.feeTotals.map { FeeTotalDocument($0, renderer) }
            optionalFees = quote.schedule.optionalFees.map { OtherFeeDocument($0, renderer) }
            unpricedFees = quote.schedule.unpricedFees.map { OtherFeeDocument($0, renderer) }
            costIncomplete = a.offer.isCostIncomplete
            stress = a.offer.stress.map { StressDocument($0, lateKnown: a.details.lateRepayment != nil, renderer) }
            let arranged = !a.details.licence.kind.lends && a.details.licence.isLicensed
            funders = arranged ? a.details.lendingKinds : nil
            guarantors = arranged && !a.details.guarantors.isEmpty ? a.details.guarantors : nil
            lender = arranged ? renderer.lender(a.details) : nil
        }
    }

    public struct InquiryDocument: Codable, Sendable, Hashable {
        public let application: InquiryKind
        public let limitCheck: InquiryKind
        public let message: String
    }

    /// The application plan (`plan`): one application at a time, within a hard-inquiry budget.
    public struct PlanDocument: Codable, Sendable, Hashable {
        public struct Step: Codable, Sendable, Hashable {
            public let order: Int
            public let provider: String
            public let inquiry: InquiryKind
            public let likelihood: Likelihood
            public let code: FactCode
            public let params: [String: WireValue]
            public let message: String
        }

        public let budget: Int
        public let windowMonths: Int
        public let hardInquiries3m: Int?
        public let steps: [Step]
        public let later: [String]
        public let waitUntil: CalendarDate?
        public let notes: [FactDocument]
        /// Present (true) when every candidate's odds are low and the plan leads with waiting.
        public let leadsWithWaiting: Bool?
        /// With ``leadsWithWaiting``: the earliest date a forecast gives a candidate a better chance, when known.
        public let waitForBetterOdds: CalendarDate?

        public init(_ plan: ApplicationPlan, _ renderer: Renderer) {
            budget = plan.budget
            windowMonths = plan.windowMonths
            hardInquiries3m = plan.hardInquiries3m
            steps = plan.steps.enumerated().map { index, step in
                Step(
                    order: index + 1,
                    provider: step.provider.rawValue,
                    inquiry: step.inquiry,
                    likelihood: step.likelihood,
                    code: step.fact.code,
                    params: step.fact.params.mapValues(renderer.wireValue),
                    message: renderer.render(step.fact)
                )
            }
            later = plan.later.map(\.rawValue)
            waitUntil = plan.waitUntil
            notes = plan.notes.map { FactDocument($0, renderer) }
            leadsWithWaiting = plan.leadsWithWaiting ? true : nil
            waitForBetterOdds = plan.waitForBetterOdds
        }
    }

    public struct Failed: Codable, Sendable, Hashable {
        public let rule: String
        public let threshold: FlexibleValue
        public let value: FlexibleValue?
        public let explanation: String
        public let fix: String?
        public let code: FactCode
        public let params: [String: WireValue]
        public let message: String
        public let fixFact: FactDocument?
        /// Where the lender's threshold comes from (``Rule/basis``).
        public let basis: ThresholdBasis?

        init(_ c: RuleCheck, _ renderer: Renderer, details: ProviderDescription) {
            let rule = Rule(c, renderer, details: details)
            basis = rule.basis
            self.rule = rule.rule
            threshold = rule.threshold
            value = rule.value
            explanation = rule.explanation
            fix = rule.fix
            code = rule.code
            params = rule.params
            message = rule.message
            fixFact = rule.fixFact
        }
    }

    public struct IneligibleDocument: Codable, Sendable, Hashable {
        public let provider: String
        public let name: String
        public let nameZH: String
        /// The name in the answer's language (`name` is v1's English one).
        public let displayName: String
        public let licensed: Bool
        public let gated: Bool
        public let failed: [Failed]
        /// What would change it, in the answer's language.
        public let fix: String
        public let fixes: [FactDocument]

        public init(_ r: Refusal, _ renderer: Renderer) {
            provider = r.details.id.rawValue
            name = r.details.nameEN
            nameZH = r.details.nameZH
            displayName = renderer.name(r.details.name)
            licensed = r.details.licence.isLicensed
            gated = r.gated
            failed = r.failed.map { Failed($0, renderer, details: r.details) }
            fix = renderer.fixSentence(r)
            fixes = r.fixes.map { FactDocument($0, renderer) }
        }
    }

    public struct WarningDocument: Codable, Sendable, Hashable {
        public let code: FactCode
        public let provider: String?
        public let params: [String: WireValue]
        public let message: String

        public init(_ w: Warning, _ renderer: Renderer) {
            code = w.code
            provider = w.provider?.rawValue
            params = w.fact.params.mapValues(renderer.wireValue)
            message = renderer.render(w.fact)
        }
    }

    /// When a recovery step is done (`kind`: `now`, `days`, `ongoing`, `record`, `undated`), with its dates and the
    /// label in the answer's language. Absent on general advice.
    public struct Horizon: Codable, Sendable, Hashable {
        public let kind: String
        /// `now`: the plan's date.
        public let date: CalendarDate?
        /// `days`: the range of days, the start and the last day; `ongoing`: the start and, when it has one, the end.
        public let minDays: Int?
        public let maxDays: Int?
        public let from: CalendarDate?
        public let by: CalendarDate?
        public let until: CalendarDate?
        /// `record`: the late instalment and the dates it leaves the 12- and 24-month windows and the credit report
        /// (absent while unpaid: then the date it would leave if settled on the plan's date).
        public let month: String?
        public let daysPastDue: Int?
        public let settled: CalendarDate?
        public let leaves12MonthWindow: CalendarDate?
        public let leaves24MonthWindow: CalendarDate?
        public let leavesCreditReport: CalendarDate?
        public let leavesCreditReportIfSettledOnPlanDate: CalendarDate?
        /// The horizon in a few words, in the answer's language (absent for `record`: the step's message says it).
        public let message: String?

        public init?(_ horizon: StepHorizon, _ renderer: Renderer) {
            var kind = ""
            var date: CalendarDate?
            var minDays: Int?
            var maxDays: Int?
            var from: CalendarDate?
            var by: CalendarDate?
            var until: CalendarDate?
            var record: OverdueRecordDates?
            switch horizon {
            case .none: return nil
            case .now(let day):
                kind = "now"
                date = day
            case .days(let days, let start):
                kind = "days"
                minDays = days.lowerBound
                maxDays = days.upperBound
                from = start
                by = start.adding(days: days.upperBound)
            case .ongoing(let start, let end):
                kind = "ongoing"
                from = start
                until = end
            case .record(let dates):
                kind = "record"
                record = dates
            case .undated:
                kind = "undated"
            }
            self.kind = kind
            self.date = date
            self.minDays = minDays
            self.maxDays = maxDays
            self.from = from
            self.by = by
            self.until = until
            month = record?.month.description
            daysPastDue = record?.daysPastDue
            settled = record?.settled
            leaves12MonthWindow = record?.leaves12MonthWindow
            leaves24MonthWindow = record?.leaves24MonthWindow
            leavesCreditReport = record?.leavesCreditReport
            leavesCreditReportIfSettledOnPlanDate = record?.leavesCreditReportIfSettledOnPlanDate
            message = renderer.horizon(horizon)
        }
    }

    public struct Step: Codable, Sendable, Hashable {
        /// The closure reason the step answers, or `general`.
        public let reason: String
        public let action: String
        public let code: FactCode
        /// v1: the message's template parameters (kept as they were; `values` has the same under one set of names).
        public let params: [String: WireValue]
        public let message: String
        /// When it is done (absent on general advice).
        public let horizon: Horizon?
        /// The services the step applies to (`huabei`, `jiebei`).
        public let services: [PrimaryService]
        /// What the step's date rests on: `published` (a rule, `source`), `estimate` (Backstop's), or `none`.
        public let dateKind: DateKind
        /// The public rule or notice the step rests on, when there is one.
        public let source: String?
        /// Every value of the step under one set of names, the same as `horizon`'s (docs/http.md "Recovery steps"):
        /// the template's parameters renamed, and every date of a late instalment, past ones included.
        public let values: [String: WireValue]
        /// The names in `values` that are Backstop's estimates in a step whose `dateKind` is `published`: a late
        /// instalment's report date is the law's, the days the 12- and 24-month windows stop seeing it are estimates.
        public let estimatedValues: [String]?

        public init(_ step: RecoveryPlan.Step, _ renderer: Renderer) {
            if case .record = step.horizon {
                estimatedValues = ["leaves12MonthWindow", "leaves24MonthWindow"]
            } else {
                estimatedValues = nil
            }
            reason = step.reason?.rawValue ?? "general"
            action = renderer.render(step.action)
            code = step.action.code
            params = step.action.params.mapValues(renderer.wireValue)
            message = action
            horizon = Horizon(step.horizon, renderer)
            services = step.services
            dateKind = step.dateKind
            source = step.source
            values = Self.values(step, renderer)
        }

        /// The one name of each template parameter in `values`; a parameter not listed keeps its name.
        public static let valueNames: [String: String] = [
            "days": "daysPastDue", "leaves12m": "leaves12MonthWindow", "leaves24m": "leaves24MonthWindow",
            "leavesReport": "leavesCreditReport", "leavesReportIfSettled": "leavesCreditReportIfSettledOnPlanDate",
            "ifSettledOn": "planDate", "count12m": "overdueCount12m", "count24m": "overdueCount24m",
            "by12m": "leaves12MonthWindowBy", "by24m": "leaves24MonthWindowBy", "amount": "currentOverdueAmount",
            "count": "count", "until": "until", "by": "by",
        ]

        static func values(_ step: RecoveryPlan.Step, _ renderer: Renderer) -> [String: WireValue] {
            var values: [String: WireValue] = [:]
            for (name, value) in step.action.params {
                // A dispute's or a new card's `days` is a number of days, not days past due.
                let renamed =
                    name == "days" && step.action.code != .stepOverdueRecordDates ? "days" : valueNames[name] ?? name
                values[renamed] = renderer.wireValue(value)
            }
            if case .record(let dates) = step.horizon {
                values["month"] = FactValue.month(dates.month).wireValue
                values["daysPastDue"] = FactValue.int(dates.daysPastDue).wireValue
                values["leaves12MonthWindow"] = FactValue.date(dates.leaves12MonthWindow).wireValue
                values["leaves24MonthWindow"] = FactValue.date(dates.leaves24MonthWindow).wireValue
                if let settled = dates.settled { values["settled"] = FactValue.date(settled).wireValue }
                if let report = dates.leavesCreditReport {
                    values["leavesCreditReport"] = FactValue.date(report).wireValue
                }
                if let report = dates.leavesCreditReportIfSettledOnPlanDate {
                    values["leavesCreditReportIfSettledOnPlanDate"] = FactValue.date(report).wireValue
                }
            }
            return values
        }
    }

    /// When a closed service or a refused provider may reopen: `earliest`, or `predictable` false with `latest` when
    /// only counts without dates stand in the way; `because` says what the date waits for or why there is none.
    public struct ReopeningDocument: Codable, Sendable, Hashable {
        /// `huabei`, `wechat-weilidai`.
        public let id: String
        /// `service` or `provider`.
        public let kind: String
        public let predictable: Bool
        public let earliest: CalendarDate?
        public let latest: CalendarDate?
        public let code: FactCode
        public let params: [String: WireValue]
        public let message: String
        public let because: [FactDocument]
        /// What the date rests on: `estimate` (Backstop's illustrative rules, or its estimate of a lender's criteria)
        /// or `published` (every criterion it waits on is the lender's published one).
        public let dateKind: DateKind

        public init(_ forecast: ReopeningForecast, _ renderer: Renderer) {
            dateKind = forecast.dateKind
            id = forecast.subject.id
            switch forecast.subject {
            case .service: kind = "service"
            case .provider: kind = "provider"
            }
            predictable = forecast.isPredictable
            earliest = forecast.earliest
            latest = forecast.latest
            let headline = forecast.headline
            code = headline.code
            params = headline.params.mapValues(renderer.wireValue)
            message = renderer.render(headline)
            because = forecast.because.map { FactDocument($0, renderer) }
        }
    }

    public struct WhatIf: Codable, Sendable, Hashable {
        /// What reopens by a date (earliest or latest) on the plan's assumptions.
        public let reopens: [String]
        public let assumes: [String]
        /// `assumes` as facts.
        public let assumptions: [FactDocument]
        /// v1: the longest window the forecasts look through (24 months).
        public let horizonMonths: Int
        /// The date the plan starts from.
        public let date: CalendarDate?
        /// Per closed service, then per refused provider: when it may reopen, or why no date can be given.
        public let reopenings: [ReopeningDocument]?
    }

    public struct Recovery: Codable, Sendable, Hashable {
        public let steps: [Step]
        public let whatIf: WhatIf
        /// Scam warnings, each with its public source.
        public let scams: [FactDocument]?

        public init(_ plan: RecoveryPlan, _ renderer: Renderer) {
            steps = plan.steps.map { Step($0, renderer) }
            whatIf = WhatIf(
                reopens: plan.reopens.map(\.id),
                assumes: plan.assumedChanges.map(renderer.render),
                assumptions: plan.assumedChanges.map { FactDocument($0, renderer) },
                horizonMonths: Countermeasure.horizonMonths,
                date: plan.date,
                reopenings: plan.forecasts.map { ReopeningDocument($0, renderer) }
            )
            scams = plan.scams.map { FactDocument($0, renderer) }
        }
    }

    public struct RequestEcho: Codable, Sendable, Hashable {
        public let amount: Money
        public let termMonths: Int
        public let purpose: LoanPurpose
        public let maxMonthlyPayment: Money?
        public let rankBy: RankingPreference
    }

    /// The language of every `message` (`zh-Hans` or `en`).
    public let language: String
    public let profile: String
    public let date: CalendarDate
    public let request: RequestEcho
    public let diagnosis: [Diagnosis]
    public let alternatives: [AlternativeDocument]
    public let ineligible: [IneligibleDocument]
    public let warnings: [WarningDocument]
    public let recovery: Recovery
    public let catalog: CatalogInfo?
    public let unknowns: [String]
    public let plan: PlanDocument
    /// The detail asked for, when it is not the default `full` (``AnswerDetail``); absent in a default answer.
    public let detail: AnswerDetail?

    /// The answer at a detail: `full` (the default) is wire format v1 as it always was; `standard` leaves out each
    /// alternative's `schedule` and its passed `rules` (unknown ones stay) and says `"detail": "standard"`. (`summary` is ``RecommendationSummary``; asked for
    /// here it gives `standard`.)
    public init(_ r: Recommendation, language: Language, detail: AnswerDetail = .full) {
        let renderer = Renderer(language)
        self.detail = detail == .full ? nil : .standard
        self.language = language.tag
        profile = r.profileID
        date = r.date
        request = RequestEcho(
            amount: r.request.amount,
            termMonths: r.request.termMonths,
            purpose: r.request.purpose,
            maxMonthlyPayment: r.request.maxMonthlyPayment,
            rankBy: r.request.rankBy
        )
        diagnosis = r.diagnosis.map { Diagnosis($0, renderer) }
        alternatives = r.alternatives.map { AlternativeDocument($0, renderer, detail: detail) }
        ineligible = r.ineligible.map { IneligibleDocument($0, renderer) }
        warnings = r.warnings.map { WarningDocument($0, renderer) }
        recovery = Recovery(r.recovery, renderer)
        catalog = r.catalog
        unknowns = r.unknowns.map(\.rawValue)
        plan = PlanDocument(r.plan, renderer)
    }
}

/// The JSON form of `backstop diagnose` and `POST /v1/diagnose`: the same diagnosis and recovery plan as an
/// alternatives answer, without a loan request.
public struct DiagnosisDocument: Codable, Sendable, Hashable {
    public let language: String
    public let profile: String
    public let diagnosis: [RecommendationDocument.Diagnosis]
    public let recovery: [RecommendationDocument.Step]
    /// The services the what-if reopens, and what it assumes.
    public let whatIf: RecommendationDocument.WhatIf
    /// Scam warnings, each with its public source.
    public let scams: [FactDocument]?

    public init(profile: UserProfile, diagnosis: [ServiceDiagnosis], recovery plan: RecoveryPlan, language: Language) {
        let renderer = Renderer(language)
        self.language = language.tag
        self.profile = profile.id
        self.diagnosis = diagnosis.map { RecommendationDocument.Diagnosis($0, renderer) }
        let recovery = RecommendationDocument.Recovery(plan, renderer)
        self.recovery = recovery.steps
        self.whatIf = recovery.whatIf
        self.scams = recovery.scams
    }
}

extension Renderer {
    /// What would change a refusal, as one sentence: a fix that answers one of Backstop's estimates of the lender's
    /// criteria says so (`(by Backstop's estimate)` / `（这是估计）`), never a lender's rule.
    public func fixSentence(_ refusal: Refusal) -> String {
        let estimated = refusal.failed.filter { refusal.details.thresholdBasis(of: $0.rule) == .estimate }
            .compactMap(\.fix)
        let text = refusal.fixes.map { fix in
            render(fix) + (estimated.contains(fix) ? t(" (by Backstop's estimate)", "（这是估计）") : "")
        }.joined(separator: language == .zh ? "；" : "; ")
        return sentence(text)
    }

    /// Facts as one sentence with a capital and a full stop: `Borrow at most ¥50,000.00; choose …`.
    public func sentence(_ facts: [Fact]) -> String { sentence(render(facts)) }

    /// Text as one sentence: a capital (English) and a full stop.
    func sentence(_ text: String) -> String {
        switch language {
        case .zh: return text.isEmpty || text.hasSuffix("。") ? text : text + "。"
        case .en: return capitalised(text) + (text.isEmpty || text.hasSuffix(".") ? "" : ".")
        }
    }

    /// Text with a capital first letter in English (Chinese as it is).
    func capitalised(_ text: String) -> String {
        language == .zh ? text : text.prefix(1).uppercased() + text.dropFirst()
    }
}
