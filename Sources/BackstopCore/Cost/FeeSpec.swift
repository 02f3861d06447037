import Foundation

/// Why a fee, a penalty rate or a yes/no written by a person was refused.
public struct FeeSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String

    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String { "\"\(text)\" \(problem)" }
}

/// Fees, penalty rates and refund rules as people write them on the command line and in `POST /v1/quote`
/// (docs/cli.md "backstop quote").
///
/// A fee is `FIGURE/PERIOD[:BASIS]`:
/// - FIGURE: a percentage (`1.2%`) or an amount in yuan (`50`);
/// - PERIOD: `month` (with every monthly instalment), `year` (an annual percentage, one twelfth a month), `term` (for
///   the whole term, spread over the instalments), `once` (at disbursement), `day` (per day of each period);
/// - BASIS (percentages only): `original-principal` (the default) or `outstanding-balance`.
///
/// `1.2%/month`, `1.5%/month:original-principal`, `0.3%/month:outstanding-balance`, `8%/year:outstanding-balance`,
/// `2%/once`, `29.9/month`.
public enum FeeSpec: Sendable {
    /// Parses a mandatory fee of `kind`.
    /// - Throws: ``FeeSpecError`` saying what is wrong.
    public static func fee(_ kind: FeeKind, _ text: String) throws(FeeSpecError) -> Fee {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let figureAndPeriod = parts[0].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard figureAndPeriod.count == 2 else {
            throw FeeSpecError(text: text, problem: "has no period: write it like 1.2%/month or 2%/once")
        }
        let figureText = figureAndPeriod[0].trimmingCharacters(in: .whitespaces)
        let periodText = figureAndPeriod[1].trimmingCharacters(in: .whitespaces).lowercased()
        let per: FeeFrequency
        switch periodText {
        case "month", "mo", "monthly", "月": per = .month
        case "year", "yr", "annual", "年": per = .year
        case "term", "total": per = .term
        case "once", "upfront": per = .once
        case "day", "daily", "日": per = .day
        default:
            throw FeeSpecError(
                text: text,
                problem: "has unknown period \"\(periodText)\"; expected month, year, term, once or day"
            )
        }
        let figure: FeeFigure
        if figureText.hasSuffix("%") {
            guard let value = Decimal.parseStrict(String(figureText.dropLast())), value >= 0, value <= 100 else {
                throw FeeSpecError(text: text, problem: "must be a percentage from 0% to 100%")
            }
            figure = .percent(value)
        } else {
            do {
                let money = try Money(parsing: figureText)
                guard money.minorUnits >= 0, money.minorUnits <= 10_000_000_000 else {
                    throw FeeSpecError(text: text, problem: "must be an amount from 0 to 100000000 yuan")
                }
                figure = .amount(money)
            } catch let error as FeeSpecError {
                throw error
            } catch {
                throw FeeSpecError(text: text, problem: "must start with a percentage (1.2%) or an amount in yuan (50)")
            }
        }
        var basis: FeeBasis
        if case .amount = figure { basis = .fixed } else { basis = .originalPrincipal }
        if parts.count == 2 {
            let basisText = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
            guard case .percent = figure else {
                throw FeeSpecError(text: text, problem: "is an amount: only a percentage has a basis")
            }
            switch basisText {
            case "original-principal", "principal": basis = .originalPrincipal
            case "outstanding-balance", "balance": basis = .outstandingBalance
            default:
                throw FeeSpecError(
                    text: text,
                    problem: "has unknown basis \"\(basisText)\"; expected original-principal or outstanding-balance"
                )
            }
        }
        if per == .term && basis == .outstandingBalance {
            throw FeeSpecError(text: text, problem: "is for the whole term: it cannot be on the outstanding balance")
        }
        if per == .day && basis == .fixed {
            throw FeeSpecError(text: text, problem: "is an amount per day, which is not supported")
        }
        return Fee(kind: kind, basis: basis, per: per, figure: figure, mandatory: true, status: .published)
    }

    /// Parses a penalty rate: `+50%` (the contract rate increased by 50%), or a rate such as `0.075%/day`,
    /// `2%/month` or `24%/year`.
    public static func penalty(_ text: String) throws(FeeSpecError) -> PenaltyRate {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("+") {
            guard trimmed.hasSuffix("%"), let value = Decimal.parseStrict(String(trimmed.dropFirst().dropLast())),
                value >= 0, value <= 1000
            else {
                throw FeeSpecError(text: text, problem: "must be a markup such as +50% (1.5 times the contract rate)")
            }
            return .markup(value)
        }
        do {
            switch try QuotedRate(parsing: trimmed) {
            case .perDay(let rate): return .absolute(.daily(rate, dayCount: .actual360))
            case .perMonth(let rate): return .absolute(.monthly(rate))
            case .perYear(let rate): return .absolute(.annual(rate))
            case .perTerm:
                throw FeeSpecError(text: text, problem: "must be per day, month or year, or a markup such as +50%")
            }
        } catch let error as FeeSpecError {
            throw error
        } catch {
            throw FeeSpecError(text: text, problem: "must be a rate such as 0.075%/day or a markup such as +50%")
        }
    }

    /// Parses an amount or a percentage of the prepaid principal (`1%`, `200`): an early-repayment fee.
    public static func earlyRepaymentFee(_ text: String) throws(FeeSpecError) -> FeeRule {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Decimal.parseStrict(String(trimmed.dropLast())), value >= 0, value <= 100 else {
                throw FeeSpecError(text: text, problem: "must be a percentage from 0% to 100% of the prepaid principal")
            }
            return FeeRule(
                kind: .earlyRepayment,
                basis: .prepaidPrincipal,
                per: .once,
                figure: .percent(min: value, max: value)
            )
        }
        guard let money = try? Money(parsing: trimmed), money.minorUnits >= 0 else {
            throw FeeSpecError(text: text, problem: "must be a percentage (1%) or an amount in yuan (200)")
        }
        return FeeRule(kind: .earlyRepayment, basis: .fixed, per: .once, figure: .amount(money))
    }

    /// Parses an amount charged once per late instalment (`20`).
    public static func lateFee(_ text: String) throws(FeeSpecError) -> FeeRule {
        guard let money = try? Money(parsing: text.trimmingCharacters(in: .whitespaces)), money.minorUnits >= 0 else {
            throw FeeSpecError(text: text, problem: "must be an amount in yuan charged once per late instalment")
        }
        return FeeRule(kind: .late, basis: .fixed, per: .once, figure: .amount(money))
    }
}
