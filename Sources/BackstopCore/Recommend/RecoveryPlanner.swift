import Foundation

/// The recovery planner stage: the plan (steps, scam warnings), and when each closed service and refused provider
/// may reopen on the plan's assumptions.
extension Aggregator {
    /// The recovery plan without a loan request, as `backstop diagnose` shows it: the steps with their horizons, when
    /// each closed service may reopen, and the scam warnings. The same planner as ``recommend(_:_:on:)``'s; `date` is
    /// the day the plan starts from (the profile's dated lists are read on it).
    public func recovery(_ profile: UserProfile, diagnosis: [ServiceDiagnosis], on date: CalendarDate) -> RecoveryPlan {
        whatIf(profile.resolved(on: date), diagnosis: diagnosis, on: date, alternatives: nil, refused: false).plan
    }

    /// The recovery plan as of today (UTC).
    @available(*, deprecated, message: "pass the date the plan starts from: recovery(_:diagnosis:on:)")
    public func recovery(_ profile: UserProfile, diagnosis: [ServiceDiagnosis]) -> RecoveryPlan {
        recovery(profile, diagnosis: diagnosis, on: .todayUTC())
    }

    /// The plan without providers: the steps, the scam warnings and the closed services' forecasts, with the
    /// projection the providers' forecasts reuse. `alternatives`: how many licensed alternatives serve the request
    /// now (nil without a request); `refused`: whether a provider refused the profile itself.
    func whatIf(
        _ profile: UserProfile,
        diagnosis: [ServiceDiagnosis],
        on date: CalendarDate,
        alternatives: Int?,
        refused: Bool
    ) -> (plan: RecoveryPlan, projection: RecoveryProjection) {
        let steps = Countermeasure.steps(for: diagnosis, profile, on: date, alternatives: alternatives)
        let projection = RecoveryProjection(profile, on: date)
        let notOpen = diagnosis.contains { $0.state != .open && $0.state != .unknown }
        var plan = RecoveryPlan(
            steps: steps,
            assumedChanges: [],
            reopens: [],
            forecasts: serviceForecasts(diagnosis, projection),
            scams: ScamWarning.fitting(profile, diagnosis, notOpen: notOpen, refused: refused).map(\.fact),
            date: date
        )
        Self.finish(&plan, projection)
        return (plan, projection)
    }

    /// The assumptions (when anything is forecast) and v1's `reopens`: what reopens by a date, earliest or latest.
    static func finish(_ plan: inout RecoveryPlan, _ projection: RecoveryProjection) {
        plan.assumedChanges = plan.forecasts.isEmpty ? [] : projection.assumptions
        plan.reopens = plan.forecasts.filter { $0.earliest != nil || $0.latest != nil }.map(\.subject).sorted()
    }

    /// When each closed service may reopen. A closure the profile reports must lose every reason the rules find (the
    /// profile does not say which one closed it); an assessed one must stop being closed by the rules. A reported
    /// closure with no reason found waits for the operator's own review.
    func serviceForecasts(_ diagnosis: [ServiceDiagnosis], _ projection: RecoveryProjection) -> [ReopeningForecast] {
        let closed = diagnosis.filter { $0.state == .closed }
        guard !closed.isEmpty else { return [] }
        let timeline = projection.milestones
        var memo: [Int: [ServiceDiagnosis]] = [:]
        func diagnosed(_ index: Int, _ scenario: RecoveryProjection.Scenario) -> [ServiceDiagnosis] {
            let key = index * 2 + (scenario == .optimistic ? 1 : 0)
            if let known = memo[key] { return known }
            let found = diagnose(projection.profile(on: timeline[index].date, scenario))
            memo[key] = found
            return found
        }
        func passes(_ item: ServiceDiagnosis, _ index: Int, _ scenario: RecoveryProjection.Scenario) -> Bool {
            guard let state = diagnosed(index, scenario).first(where: { $0.service == item.service })?.assessed else {
                return false
            }
            return item.observed == .closed ? state == .open : state != .closed
        }
        // A closure with no reason found, or none that explains it, waits for the operator's review: no date.
        let searched = closed.filter { !$0.reasons.isEmpty && $0.explained }
        let conservative = RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
            passes(searched[$0.subject], $0.date, .conservative)
        }
        let optimistic =
            projection.hasUndated
            ? RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
                passes(searched[$0.subject], $0.date, .optimistic)
            } : conservative
        return closed.map { item in
            let subject = Reopening.service(item.service)
            guard let index = searched.firstIndex(of: item) else {
                var params: [String: FactValue] = ["subject": .service(item.service)]
                if !item.reasons.isEmpty { params["reasons"] = .list(item.reasons.map { .reason($0.code) }) }
                return ReopeningForecast(
                    subject: subject,
                    earliest: nil,
                    because: [Fact(.dependsOnOperatorReview, params)]
                )
            }
            return Self.forecast(
                subject,
                conservative: conservative[index],
                optimistic: optimistic[index],
                timeline,
                projection
            ) {
                let last = diagnosed(timeline.count - 1, .optimistic).first { $0.service == item.service }
                return Self.blockers(of: last, observedClosed: item.observed == .closed, projection.base)
            }
        }
    }

    /// A forecast from the first dates the conservative and optimistic projections pass on: a date when both agree;
    /// else not predictable, with the latest date when the conservative one has it and why.
    static func forecast(
        _ subject: Reopening,
        conservative: Int?,
        optimistic: Int?,
        _ timeline: [RecoveryProjection.Milestone],
        _ projection: RecoveryProjection,
        reopensOn: CalendarDate? = nil,
        blockers: () -> [Fact]
    ) -> ReopeningForecast {
        if let index = conservative, optimistic == index {
            let date = timeline[index].date
            var because = timeline[index].causes.filter { $0.code != .dependsOnUndatedCounts }
            if let reopensOn, reopensOn == date { because.append(Fact(.afterProviderReopens, ["date": .date(date)])) }
            return ReopeningForecast(subject: subject, earliest: date, because: because)
        }
        var because: [Fact] = []
        if optimistic != conservative { because += projection.undatedFacts }
        if conservative == nil { because += blockers() }
        var unique: [Fact] = []
        for fact in because where !unique.contains(fact) { unique.append(fact) }
        return ReopeningForecast(
            subject: subject,
            earliest: nil,
            latest: conservative.map { timeline[$0].date },
            because: unique
        )
    }

    /// Why a service stays closed at the end of the projection: the reasons left.
    static func blockers(of item: ServiceDiagnosis?, observedClosed: Bool, _ profile: UserProfile) -> [Fact] {
        guard let item else { return [] }
        var facts: [Fact] = []
        for finding in item.reasons {
            switch finding.code {
            case .creditScoreDecline: facts.append(Fact(.dependsOnScore, ["score": .int(profile.creditScore)]))
            case .thinFile: facts.append(Fact(.dependsOnRecordBuilding))
            case .identityAbnormal:
                var params: [String: FactValue] = ["subject": .service(item.service)]
                if let identity = profile.identity { params["identity"] = .identity(identity) }
                facts.append(Fact(.dependsOnOperatorReview, params))
            case .lateRepayment, .cashOut, .ageLimit: facts.append(finding.evidence)
            }
        }
        if facts.isEmpty && observedClosed {
            facts.append(Fact(.dependsOnOperatorReview, ["subject": .service(item.service)]))
        }
        return facts
    }

    /// Why a provider stays refused: the rules still failing, the score and an identity report in words of their own.
    static func blockers(_ checks: [RuleCheck], _ subject: Reopening, _ profile: UserProfile) -> [Fact] {
        var facts: [Fact] = []
        for fact in checks.map({ blocker($0, subject, profile) }) where !facts.contains(fact) { facts.append(fact) }
        return facts
    }

    static func blocker(_ check: RuleCheck, _ subject: Reopening, _ profile: UserProfile) -> Fact {
        switch check.rule {
        case .minCreditScore:
            var params: [String: FactValue] = ["score": .int(profile.creditScore)]
            if let minimum = check.finding["min"] { params["min"] = minimum }
            return Fact(.dependsOnScore, params)
        case .identityVerified, .excludedWhenIdentityAbnormal:
            var params: [String: FactValue] = ["subject": subject.factValue]
            if let identity = profile.identity { params["identity"] = .identity(identity) }
            return Fact(.dependsOnOperatorReview, params)
        case .status: return check.fix ?? check.finding
        default: return check.finding
        }
    }

    /// The recovery plan of a recommendation: ``whatIf(_:diagnosis:on:alternatives:refused:)`` and, per refused
    /// licensed provider the profile could win back, the earliest date it may serve the request. Only refusals whose
    /// every failed rule can turn are evaluated again, and only on the dates the projection changes on.
    func recoveryPlan(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        refusals: [Refusal],
        recommendableNow: Set<ProviderID>
    ) async -> RecoveryPlan {
        // A licensed lender refusing the profile on its record calls for scam warnings.
        let refused = refusals.contains { refusal in
            refusal.details.licence.isLicensed && refusal.failed.contains { Self.recoveryRules.contains($0.rule) }
        }
        var (plan, projection) = whatIf(
            profile,
            diagnosis: diagnosis,
            on: date,
            alternatives: recommendableNow.count,
            refused: refused
        )
        let services = Set(diagnosis.map(\.service.rawValue))
        let forecastable = refusals.filter {
            !recommendableNow.contains($0.details.id) && !services.contains($0.details.id.rawValue)
        }
        plan.forecasts += await providerForecasts(forecastable, request, projection).map { forecast in
            // A provider's date rests on its criteria: published only when every one it was refused on is.
            guard case .provider(let id, _) = forecast.subject,
                let refusal = forecastable.first(where: { $0.details.id == id })
            else { return forecast }
            var dated = forecast
            let published = refusal.failed.allSatisfy { check in
                refusal.details.thresholdBasis(of: check.rule).map { $0 == .published } ?? true
            }
            dated.dateKind = published ? .published : .estimate
            return dated
        }
        Self.finish(&plan, projection)
        return plan
    }

    /// The rules a recovery plan is about: the credit record, the score, identity, cash-out, a service's state.
    /// A provider refused on none of these (only an account, an age, an income) is not forecast.
    static let recoveryRules: Set<RuleID> = [
        .minCreditScore, .maxOverdueCount12m, .maxOverdueCount24m, .maxDaysPastDue, .noCurrentOverdue,
        .identityVerified, .excludedWhenIdentityAbnormal, .excludedWhenCashOut, .serviceState,
    ]
    /// Per refused licensed provider (not gated, not refused for the request itself, refused on a rule of
    /// ``recoveryRules``), sorted by id: the earliest date it may serve the request on the plan's assumptions, or why
    /// that is not predictable.
    func providerForecasts(
        _ refusals: [Refusal],
        _ request: LoanRequest,
        _ projection: RecoveryProjection
    ) async -> [ReopeningForecast] {
        // Rules on the request or the provider's price list fail again whatever the profile.
        let requestRules: Set<RuleID> = [.purpose, .amountLimits, .minAmount, .maxAmount, .pricing]
        // The risk position (with the score fixed, the 12-month count) moves the price, and with it these.
        let priced: Set<RuleID> = [.legalCap, .maxMonthlyPayment, .maxDebtToIncome]
        let changing = projection.changing
        let pricesMove = changing.contains(.overdueCount12m)
        var forecasts: [ReopeningForecast] = []
        var searched: [(subject: Reopening, provider: any CreditProvider, reopensOn: CalendarDate?)] = []
        let candidates = refusals.filter { refusal in
            refusal.details.licence.isLicensed && !refusal.gated
                && !refusal.failed.contains { requestRules.contains($0.rule) }
                && refusal.failed.contains { Self.recoveryRules.contains($0.rule) }
        }
        for refusal in candidates.sorted(by: { $0.details.id < $1.details.id }) {
            let subject = Reopening.provider(refusal.details.id, refusal.details.name)
            var reopensOn: CalendarDate?
            if let fix = refusal.failed.first(where: { $0.rule == .status })?.fix, fix.code == .fixReopensOn,
                case .date(let day)? = fix["date"]
            {
                reopensOn = day
            }
            let stuck = refusal.failed.filter { check in
                switch check.rule {
                case .status: return reopensOn == nil
                case .serviceState: return true
                default:
                    return changing.isDisjoint(with: check.rule.fields) && !(pricesMove && priced.contains(check.rule))
                }
            }
            guard stuck.isEmpty, let position = positions[refusal.details.id] else {
                forecasts.append(
                    ReopeningForecast(
                        subject: subject,
                        earliest: nil,
                        because: Self.blockers(stuck, subject, projection.base)
                    )
                )
                continue
            }
            searched.append((subject, providers[position], reopensOn))
        }
        guard !searched.isEmpty else { return forecasts.sorted { $0.subject < $1.subject } }

        var timeline = projection.milestones
        for item in searched {
            if let day = item.reopensOn, !timeline.contains(where: { $0.date == day }) {
                timeline.append(RecoveryProjection.Milestone(date: day, causes: []))
            }
        }
        timeline.sort { $0.date < $1.date }
        /// The evaluations of some searched providers on the projected profile of a date.
        func evaluate(
            _ members: [Int],
            _ index: Int,
            _ scenario: RecoveryProjection.Scenario
        ) async -> [Int: (
            Evaluation, UserProfile
        )] {
            let day = timeline[index].date
            let profile = projection.profile(on: day, scenario)
            // No primary service is searched here (its forecast is the service's), so no diagnosis is needed.
            let (evaluations, _) = await evaluateAll(
                profile,
                request,
                on: day,
                diagnosis: [],
                only: members.map { searched[$0].provider }
            )
            // By id once: a lookup per member, not a scan of every evaluation (quadratic with a large catalog).
            let byID = Dictionary(evaluations.map { ($0.0.id, $0.1) }, uniquingKeysWith: { first, _ in first })
            var found: [Int: (Evaluation, UserProfile)] = [:]
            for member in members {
                if let evaluation = byID[searched[member].provider.id] { found[member] = (evaluation, profile) }
            }
            return found
        }
        func passes(
            _ questions: [(subject: Int, date: Int)],
            _ scenario: RecoveryProjection.Scenario
        ) async -> [Bool] {
            var answers = Array(repeating: false, count: questions.count)
            let byDate = Dictionary(grouping: questions.indices, by: { questions[$0].date })
            for index in byDate.keys.sorted() {
                let positions = byDate[index] ?? []
                let found = await evaluate(positions.map { questions[$0].subject }, index, scenario)
                for position in positions {
                    let member = questions[position].subject
                    if let pair = found[member] {
                        let (evaluation, profile) = pair
                        let details = searched[member].provider.details
                        let day = timeline[index].date
                        answers[position] =
                            evaluation.isEligible && blockingCap(evaluation, details, on: day) == nil
                            && !studentBarred(details, profile, day)
                    }
                }
            }
            return answers
        }
        let conservative = await RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
            await passes($0, .conservative)
        }
        let optimistic =
            projection.hasUndated
            ? await RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
                await passes($0, .optimistic)
            } : conservative
        // Why the ones that never pass stay refused: their evaluation at the end of the projection.
        let never = searched.indices.filter { conservative[$0] == nil }
        let last = never.isEmpty ? [:] : await evaluate(never, timeline.count - 1, .optimistic)
        for (member, item) in searched.enumerated() {
            forecasts.append(
                Self.forecast(
                    item.subject,
                    conservative: conservative[member],
                    optimistic: optimistic[member],
                    timeline,
                    projection,
                    reopensOn: item.reopensOn
                ) {
                    guard let found = last[member] else { return [] }
                    let evaluation = found.0
                    var facts = Self.blockers(evaluation.failed, item.subject, found.1)
                    let details = item.provider.details
                    if let cap = blockingCap(evaluation, details, on: timeline[timeline.count - 1].date),
                        let offer = evaluation.offer
                    {
                        let params = Self.capParams(cap, apr: offer.quote.apr.nominal(scale: 10), details.name)
                        facts.append(Fact(.ruleAboveLegalCap, params))
                    }
                    return facts
                }
            )
        }
        return forecasts.sorted { $0.subject < $1.subject }
    }

    /// The exclusion cap an eligible offer is above on a date (the gate of ``recommend(_:_:on:)``).
    func blockingCap(_ evaluation: Evaluation, _ details: ProviderDescription, on date: CalendarDate) -> LegalCap? {
        guard let offer = evaluation.offer else { return nil }
        let apr = offer.quote.apr.nominal(scale: 10)
        return caps.caps(for: details, on: date).first {
            $0.effect == .exclude && $0.isExceeded(byAPRPercent: apr)
        }
    }

    /// Whether a student may not be offered this provider's credit on a date.
    func studentBarred(_ details: ProviderDescription, _ profile: UserProfile, _ date: CalendarDate) -> Bool {
        profile.student == true && !caps.bans(for: details, group: .student, on: date).isEmpty
    }
}
