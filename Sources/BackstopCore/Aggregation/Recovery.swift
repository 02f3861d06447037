import Foundation

/// When a recovery step is done, or when what it waits for happens.
public enum StepHorizon: Hashable, Sendable {
    /// General advice, with no time attached.
    case none
    /// Do it now: on the plan's date.
    case now(CalendarDate)
    /// Done within a number of days of a date (a published period: a dispute's answer in 20 days, a new ID card in 60).
    case days(ClosedRange<Int>, from: CalendarDate)
    /// From a date on; `until` when what it waits for is over by then (today's cash-out flags out of the 12-month count).
    case ongoing(from: CalendarDate, until: CalendarDate?)
    /// The dates a late instalment leaves the windows lenders read and the credit report.
    case record(OverdueRecordDates)
    /// No date can be given: it depends on what Backstop cannot see or forecast (the score, an operator's review).
    case undated
}

/// What a date in an answer rests on (wire values `published`, `estimate`, `none`).
public enum DateKind: String, WireEnum, Hashable {
    /// A published rule gives it (5 years on the credit report after settlement, 20 days for a dispute, 60 days for
    /// a new ID card): the step names the rule and its source.
    case published
    /// Backstop's illustrative rules or assumptions give it (the 12- and 24-month windows lenders read, a service's
    /// thresholds): worded as an estimate.
    case estimate
    /// No date, or only the plan's own date (do it now).
    case none
}

extension StepHorizon {
    /// The kind of date a horizon carries unless the step says otherwise: none for no date, today's or an open-ended
    /// one; an estimate for a range of days or an end date (Backstop's assumptions); published for a late
    /// instalment's report date.
    public var defaultDateKind: DateKind {
        switch self {
        case .none, .now, .undated, .ongoing(_, nil): .none
        case .days, .ongoing(_, _?): .estimate
        case .record: .published
        }
    }
}

/// The dates of one late instalment: when it leaves the 12- and 24-month windows lenders read, and when it leaves the
/// PBoC credit report (5 years after it was settled, Regulation on the Administration of the Credit Reporting
/// Industry art. 16).
public struct OverdueRecordDates: Hashable, Sendable {
    public var month: YearMonth
    public var daysPastDue: Int
    public var settled: CalendarDate?
    public var leaves12MonthWindow: CalendarDate
    public var leaves24MonthWindow: CalendarDate
    /// Nil while it is unpaid: it leaves the report 5 years after it is settled.
    public var leavesCreditReport: CalendarDate?
    /// For an unpaid one, the day it would leave the report if settled on the plan's date.
    public var leavesCreditReportIfSettledOnPlanDate: CalendarDate?

    public init(_ event: OverdueEvent, planDate: CalendarDate) {
        month = event.month
        daysPastDue = event.daysPastDue
        settled = event.settled
        leaves12MonthWindow = event.leavesWindow(months: 12, ifSettledOn: planDate)
        leaves24MonthWindow = event.leavesWindow(months: 24, ifSettledOn: planDate)
        leavesCreditReport = event.leavesCreditReport
        leavesCreditReportIfSettledOnPlanDate =
            event.settled == nil ? planDate.adding(months: Countermeasure.creditReportMonths) : nil
    }

    /// The step stating these dates; a window date already past on `date` is left out (the record is outside it).
    public func fact(on date: CalendarDate) -> Fact {
        var params: [String: FactValue] = ["month": .month(month), "days": .int(daysPastDue)]
        if leaves12MonthWindow > date { params["leaves12m"] = .date(leaves12MonthWindow) }
        if leaves24MonthWindow > date { params["leaves24m"] = .date(leaves24MonthWindow) }
        if let settled { params["settled"] = .date(settled) }
        if let leavesCreditReport { params["leavesReport"] = .date(leavesCreditReport) }
        if let leavesCreditReportIfSettledOnPlanDate {
            params["ifSettledOn"] = .date(date)
            params["leavesReportIfSettled"] = .date(leavesCreditReportIfSettledOnPlanDate)
        }
        return Fact(.stepOverdueRecordDates, params)
    }
}

/// When a closed service or a refused provider may reopen if the plan is followed: the earliest date on Backstop's
/// illustrative rules, or why no date can be given (counts without dates, the score, an operator's own review).
public struct ReopeningForecast: Hashable, Sendable {
    public var subject: Reopening
    /// The earliest date it may reopen; nil when it is not predictable from the profile.
    public var earliest: CalendarDate?
    /// When not predictable only because counts have no dates: the date by which it reopens at the latest.
    public var latest: CalendarDate?
    /// What the date waits for (`after-…`), or why there is none (`depends-on-…`, or the rule still failing).
    public var because: [Fact]
    /// What the date rests on: Backstop's `estimate` for a primary service (its thresholds are illustrative) and for
    /// a provider with a criterion that is not published; `published` when every criterion it waits on is.
    public var dateKind: DateKind

    public init(
        subject: Reopening,
        earliest: CalendarDate?,
        latest: CalendarDate? = nil,
        because: [Fact],
        dateKind: DateKind = .estimate
    ) {
        self.subject = subject
        self.earliest = earliest
        self.latest = latest
        self.because = because
        self.dateKind = dateKind
    }

    public var isPredictable: Bool { earliest != nil }

    /// The forecast in one fact: `reopen-from` with the date, or `reopen-not-predictable` (with the latest date
    /// when there is one).
    /// `basis` says what a date rests on (`estimate` or `published`), so the sentence can say it.
    public var headline: Fact {
        let basis: [String: FactValue] = ["basis": .text(dateKind.rawValue)]
        if let earliest {
            return Fact(
                .reopenFrom,
                basis.merging(["subject": subject.factValue, "date": .date(earliest)]) { a, _ in a }
            )
        }
        var params: [String: FactValue] = ["subject": subject.factValue]
        if let latest {
            params["latest"] = .date(latest)
            params.merge(basis) { a, _ in a }
        }
        return Fact(.reopenNotPredictable, params)
    }
}

extension Reopening {
    /// The service or the provider's name, as a fact parameter.
    public var factValue: FactValue {
        switch self {
        case .service(let service): .service(service)
        case .provider(_, let name): .name(name)
        }
    }
}

extension UserProfile {
    /// Whether money is overdue now: an amount overdue, or a dated instalment not yet settled.
    var owesMoneyNow: Bool {
        (repayment?.currentOverdueAmount?.minorUnits ?? 0) > 0 || (overdueEvents ?? []).contains { $0.settled == nil }
    }

    /// Whether the profile records any late payment: a dated instalment, or a count or worst days above zero.
    var hasLateRecord: Bool {
        let record = repayment
        return !(overdueEvents ?? []).isEmpty || (record?.overdueCount12m ?? 0) > 0
            || (record?.overdueCount24m ?? 0) > 0 || (record?.worstDaysPastDue ?? 0) > 0
    }
}

/// The public rules and notices a recovery step or a scam warning rests on, each the page cited in the answer
/// (docs/primary-services.md lists every source checked, with the ones behind it).
public enum AdviceSource: Sendable {
    /// Regulation on the Administration of the Credit Reporting Industry (征信业管理条例, 2013) art. 16: negative
    /// information is kept 5 years from the day the adverse behaviour ends, then deleted (as quoted).
    public static let creditReportRetention = "https://shdqb.com/jingyan/xwngvg.html"
    /// The same regulation, art. 25: a dispute (征信异议) with the reporting agency or the institution that reported
    /// the record is checked and answered within 20 days (as quoted).
    public static let creditDispute = "https://m.shoulawyer.com/zhishi/286830.htm"
    /// The PBoC Credit Reference Center (中国人民银行征信中心), where a person gets their own credit report free.
    public static let creditReferenceCenter = "https://www.pbccrc.org.cn"
    /// Resident Identity Card Law (居民身份证法) art. 12: a new card within 60 days of the application, and a
    /// temporary card (临时居民身份证) meanwhile (as quoted).
    public static let identityCardLaw = "https://m.110ask.com/zhishi/13677058010816447052.html"
    /// Commercial Banks' Credit Card Business Supervision Measures (商业银行信用卡业务监督管理办法) art. 70: a
    /// cardholder who cannot repay may agree a personalised instalment plan (个性化分期) with the bank (as quoted).
    public static let creditCardInstalments = "https://www.faniuwenda.com/Audio/Index/show/id/210957.html"
    /// Days a credit-reporting dispute is answered in (art. 25).
    public static let disputeDays = 20
    /// Days a new resident identity card is issued in (art. 12).
    public static let identityCardDays = 60
}

/// The scams that prey on people whose credit was cut, with the public warning each rests on (docs/primary-services.md
/// lists every source checked). ``fitting(_:_:notOpen:refused:)`` picks the ones that fit a person.
public enum ScamWarning: String, CaseIterable, Sendable {
    /// Paid "credit repair" (征信修复): nobody can delete accurate records for a fee.
    case creditRepair
    /// Calls to "cancel your campus loan account" (注销校园贷).
    case campusLoanCancellation
    /// Fees asked before a loan is paid out (贷前收费: deposit, "verification", insurance).
    case upfrontFees
    /// Fake customer service reaching out by phone, QQ or WeChat.
    case fakeCustomerService
    /// Paid "unblocking" or "limit raising" (解冻, 提额) of a closed service or a "frozen" loan.
    case paidUnblocking
    /// Paid agents promising to "stop interest and suspend the debt" (停息挂账) or to fight collection (反催收).
    case paidDebtAgents
    /// Fake police or prosecutors: "your identity was used for money laundering, move your money to a safe account".
    case fakePolice

    /// Up to this age a person is a recent graduate for the campus-loan warning (Backstop's choice).
    public static let recentGraduateAge = 25

    /// The warnings that fit a person, most pressing first: paid unblocking when a service is closed; paid debt
    /// agents and paid "credit repair" for someone with money overdue or late records; fake police for an identity
    /// that was flagged or impersonated; campus-loan calls for students and people up to
    /// ``recentGraduateAge``; upfront fees and fake customer service for everyone seeking credit. None when every
    /// service is open and no provider refused the profile.
    public static func fitting(
        _ profile: UserProfile,
        _ diagnosis: [ServiceDiagnosis],
        notOpen: Bool,
        refused: Bool
    ) -> [ScamWarning] {
        guard notOpen || refused else { return [] }
        let reasons = Set(diagnosis.flatMap { $0.reasons.map(\.code) })
        let owed = profile.owesMoneyNow
        let late = owed || reasons.contains(.lateRepayment) || profile.hasLateRecord
        var found: [ScamWarning] = []
        if notOpen { found.append(.paidUnblocking) }
        if owed { found.append(.paidDebtAgents) }
        if late || reasons.contains(.creditScoreDecline) { found.append(.creditRepair) }
        if let identity = profile.identity, identity == .mismatch || identity == .suspectedImpersonation {
            found.append(.fakePolice)
        }
        if profile.student == true || (profile.age.map { $0 <= recentGraduateAge } ?? false) {
            found.append(.campusLoanCancellation)
        }
        found += [.upfrontFees, .fakeCustomerService]
        return found
    }

    public var code: FactCode {
        switch self {
        case .creditRepair: .scamCreditRepair
        case .campusLoanCancellation: .scamCampusLoanCancellation
        case .upfrontFees: .scamUpfrontFees
        case .fakeCustomerService: .scamFakeCustomerService
        case .paidUnblocking: .scamPaidUnblocking
        case .paidDebtAgents: .scamPaidDebtAgents
        case .fakePolice: .scamFakePolice
        }
    }

    /// The public warning cited in the answer: a regulator's, the police's or Ant Group's, or a report of one.
    public var sourceURL: String {
        switch self {
        case .creditRepair:
            // Beijing News via Sina, 2022-08-17: the PBoC's 2022 campaign against "credit repair"; credit records
            // cannot be repaired for money.
            "https://finance.sina.com.cn/tech/roll/2022-08-17/doc-imizirav8559352.shtml"
        case .campusLoanCancellation:
            // Yangcheng Evening News quoting the Guangzhou anti-fraud centre (2019-10-08): "loan customer service" asking
            // to "cancel the loan account from your student days" is fraud.
            "https://ycpai.ycwb.com/ycppad/content/2019-10/08/content_517571.html"
        case .upfrontFees:
            // Changzhou Public Security Bureau (2023-03-10): whoever asks you to advance a deposit or a fee is a fraudster.
            "https://gaj.changzhou.gov.cn/html/czgaj/2023/QBJAPCKM_0310/86682.html"
        case .fakeCustomerService:
            // Yunnan anti-fraud column (2022): fake platform customer service that asks to be added on QQ and steers
            // transfers.
            "https://www.yncaw.gov.cn/html/2022/kaizhanquanminfanzha_1122/99171.html"
        case .paidUnblocking:
            // Zhengzhou police's anti-fraud centre via Zhongyuan Net (2024-01-13): offers of "Huabei cash-out" and
            // "Jiebei limit raising" are scams (Ant Group's own notice, with 95188, is only reprinted over http:
            // docs/primary-services.md).
            "https://news.zynews.cn/zz/2024/01/13/112597.html"
        case .paidDebtAgents:
            // Guangzhou Daily (2024-05-13) on the NFRA's risk warning about paid "agent rights protection" (代理维权):
            // "debt reduction" agents who take fees and personal data.
            "https://gzdaily.dayoo.com/pc/html/2024-05/13/content_875_857913.htm"
        case .fakePolice:
            // Shanghai Jiading district government: the police never show a badge over WeChat or ask for transfers to
            // a "safe account" in a "money laundering" case.
            "https://www.jiading.gov.cn/xinwen/jddt1/msxw/content_618221"
        }
    }

    public var fact: Fact { Fact(code, ["source": .text(sourceURL)]) }
}

/// The profile on a later date if the recovery plan is followed from `start`: what is overdue is repaid on `start`,
/// no new late payment or cash-out flag appears, a self-fixable identity is verified (an unverified one on `start`, an
/// expired document once a new card can be out, ``AdviceSource/identityCardDays``), and the credit score does not move (Backstop does not forecast it). Dated late
/// instalments leave the windows on their own dates; counts without dates are kept until the window has surely
/// passed (`conservative`) or dropped at once (`optimistic`): when the two disagree, no date can be predicted.
struct RecoveryProjection: Sendable {
    enum Scenario: Sendable { case conservative, optimistic }

    /// A date the projected profile changes on, and what happens then.
    struct Milestone: Sendable {
        var date: CalendarDate
        var causes: [Fact]
    }

    let base: UserProfile
    let start: CalendarDate
    /// When a self-fixable identity counts as verified.
    let identityBy: CalendarDate?
    /// The dates counts without dates leave their windows by: 12-month counts and cash-out flags, 24-month counts.
    let undated12: CalendarDate
    let undated24: CalendarDate
    let flagsBy: CalendarDate
    /// A worst-days figure above every dated instalment's (so partly undated).
    let extraWorst: Int?
    let milestones: [Milestone]
    /// Facts of the counts without dates (`depends-on-undated-counts`), one per window.
    let undatedFacts: [Fact]

    init(_ profile: UserProfile, on start: CalendarDate) {
        var base = profile
        base.services = nil
        self.base = base
        self.start = start
        let month = YearMonth(start).firstDay
        undated12 = month.adding(months: 12)
        undated24 = month.adding(months: 24)
        flagsBy = start.adding(months: 12)
        // An expired document counts as verified once a new card can be out (within 60 days, a published rule; Alipay's
        // own check has no published time); an unverified one, verified today.
        switch profile.identity {
        case .expiredDocument?: identityBy = start.adding(days: AdviceSource.identityCardDays)
        case .unverified?: identityBy = start
        default: identityBy = nil
        }
        let events = profile.overdueEvents
        let record = profile.repayment
        if let events, let worst = record?.worstDaysPastDue {
            let dated = events.filter { $0.within(lastMonths: 24, of: start) }.map(\.daysPastDue).max() ?? 0
            extraWorst = worst > dated ? worst : nil
        } else {
            extraWorst = nil
        }

        var found: [(CalendarDate, Fact?)] = []
        found.append((start, profile.owesMoneyNow ? Fact(.afterOverdueRepaid, ["date": .date(start)]) : nil))
        if let identityBy { found.append((identityBy, Fact(.afterIdentityReverified, ["by": .date(identityBy)]))) }
        for event in events ?? [] {
            for months in [12, 24] where event.leavesWindow(months: months, ifSettledOn: start) > start {
                let date = event.leavesWindow(months: months, ifSettledOn: start)
                found.append(
                    (
                        date,
                        Fact(
                            .afterRecordLeavesWindow,
                            ["month": .month(event.month), "months": .int(months), "date": .date(date)]
                        )
                    )
                )
            }
        }
        var facts: [Fact] = []
        var fields12: [ProfileField] = []
        var fields24: [ProfileField] = []
        if events == nil, let record {
            if (record.overdueCount12m ?? 0) > 0 { fields12.append(.overdueCount12m) }
            if (record.overdueCount24m ?? 0) > 0 { fields24.append(.overdueCount24m) }
            if (record.worstDaysPastDue ?? 0) > 0 { fields24.append(.worstDaysPastDue) }
        } else if extraWorst != nil {
            fields24.append(.worstDaysPastDue)
        }
        if !fields12.isEmpty {
            let fact = Self.undated(fields12, months: 12, by: undated12)
            facts.append(fact)
            found.append((undated12, fact))
        }
        if (profile.cashOutFlags12m ?? 0) > 0 {
            let fact = Self.undated([.cashOutFlags12m], months: 12, by: flagsBy)
            facts.append(fact)
            found.append((flagsBy, fact))
        }
        if !fields24.isEmpty {
            let fact = Self.undated(fields24, months: 24, by: undated24)
            facts.append(fact)
            found.append((undated24, fact))
        }
        undatedFacts = facts
        var byDate: [CalendarDate: [Fact]] = [:]
        for (date, fact) in found { byDate[date, default: []] += fact.map { [$0] } ?? [] }
        milestones = byDate.keys.sorted().map { Milestone(date: $0, causes: byDate[$0] ?? []) }
    }

    static func undated(_ fields: [ProfileField], months: Int, by date: CalendarDate) -> Fact {
        Fact(
            .dependsOnUndatedCounts,
            ["fields": .list(fields.map(FactValue.field)), "months": .int(months), "by": .date(date)]
        )
    }

    /// Whether some count has no dates, so that the conservative and optimistic projections differ.
    var hasUndated: Bool { !undatedFacts.isEmpty }

    /// The profile fields the projection changes over time.
    var changing: Set<ProfileField> {
        var fields: Set<ProfileField> = []
        if base.repayment != nil || base.overdueEvents != nil {
            fields.formUnion([.overdueCount12m, .overdueCount24m, .worstDaysPastDue, .currentOverdueAmount])
        }
        if (base.cashOutFlags12m ?? 0) > 0 { fields.insert(.cashOutFlags12m) }
        if identityBy != nil { fields.insert(.identity) }
        return fields
    }

    /// The profile on `date` (on or after `start`).
    func profile(on date: CalendarDate, _ scenario: Scenario) -> UserProfile {
        var profile = base
        let held = scenario == .conservative
        // What is unpaid is settled on the start date (the plan's first step): from then on the report stops
        // marking it, and its windows run from that month.
        if let events = profile.overdueEvents {
            profile.overdueEvents = events.map { event in
                var settled = event
                if settled.settled == nil { settled.settled = start }
                return settled
            }
        }
        if var record = profile.repayment {
            if let owed = record.currentOverdueAmount, owed.minorUnits > 0 {
                record.currentOverdueAmount = .zero(owed.currency)
            }
            if let events = profile.overdueEvents {
                record.overdueCount12m = events.filter { $0.within(lastMonths: 12, of: date) }.count
                record.overdueCount24m = events.filter { $0.within(lastMonths: 24, of: date) }.count
                let dated = events.filter { $0.within(lastMonths: 24, of: date) }.map(\.daysPastDue).max() ?? 0
                let kept = held && date < undated24 ? extraWorst ?? 0 : 0
                record.worstDaysPastDue = max(dated, kept)
            } else {
                if !(held && date < undated12), (record.overdueCount12m ?? 0) > 0 { record.overdueCount12m = 0 }
                if !(held && date < undated24) {
                    if (record.overdueCount24m ?? 0) > 0 { record.overdueCount24m = 0 }
                    if (record.worstDaysPastDue ?? 0) > 0 { record.worstDaysPastDue = 0 }
                }
            }
            profile.repayment = record
        }
        if let flags = profile.cashOutFlags12m, flags > 0, !(held && date < flagsBy) { profile.cashOutFlags12m = 0 }
        if let identityBy, date >= identityBy { profile.identity = .verified }
        return profile
    }

    /// What every forecast assumes.
    var assumptions: [Fact] {
        var facts: [Fact] = []
        if base.owesMoneyNow { facts.append(Fact(.assumeNothingOverdue, ["date": .date(start)])) }
        if base.hasLateRecord { facts.append(Fact(.assumeNoLatePayments, ["from": .date(start)])) }
        if (base.cashOutFlags12m ?? 0) > 0 { facts.append(Fact(.assumeNoCashOut, ["from": .date(start)])) }
        if let identityBy {
            var params: [String: FactValue] = ["by": .date(identityBy)]
            if let was = base.identity { params["was"] = .identity(was) }
            facts.append(Fact(.assumeIdentityVerified, params))
        }
        facts.append(Fact(.assumeScore, ["score": .int(base.creditScore)]))
        facts.append(Fact(.assumeOperatorsDecide))
        return facts
    }

    /// For each subject, the index of the first date it passes on (nil: on none), scanned in date order side by side:
    /// each step asks `passes` about every subject that has not passed yet. A scan, not a bisection: a rule that starts
    /// on a later date (a legal cap, a provider's status) can make a subject fail after it passed. The timeline is
    /// short whatever the profile: window exits fall on the first of a month within 24 months of the plan's date.
    static func firstPassing(
        subjects: Int,
        dates: Int,
        _ passes: ([(subject: Int, date: Int)]) async -> [Bool]
    ) async -> [Int?] {
        var found = [Int?](repeating: nil, count: subjects)
        for date in 0..<dates {
            let open = (0..<subjects).filter { found[$0] == nil }
            if open.isEmpty { break }
            let answers = await passes(open.map { (subject: $0, date: date) })
            for (subject, passed) in zip(open, answers) where passed { found[subject] = date }
        }
        return found
    }

    /// The same scan with a synchronous test.
    static func firstPassing(subjects: Int, dates: Int, _ passes: ((subject: Int, date: Int)) -> Bool) -> [Int?] {
        (0..<subjects).map { subject in (0..<dates).first { passes((subject, $0)) } }
    }
}
