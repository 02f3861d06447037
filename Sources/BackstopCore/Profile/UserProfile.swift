import Foundation

/// The state of a credit service as observed (wire values `open`, `restricted`, `closed`, `unknown`).
public enum ServiceState: String, Sendable, Codable, CaseIterable, Hashable {
    case open
    /// Usable with a lower limit or fewer features.
    case restricted
    case closed
    case unknown
}

/// What the identity check says (wire values as below).
public enum IdentityStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case verified
    case unverified
    case expiredDocument = "expired-document"
    case mismatch
    case suspectedImpersonation = "suspected-impersonation"

    /// Whether this status is abnormal (any status but `verified` and `unverified`).
    public var isAbnormal: Bool { self == .expiredDocument || self == .mismatch || self == .suspectedImpersonation }
}

/// A platform account a user holds (wire values: `alipay`, `wechat`, `jd`, `meituan`, `douyin`, `baidu`, `bank`).
public struct PlatformAccount: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The accounts the wire format knows.
    public static let known: [PlatformAccount] = ["alipay", "wechat", "jd", "meituan", "douyin", "baidu", "bank"]
}

/// The user's repayment record. Every field may be unknown (absent).
public struct RepaymentRecord: Hashable, Sendable, Codable {
    public var overdueCount12m: Int?
    public var overdueCount24m: Int?
    public var worstDaysPastDue: Int?
    public var currentOverdueAmount: Money?

    public init(
        overdueCount12m: Int? = nil,
        overdueCount24m: Int? = nil,
        worstDaysPastDue: Int? = nil,
        currentOverdueAmount: Money? = nil
    ) {
        self.overdueCount12m = overdueCount12m
        self.overdueCount24m = overdueCount24m
        self.worstDaysPastDue = worstDaysPastDue
        self.currentOverdueAmount = currentOverdueAmount
    }
}

/// The observed states of the primary services.
public struct ServiceStates: Hashable, Sendable, Codable {
    public var huabei: ServiceState?
    public var jiebei: ServiceState?

    public init(huabei: ServiceState? = nil, jiebei: ServiceState? = nil) {
        self.huabei = huabei
        self.jiebei = jiebei
    }
}

/// Everything Backstop knows about a user (wire format v1 "Profile"). Only `id` and `creditScore` are required;
/// a missing signal is unknown, never silently good.
public struct UserProfile: Hashable, Sendable, Codable {
    public var id: String
    public var age: Int?
    /// Sesame-style score, 350–950.
    public var creditScore: Int
    public var creditScore90DaysAgo: Int?
    public var repayment: RepaymentRecord?
    public var cashOutFlags12m: Int?
    public var identity: IdentityStatus?
    public var monthlyIncome: Money?
    public var monthlyDebtPayments: Money?
    public var accounts: [PlatformAccount]?
    public var services: ServiceStates?

    public init(
        id: String,
        age: Int? = nil,
        creditScore: Int,
        creditScore90DaysAgo: Int? = nil,
        repayment: RepaymentRecord? = nil,
        cashOutFlags12m: Int? = nil,
        identity: IdentityStatus? = nil,
        monthlyIncome: Money? = nil,
        monthlyDebtPayments: Money? = nil,
        accounts: [PlatformAccount]? = nil,
        services: ServiceStates? = nil
    ) {
        self.id = id
        self.age = age
        self.creditScore = creditScore
        self.creditScore90DaysAgo = creditScore90DaysAgo
        self.repayment = repayment
        self.cashOutFlags12m = cashOutFlags12m
        self.identity = identity
        self.monthlyIncome = monthlyIncome
        self.monthlyDebtPayments = monthlyDebtPayments
        self.accounts = accounts
        self.services = services
    }

    enum CodingKeys: String, CodingKey {
        case id, age, creditScore, creditScore90DaysAgo, repayment, cashOutFlags12m, identity, monthlyIncome,
            monthlyDebtPayments, accounts, services
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        guard !id.isEmpty, id.count <= 128 else { throw Self.invalid(.id, c, "must be 1 to 128 characters") }
        age = try c.decodeIfPresent(Int.self, forKey: .age)
        if let age, !(14...120).contains(age) { throw Self.invalid(.age, c, "must be from 14 to 120, got \(age)") }
        creditScore = try c.decode(Int.self, forKey: .creditScore)
        guard (350...950).contains(creditScore) else {
            throw Self.invalid(.creditScore, c, "must be from 350 to 950, got \(creditScore)")
        }
        creditScore90DaysAgo = try c.decodeIfPresent(Int.self, forKey: .creditScore90DaysAgo)
        if let old = creditScore90DaysAgo, !(350...950).contains(old) {
            throw Self.invalid(.creditScore90DaysAgo, c, "must be from 350 to 950, got \(old)")
        }
        repayment = try c.decodeIfPresent(RepaymentRecord.self, forKey: .repayment)
        cashOutFlags12m = try c.decodeIfPresent(Int.self, forKey: .cashOutFlags12m)
        if let flags = cashOutFlags12m, !(0...10_000).contains(flags) {
            throw Self.invalid(.cashOutFlags12m, c, "must be from 0 to 10000, got \(flags)")
        }
        identity = try c.decodeIfPresent(IdentityStatus.self, forKey: .identity)
        monthlyIncome = try c.decodeIfPresent(Money.self, forKey: .monthlyIncome)
        if let income = monthlyIncome, income.minorUnits < 0 || income.minorUnits > 100_000_000_000 {
            throw Self.invalid(.monthlyIncome, c, "must be from 0 to 1000000000 yuan, got \(income.plainString)")
        }
        monthlyDebtPayments = try c.decodeIfPresent(Money.self, forKey: .monthlyDebtPayments)
        if let debt = monthlyDebtPayments, debt.minorUnits < 0 || debt.minorUnits > 100_000_000_000 {
            throw Self.invalid(.monthlyDebtPayments, c, "must be from 0 to 1000000000 yuan, got \(debt.plainString)")
        }
        accounts = try c.decodeIfPresent([PlatformAccount].self, forKey: .accounts)
        if let accounts {
            for (index, account) in accounts.enumerated() where !PlatformAccount.known.contains(account) {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: c.codingPath + [CodingKeys.accounts, IndexKey(index)],
                        debugDescription:
                            "must be one of \(PlatformAccount.known.map(\.rawValue).joined(separator: ", ")), got \"\(account)\""
                    )
                )
            }
        }
        services = try c.decodeIfPresent(ServiceStates.self, forKey: .services)
    }

    static func invalid(_ key: CodingKeys, _ c: KeyedDecodingContainer<CodingKeys>, _ message: String) -> DecodingError
    {
        DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message)
    }
}

extension RepaymentRecord {
    enum CodingKeys: String, CodingKey {
        case overdueCount12m, overdueCount24m, worstDaysPastDue, currentOverdueAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys, _ limit: Int) throws -> Int? {
            guard let value = try c.decodeIfPresent(Int.self, forKey: key) else { return nil }
            guard (0...limit).contains(value) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: c,
                    debugDescription: "must be from 0 to \(limit), got \(value)"
                )
            }
            return value
        }
        overdueCount12m = try count(.overdueCount12m, 1000)
        overdueCount24m = try count(.overdueCount24m, 1000)
        worstDaysPastDue = try count(.worstDaysPastDue, 100_000)
        currentOverdueAmount = try c.decodeIfPresent(Money.self, forKey: .currentOverdueAmount)
        if let amount = currentOverdueAmount, amount.minorUnits < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .currentOverdueAmount,
                in: c,
                debugDescription: "must not be negative, got \(amount.plainString)"
            )
        }
        if let twelve = overdueCount12m, let twentyFour = overdueCount24m, twentyFour < twelve {
            throw DecodingError.dataCorruptedError(
                forKey: .overdueCount24m,
                in: c,
                debugDescription:
                    "must be at least overdueCount12m (\(twelve)): 24 months include the last 12, got \(twentyFour)"
            )
        }
    }
}

/// A coding key for an array index in error paths.
struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "\(index)"
    }
    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { nil }
}

/// What the request is for (wire values `cash`, `purchase`).
public enum LoanPurpose: String, Sendable, Codable, CaseIterable, Hashable {
    case cash
    case purchase
}

/// How alternatives are ranked (wire values `apr`, `cost`, `payment`, `likelihood`).
public enum RankingPreference: String, Sendable, Codable, CaseIterable, Hashable {
    case apr
    case cost
    case payment
    case likelihood
}

/// What the user wants to borrow (wire format v1 "Request").
public struct LoanRequest: Hashable, Sendable, Codable {
    public var amount: Money
    public var termMonths: Int
    public var purpose: LoanPurpose
    public var maxMonthlyPayment: Money?
    public var rankBy: RankingPreference

    public init(
        amount: Money,
        termMonths: Int,
        purpose: LoanPurpose = .cash,
        maxMonthlyPayment: Money? = nil,
        rankBy: RankingPreference = .apr
    ) {
        self.amount = amount
        self.termMonths = termMonths
        self.purpose = purpose
        self.maxMonthlyPayment = maxMonthlyPayment
        self.rankBy = rankBy
    }

    enum CodingKeys: String, CodingKey { case amount, termMonths, purpose, maxMonthlyPayment, rankBy }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        amount = try c.decode(Money.self, forKey: .amount)
        guard amount.minorUnits > 0, amount.minorUnits <= 100_000_000_000 else {
            throw DecodingError.dataCorruptedError(
                forKey: .amount,
                in: c,
                debugDescription: "must be from 0.01 to 1000000000 yuan, got \(amount.plainString)"
            )
        }
        termMonths = try c.decode(Int.self, forKey: .termMonths)
        guard (1...CostEngine.maximumTermMonths).contains(termMonths) else {
            throw DecodingError.dataCorruptedError(
                forKey: .termMonths,
                in: c,
                debugDescription: "must be from 1 to \(CostEngine.maximumTermMonths) months, got \(termMonths)"
            )
        }
        purpose = try c.decodeIfPresent(LoanPurpose.self, forKey: .purpose) ?? .cash
        maxMonthlyPayment = try c.decodeIfPresent(Money.self, forKey: .maxMonthlyPayment)
        if let ceiling = maxMonthlyPayment, ceiling.minorUnits <= 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .maxMonthlyPayment,
                in: c,
                debugDescription: "must be positive, got \(ceiling.plainString)"
            )
        }
        rankBy = try c.decodeIfPresent(RankingPreference.self, forKey: .rankBy) ?? .apr
    }
}
