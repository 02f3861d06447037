public import BackstopCore
import Foundation

/// The wire form of an offer's stress costs (`stress`, an added field of wire format v1): one instalment paid 30
/// days late, everything repaid after month 3, and the worst case of those and the schedule.
public struct StressDocument: Codable, Sendable, Hashable {
    public struct Late: Codable, Sendable, Hashable {
        /// The instalment assumed late (the one whose delay costs most).
        public let installment: Int
        public let daysLate: Int
        /// Whether the provider's late terms are published at all.
        public let known: Bool
        /// Whether every part of them is.
        public let complete: Bool
        public let penaltyInterest: Money
        public let fees: Money
        /// What the delay adds to the schedule's total cost.
        public let extraCost: Money
        public let totalCost: Money
    }

    public struct Early: Codable, Sendable, Hashable {
        public let afterMonth: Int
        public let allowed: TriState
        /// Total cost of credit when everything is repaid after `afterMonth` (absent when not allowed then).
        public let totalCost: Money?
        /// `totalCost` minus the schedule's: negative when repaying early saves money.
        public let versusSchedule: Money?
        public let feesNotRefunded: Money
        public let interestNotRefunded: Money
        public let fees: Money
        public let complete: Bool
    }

    public let late: Late
    /// Absent when the term is 3 months or shorter.
    public let earlyRepayment: Early?
    public let worstCaseCost: Money
    public let complete: Bool
    /// Both scenarios in one sentence, in the document's language.
    public let message: String

    public init(_ stress: StressCosts, lateKnown: Bool, _ renderer: Renderer) {
        late = Late(
            installment: stress.late.installment,
            daysLate: stress.late.daysLate,
            known: lateKnown,
            complete: stress.late.complete,
            penaltyInterest: stress.late.penaltyInterest,
            fees: stress.late.fees,
            extraCost: stress.late.extraCost,
            totalCost: stress.late.totalCost
        )
        earlyRepayment = stress.early.map {
            Early(
                afterMonth: $0.afterMonth,
                allowed: $0.allowed,
                totalCost: $0.totalCost,
                versusSchedule: $0.versusSchedule,
                feesNotRefunded: $0.feesNotRefunded,
                interestNotRefunded: $0.interestNotRefunded,
                fees: $0.fees,
                complete: $0.complete
            )
        }
        worstCaseCost = stress.worstCaseCost
        complete = stress.complete
        message = renderer.stressLines(stress, lateKnown: lateKnown).joined(separator: renderer.t(" ", ""))
    }
}

/// One mandatory fee over the whole term, by kind and receiver (`fees`, an added field).
public struct FeeTotalDocument: Codable, Sendable, Hashable {
    public let kind: FeeKind
    public let receiver: FeeReceiver?
    public let label: String?
    public let amount: Money
    /// The kind's name in the document's language.
    public let name: String

    public init(_ charge: FeeCharge, _ renderer: Renderer) {
        kind = charge.kind
        receiver = charge.receiver
        label = charge.label
        amount = charge.amount
        name = charge.label ?? renderer.fee(charge.kind)
    }
}

/// An optional fee (shown, not counted) or a mandatory fee whose figure is not published.
public struct OtherFeeDocument: Codable, Sendable, Hashable {
    public let kind: FeeKind
    public let receiver: FeeReceiver?
    public let label: String?
    /// Over the whole term, when published.
    public let amount: Money?
    /// An optional fee the channel is known to push.
    public let pushed: Bool
    public let name: String

    public init(_ fee: OptionalFeeCharge, _ renderer: Renderer) {
        kind = fee.kind
        receiver = fee.receiver
        label = fee.label
        amount = fee.amount
        pushed = fee.pushed
        name = fee.label ?? renderer.fee(fee.kind)
    }

    public init(_ fee: UnpricedFee, _ renderer: Renderer) {
        kind = fee.kind
        receiver = fee.receiver
        label = fee.label
        amount = nil
        pushed = false
        name = fee.label ?? renderer.fee(fee.kind)
    }
}

extension Renderer {
    /// The stress costs as sentences: the late scenario, then the early one.
    public func stressLines(_ stress: StressCosts, lateKnown: Bool) -> [String] {
        var lines: [String] = []
        let late = stress.late
        if !lateKnown {
            lines.append(
                t(
                    "One instalment 30 days late: the late terms are not published (unknown).",
                    "一期逾期30天：逾期条款未公布（未知）。"
                )
            )
        } else {
            let partial = late.complete ? "" : t(" (part of the late terms is not published)", "（部分逾期条款未公布）")
            lines.append(
                t(
                    "One instalment 30 days late (instalment \(late.installment)) adds \(money(late.extraCost)): "
                        + "penalty interest \(money(late.penaltyInterest)), late fees \(money(late.fees))\(partial).",
                    "一期（第\(late.installment)期）逾期30天增加\(money(late.extraCost))：罚息\(money(late.penaltyInterest))，"
                        + "逾期费\(money(late.fees))\(partial)。"
                )
            )
        }
        if let early = stress.early {
            if early.allowed == .false {
                lines.append(
                    t(
                        "Repaying everything after month \(early.afterMonth): not allowed.",
                        "第\(early.afterMonth)期后提前还清：不允许。"
                    )
                )
            } else if let cost = early.totalCost, let delta = early.versusSchedule {
                let assumed =
                    early.complete
                    ? "" : t(" (refund rules not published: assumed not refunded)", "（退费规则未公布：按不退还计）")
                let change =
                    delta.minorUnits == 0
                    ? t("the same as the schedule", "与按期还款相同")
                    : delta.minorUnits < 0
                        ? t("\(money(-delta)) less than the schedule", "比按期还款少\(money(-delta))")
                        : t("\(money(delta)) more than the schedule", "比按期还款多\(money(delta))")
                var parts = [change]
                if early.feesNotRefunded.minorUnits > 0 {
                    parts.append(
                        t("fees not refunded \(money(early.feesNotRefunded))", "不退还的费用\(money(early.feesNotRefunded))")
                    )
                }
                if early.interestNotRefunded.minorUnits > 0 {
                    parts.append(
                        t(
                            "interest still charged \(money(early.interestNotRefunded))",
                            "仍收的利息\(money(early.interestNotRefunded))"
                        )
                    )
                }
                if early.fees.minorUnits > 0 {
                    parts.append(t("early-repayment fees \(money(early.fees))", "提前还款费\(money(early.fees))"))
                }
                lines.append(
                    t(
                        "Repaying everything after month \(early.afterMonth) costs \(money(cost)) in all "
                            + "(\(parts.joined(separator: "; ")))\(assumed).",
                        "第\(early.afterMonth)期后提前还清，总成本\(money(cost))（\(parts.joined(separator: "；"))）\(assumed)。"
                    )
                )
            }
        }
        return lines
    }
}
