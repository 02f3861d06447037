public import Foundation

/// What a fee is for (provider XML v2 `fee/@kind`).
public enum FeeKind: String, WireEnum, Hashable {
    /// 担保费: to a guarantee company (or the lender) for guaranteeing the loan.
    case guarantee
    /// 保险费: a credit or loan-performance insurance premium.
    case insurance
    /// 服务费: a platform, referral or "technical service" fee.
    case service
    /// 会员费 / 权益费: a membership or "rights" bundle.
    case membership
    /// Any other one-off fee at disbursement (手续费).
    case upfront
    /// 分期手续费: an instalment fee.
    case installment
    /// 违约金 / 逾期费: charged when an instalment is late.
    case late
    /// 提前还款违约金: charged when the loan is repaid early.
    case earlyRepayment = "early-repayment"
    /// Anything else, named by the provider's own label.
    case other

    /// Whether the kind is charged by the schedule (not by a late or early-repayment event).
    public var isRegular: Bool { self != .late && self != .earlyRepayment }
}

/// What a percentage fee is a percentage of (provider XML v2 `fee/@basis`).
public enum FeeBasis: String, WireEnum, Hashable {
    /// The amount borrowed, whatever has been repaid.
    case originalPrincipal = "original-principal"
    /// The principal still owed at the start of each period.
    case outstandingBalance = "outstanding-balance"
    /// The principal of a late instalment.
    case overduePrincipal = "overdue-principal"
    /// Everything due and unpaid of a late instalment.
    case overdueAmount = "overdue-amount"
    /// The principal repaid early.
    case prepaidPrincipal = "prepaid-principal"
    /// No base: the fee is an amount.
    case fixed
}

/// How often a fee is charged (provider XML v2 `fee/@per`).
public enum FeeFrequency: String, WireEnum, Hashable {
    /// At disbursement (a regular fee), or once per event (late, early repayment).
    case once
    /// With every monthly instalment; a bullet loan pays its term's months at maturity.
    case month
    /// With every instalment row, whatever its length.
    case period
    /// Per actual day of each period (a regular fee) or of the delay (a late fee).
    case day
    /// An annual percentage charged one twelfth with every monthly instalment.
    case year
    /// For the whole term, spread evenly over the instalments (the last absorbs the rounding).
    case term
}

/// Who receives a fee (provider XML v2 `fee/@receiver`).
public enum FeeReceiver: String, WireEnum, Hashable {
    case lender
    case guarantor
    case insurer
    case platform
    case other
}

/// Whether a figure is known (provider XML v2 `status`).
public enum FigureStatus: String, WireEnum, Hashable {
    /// The figure is given, from a public source.
    case published
    /// The cost exists or may exist, but its figure is not published.
    case unknown
    /// A source states there is no such cost.
    case none
}

/// `true`, `false` or `unknown` (not published).
public enum TriState: String, WireEnum, Hashable {
    case `true`
    case `false`
    case unknown

    /// Only a published `true` counts as true (an unknown is assumed to be the worse answer).
    public var isTrue: Bool { self == .true }
}

/// The figure of a fee: a percentage of its basis, or an amount.
public enum FeeFigure: Hashable, Sendable {
    /// A percentage of the basis (1.2 for 1.2%), per the fee's frequency.
    case percent(Decimal)
    /// A fixed amount, per the fee's frequency.
    case amount(Money)
}

/// A fee's figure as a catalog publishes it: a single value, a range picked by the risk position, or an amount.
public enum FeeFigureQuote: Hashable, Sendable {
    case percent(min: Decimal, max: Decimal)
    case amount(Money)

    /// The figure at a risk position (0 best, 1 riskiest), the percentage rounded half-up to 4 decimals.
    public func figure(atRisk position: Decimal) -> FeeFigure {
        switch self {
        case .amount(let money): return .amount(money)
        case .percent(let low, let high):
            let clamped = Swift.max(0, Swift.min(1, position))
            return .percent((low + (high - low) * clamped).roundedHalfUp(scale: 4))
        }
    }

    /// Whether the figure depends on the risk position.
    public var isRange: Bool {
        if case .percent(let low, let high) = self { return low != high }
        return false
    }
}

/// One cost other than interest, as a provider publishes it (a catalog rule: its percentage may be a range).
public struct FeeRule: Hashable, Sendable {
    public var kind: FeeKind
    public var basis: FeeBasis
    public var per: FeeFrequency
    /// The figure; nil when the status is `unknown` or `none`.
    public var figure: FeeFigureQuote?
    /// Smallest and largest charge of a percentage fee, each time it is charged.
    public var minCharge: Money?
    public var maxCharge: Money?
    public var receiver: FeeReceiver?
    /// Counted in the total cost and the APR (true), or shown only (false).
    public var mandatory: Bool
    /// An optional fee the channel is known to push.
    public var pushed: Bool
    public var status: FigureStatus
    /// The provider's own name for the fee.
    public var label: String?
    /// The id of the source backing the figure.
    public var source: String?

    public init(
        kind: FeeKind,
        basis: FeeBasis,
        per: FeeFrequency,
        figure: FeeFigureQuote?,
        minCharge: Money? = nil,
        maxCharge: Money? = nil,
        receiver: FeeReceiver? = nil,
        mandatory: Bool = true,
        pushed: Bool = false,
        status: FigureStatus = .published,
        label: String? = nil,
        source: String? = nil
    ) {
        self.kind = kind
        self.basis = basis
        self.per = per
        self.figure = figure
        self.minCharge = minCharge
        self.maxCharge = maxCharge
        self.receiver = receiver
        self.mandatory = mandatory
        self.pushed = pushed
        self.status = status
        self.label = label
        self.source = source
    }

    /// The concrete fee at a risk position.
    public func fee(atRisk position: Decimal) -> Fee {
        Fee(
            kind: kind,
            basis: basis,
            per: per,
            figure: figure?.figure(atRisk: position),
            minCharge: minCharge,
            maxCharge: maxCharge,
            receiver: receiver,
            mandatory: mandatory,
            pushed: pushed,
            status: status,
            label: label
        )
    }
}

/// One cost other than interest, priced: the figure is a single value (or unknown).
public struct Fee: Hashable, Sendable {
    public var kind: FeeKind
    public var basis: FeeBasis
    public var per: FeeFrequency
    /// The figure; nil when the status is `unknown` (the cost cannot be computed) or `none`.
    public var figure: FeeFigure?
    public var minCharge: Money?
    public var maxCharge: Money?
    public var receiver: FeeReceiver?
    public var mandatory: Bool
    public var pushed: Bool
    public var status: FigureStatus
    public var label: String?

    public init(
        kind: FeeKind,
        basis: FeeBasis,
        per: FeeFrequency,
        figure: FeeFigure?,
        minCharge: Money? = nil,
        maxCharge: Money? = nil,
        receiver: FeeReceiver? = nil,
        mandatory: Bool = true,
        pushed: Bool = false,
        status: FigureStatus = .published,
        label: String? = nil
    ) {
        self.kind = kind
        self.basis = basis
        self.per = per
        self.figure = figure
        self.minCharge = minCharge
        self.maxCharge = maxCharge
        self.receiver = receiver
        self.mandatory = mandatory
        self.pushed = pushed
        self.status = status
        self.label = label
    }

    /// A mandatory fee whose figure is not published: the offer's cost is incomplete.
    public var isUnknownMandatory: Bool { mandatory && status == .unknown }

    /// Whether the fee adds to what is paid: a published figure (status `none` charges nothing).
    public var isCharged: Bool { status == .published && figure != nil }

    /// One charge on a base amount: the percentage of `base` (times `times`, e.g. days or a twelfth), or the amount,
    /// bounded by ``minCharge`` and ``maxCharge``, rounded half-up to the fen.
    public func charge(on base: Money, times factor: Decimal = 1) -> Money {
        switch figure {
        case .percent(let percent)?:
            var money = base.multiplied(by: percent / 100 * factor)
            if let low = minCharge, money < low { money = low }
            if let high = maxCharge, money > high { money = high }
            return money
        case .amount(let money)?: return money.multiplied(by: factor)
        case nil: return .zero(base.currency)
        }
    }
}

/// What one fee adds to one line of a schedule (a row, or the disbursement), or to a whole term.
public struct FeeCharge: Hashable, Sendable, Codable {
    public var kind: FeeKind
    public var receiver: FeeReceiver?
    public var amount: Money
    /// The provider's own name for the fee.
    public var label: String?

    public init(kind: FeeKind, receiver: FeeReceiver? = nil, amount: Money, label: String? = nil) {
        self.kind = kind
        self.receiver = receiver
        self.amount = amount
        self.label = label
    }

    enum CodingKeys: String, CodingKey {
        case kind, receiver, amount, label
    }
}

/// A fee the offer cannot price: its name, for the "cost incomplete" warning.
public struct UnpricedFee: Hashable, Sendable, Codable {
    public var kind: FeeKind
    public var receiver: FeeReceiver?
    public var label: String?

    public init(kind: FeeKind, receiver: FeeReceiver? = nil, label: String? = nil) {
        self.kind = kind
        self.receiver = receiver
        self.label = label
    }
}

/// An optional fee priced over the whole term: shown, never counted.
public struct OptionalFeeCharge: Hashable, Sendable, Codable {
    public var kind: FeeKind
    public var receiver: FeeReceiver?
    /// What it would add over the term; nil when its figure is not published.
    public var amount: Money?
    public var label: String?
    /// The channel is known to push it.
    public var pushed: Bool

    public init(kind: FeeKind, receiver: FeeReceiver?, amount: Money?, label: String?, pushed: Bool) {
        self.kind = kind
        self.receiver = receiver
        self.amount = amount
        self.label = label
        self.pushed = pushed
    }
}
