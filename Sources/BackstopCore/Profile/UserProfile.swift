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

/// What the user owes one lender now: `{"lender": "icbc", "amount": 50000}` (a provider id such as
/// `wechat-weilidai`, or an institution id such as `icbc` that the providers' `customersOf` uses).
public struct OutstandingBalance: Hashable, Sendable, Codable {
    public var lender: String
    public var amount: Money

    public init(lender: String, amount: Money) {
        self.lender = lender
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey { case lender, amount }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lender = try c.decode(String.self, forKey: .lender)
        amount = try c.requiredAmount(.amount, in: Bounds.overdueAmount)
    }
}

extension UserProfile {
    /// What the user owes a provider now by the profile's `outstandingBalances`: the entries naming the provider's
    /// id or an institution whose customers it serves (nil when the profile does not say).
    public func outstanding(at details: ProviderDescription) -> Money? {
        guard let balances = outstandingBalances else { return nil }
        let names = Set([details.id.rawValue] + details.access.customersOf.map(\.rawValue))
        return balances.filter { names.contains($0.lender) }.reduce(Money.zero()) { $0 + $1.amount }
    }
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
    /// Whether the user is a university student (additive to v1; unknown when absent). Lender kinds barred from
    /// lending to students on a date (``LegalCapTable/bans``) are never recommended to one.
    public var student: Bool?
    /// The level a student is enrolled at, where known (implies `student`).
    public var enrolled: EnrolmentLevel?
    /// How the user earns a living.
    public var employment: Employment?
    /// Hard inquiries on the credit report (counts by window and/or dates).
    public var hardInquiries: HardInquiries?
    /// Late repayments, dated (beside the counts in ``repayment``; on a date they must agree with them).
    public var overdueEvents: [OverdueEvent]?
    /// Institutions the user is a customer of (`icbc`, `ccb`, `cmb`, …).
    public var customerOf: [InstitutionID]?
    /// Channels that have invited the user to apply (`wechat-weilidai` shown in WeChat Pay, …).
    public var invitedBy: [ProviderID]?
    /// What the user owes each lender now, by provider id or institution id (the rulebook's per-borrower limits
    /// add the new loan to it; unknown when absent, never zero).
    public var outstandingBalances: [OutstandingBalance]?
    /// Fields of the profile document Backstop does not know, as paths (`hardInquiries3m`, `repayment.late`):
    /// reported in every answer, never silently dropped. Not part of the wire profile.
    public var unrecognizedFields: [String]

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
        services: ServiceStates? = nil,
        student: Bool? = nil,
        enrolled: EnrolmentLevel? = nil,
        employment: Employment? = nil,
        hardInquiries: HardInquiries? = nil,
        overdueEvents: [OverdueEvent]? = nil,
        customerOf: [InstitutionID]? = nil,
        invitedBy: [ProviderID]? = nil,
        outstandingBalances: [OutstandingBalance]? = nil,
        unrecognizedFields: [String] = []
    ) {
        self.outstandingBalances = outstandingBalances
        self.enrolled = enrolled
        self.employment = employment
        self.hardInquiries = hardInquiries
        self.overdueEvents = overdueEvents
        self.customerOf = customerOf
        self.invitedBy = invitedBy
        self.unrecognizedFields = unrecognizedFields
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
        self.student = student
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, age, creditScore, creditScore90DaysAgo, repayment, cashOutFlags12m, identity, monthlyIncome,
            monthlyDebtPayments, accounts, services, student, enrolled, employment, hardInquiries, overdueEvents,
            customerOf, invitedBy, outstandingBalances
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        guard !id.isEmpty, id.count <= 128 else {
            throw Self.invalid(.id, c, "must be 1 to 128 characters, got \(id.count)")
        }
        age = try c.wholeNumber(.age, in: Bounds.age)
        creditScore = try c.requiredWholeNumber(.creditScore, in: Bounds.creditScore)
        creditScore90DaysAgo = try c.wholeNumber(.creditScore90DaysAgo, in: Bounds.creditScore)
        repayment = try c.decodeIfPresent(RepaymentRecord.self, forKey: .repayment)
        cashOutFlags12m = try c.wholeNumber(.cashOutFlags12m, in: Bounds.cashOutFlags)
        identity = try c.decodeIfPresent(IdentityStatus.self, forKey: .identity)
        monthlyIncome = try c.amount(.monthlyIncome, in: Bounds.monthlyAmount)
        monthlyDebtPayments = try c.amount(.monthlyDebtPayments, in: Bounds.monthlyAmount)
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
        student = try c.decodeIfPresent(Bool.self, forKey: .student)
        enrolled = try c.decodeIfPresent(EnrolmentLevel.self, forKey: .enrolled)
        employment = try c.decodeIfPresent(Employment.self, forKey: .employment)
        hardInquiries = try c.decodeIfPresent(HardInquiries.self, forKey: .hardInquiries)
        overdueEvents = try c.boundedList(.overdueEvents)
        customerOf = try c.boundedList(.customerOf)
        if let customerOf {
            try c.checkIDs(customerOf.map(\.rawValue), .customerOf, InstitutionID.isValid, "an institution id")
        }
        invitedBy = try c.boundedList(.invitedBy)
        if let invitedBy { try c.checkIDs(invitedBy.map(\.rawValue), .invitedBy, ProviderID.isValid, "a provider id") }
        outstandingBalances = try c.boundedList(.outstandingBalances)
        if let outstandingBalances {
            try c.checkIDs(
                outstandingBalances.map(\.lender),
                .outstandingBalances,
                ProviderID.isValid,
                "a provider or institution id"
            )
        }
        unrecognizedFields = try Self.unrecognized(in: decoder)
    }

    /// The keys of the profile document (and of its nested objects) that Backstop does not know, as paths.
    static func unrecognized(in decoder: any Decoder) throws -> [String] {
        var found: [String] = []
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        for key in all.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            guard known.contains(key.stringValue) else {
                found.append(key.stringValue)
                continue
            }
            let nested: Set<String>? =
                switch key.stringValue {
                case CodingKeys.repayment.stringValue: Set(RepaymentRecord.CodingKeys.allCases.map(\.stringValue))
                case CodingKeys.services.stringValue: ["huabei", "jiebei"]
                case CodingKeys.hardInquiries.stringValue: Set(HardInquiries.CodingKeys.allCases.map(\.stringValue))
                default: nil
                }
            guard let nested, (try? all.decodeNil(forKey: key)) == false,
                let inner = try? all.nestedContainer(keyedBy: AnyKey.self, forKey: key)
            else { continue }
            for innerKey in inner.allKeys where !nested.contains(innerKey.stringValue) {
                found.append("\(key.stringValue).\(innerKey.stringValue)")
            }
        }
        if let events = try? all.nestedUnkeyedContainer(
            forKey: AnyKey(stringValue: CodingKeys.overdueEvents.stringValue)
        ) {
            var events = events
            let known = Set(OverdueEvent.CodingKeys.allCases.map(\.stringValue))
            var index = 0
            while !events.isAtEnd {
                guard let event = try? events.nestedContainer(keyedBy: AnyKey.self) else { break }
                for key in event.allKeys where !known.contains(key.stringValue) {
                    found.append("overdueEvents.\(index).\(key.stringValue)")
                }
                index += 1
            }
        }
        return found
    }

    static func invalid(_ key: CodingKeys, _ c: KeyedDecodingContainer<CodingKeys>, _ message: String) -> DecodingError
    {
        DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message)
    }
}

extension RepaymentRecord {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case overdueCount12m, overdueCount24m, worstDaysPastDue, currentOverdueAmount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        overdueCount12m = try c.wholeNumber(.overdueCount12m, in: Bounds.overdueCount)
        overdueCount24m = try c.wholeNumber(.overdueCount24m, in: Bounds.overdueCount)
        worstDaysPastDue = try c.wholeNumber(.worstDaysPastDue, in: Bounds.daysPastDue)
        currentOverdueAmount = try c.amount(.currentOverdueAmount, in: Bounds.overdueAmount)
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

extension Money {
    /// The largest amount accepted for an overdue balance or a payment ceiling, in fen (100,000,000 yuan).
    public static let maximumInputMinorUnits: Int64 = 10_000_000_000
}

extension KeyedDecodingContainer {
    /// Decodes an optional whole number in `range`, naming the key when it is out of range, has a fraction or does
    /// not fit an `Int` (Foundation's decoder reports the last two without the key).
    /// - Parameters:
    ///   - key: the field.
    ///   - range: the accepted values.
    ///   - unit: appended to the bounds in messages (` months`).
    /// - Returns: the value, or nil when the field is absent or null.
    /// - Throws: `DecodingError` whose coding path ends with `key`.
    func wholeNumber(_ key: Key, in range: ClosedRange<Int>, unit: String = "") throws -> Int? {
        guard let value = try namingKey(key, range, unit, { try decodeIfPresent(Int.self, forKey: key) }) else {
            return nil
        }
        return try checked(value, key, in: range, unit: unit)
    }

    /// Decodes a required whole number in `range` (see ``wholeNumber(_:in:unit:)``); missing or null is an error.
    func requiredWholeNumber(_ key: Key, in range: ClosedRange<Int>, unit: String = "") throws -> Int {
        guard let value = try namingKey(key, range, unit, { try decode(Int.self, forKey: key) }) else {
            // `decode` throws for a missing key or null; this keeps the type honest.
            throw DecodingError.valueNotFound(
                Int.self,
                DecodingError.Context(codingPath: codingPath + [key], debugDescription: "is required")
            )
        }
        return try checked(value, key, in: range, unit: unit)
    }

    /// Runs `decodeInt`; when the number has a fraction or does not fit an `Int`, reads it exactly and throws an
    /// error naming `key` and saying which. Foundation's decoder reports those numbers with an internal error, which
    /// `JSONDecoder.decode` turns into "not valid JSON" without a path. (A number beyond what a `Decimal` holds, such
    /// as 1e999, fails again here and is named by ``JSONInput``.)
    private func namingKey(
        _ key: Key,
        _ range: ClosedRange<Int>,
        _ unit: String,
        _ decodeInt: () throws -> Int?
    ) throws -> Int? {
        do {
            return try decodeInt()
        } catch let error as DecodingError {
            guard case .dataCorrupted = error else { throw error }
        } catch {
            // Not a DecodingError: the decoder's own, for a number that is not an Int.
        }
        let exact = try decode(Decimal.self, forKey: key)
        let whole = exact.roundedHalfUp(scale: 0) == exact
        // A whole number the Int decoder refused for its spelling (7e2) is still that number.
        if whole, let value = exact.exactInt64 { return Int(value) }
        throw DecodingError.dataCorruptedError(
            forKey: key,
            in: self,
            debugDescription: "must be \(whole ? "" : "a whole number ")\(Bounds.text(range, unit)), got \(exact)"
        )
    }

    private func checked(_ value: Int, _ key: Key, in range: ClosedRange<Int>, unit: String) throws -> Int {
        do {
            return try Bounds.check(value, in: range, unit: unit)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.message)
        }
    }

    /// Decodes an optional amount of yuan (at most two decimals) whose fen lie in `range`.
    /// - Throws: `DecodingError` whose coding path ends with `key`.
    func amount(_ key: Key, in range: ClosedRange<Int64>) throws -> Money? {
        guard let amount = try decodeIfPresent(Money.self, forKey: key) else { return nil }
        return try checked(amount, key, in: range)
    }

    /// Decodes a required amount of yuan whose fen lie in `range`; missing or null is an error.
    func requiredAmount(_ key: Key, in range: ClosedRange<Int64>) throws -> Money {
        try checked(try decode(Money.self, forKey: key), key, in: range)
    }

    private func checked(_ amount: Money, _ key: Key, in range: ClosedRange<Int64>) throws -> Money {
        do {
            return try Bounds.check(amount, in: range)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: error.message)
        }
    }
}

/// Any key of a JSON object, to list the keys a document has.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer {
    /// Decodes an optional list of at most ``Bounds/historyEntries`` entries.
    func boundedList<T: Decodable>(_ key: Key) throws -> [T]? {
        guard let list = try decodeIfPresent([T].self, forKey: key) else { return nil }
        guard list.count <= Bounds.historyEntries.upperBound else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "must list at most \(Bounds.historyEntries.upperBound) entries, got \(list.count)"
            )
        }
        return list
    }

    /// Checks each id of a list, naming the entry that is malformed.
    func checkIDs(_ ids: [String], _ key: Key, _ isValid: (String) -> Bool, _ what: String) throws {
        for (index, id) in ids.enumerated() where !isValid(id) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key, IndexKey(index)],
                    debugDescription:
                        "must be \(what): lower-case letters, digits and single hyphens, got \"\(JSONInput.printable(id))\""
                )
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
    /// Money to the borrower's account, for any lawful consumption.
    case cash
    /// A payment to a merchant.
    case purchase
    /// A business's production and operation (served by business loans; consumer credit is flagged).
    case business
    /// Tuition and study costs (a cash use).
    case education
    /// A medical bill (a cash use).
    case medical
    /// Repaying other debts (a cash use; the answer advises against it and names the lawful alternatives).
    case debtRepayment = "debt-repayment"
    /// A home purchase or its down payment: refused for consumer credit by the rulebook.
    case homePurchase = "home-purchase"
    /// Stocks, bonds, funds or other investments: refused for consumer credit by the rulebook.
    case securities
    /// Virtual currency: refused for every loan by the rulebook (virtual-currency dealing is illegal in China).
    case crypto

    /// Whether the money goes to the borrower (every purpose but a purchase at a merchant): a provider that lends
    /// cash serves it unless its description lists purposes of that kind.
    public var isCashUse: Bool { self != .purchase && self != .cash }
}

/// How alternatives are ranked (wire values `apr`, `cost`, `payment`, `likelihood`).
public enum RankingPreference: String, Sendable, Codable, CaseIterable, Hashable {
    case apr
    case cost
    case payment
    case likelihood
    /// The largest cost under the stress scenarios (one instalment 30 days late, everything repaid after month 3).
    case worstCase = "worst-case"
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
        amount = try c.requiredAmount(.amount, in: Bounds.loanAmount)
        termMonths = try c.requiredWholeNumber(.termMonths, in: Bounds.termMonths, unit: " months")
        purpose = try c.decodeIfPresent(LoanPurpose.self, forKey: .purpose) ?? .cash
        maxMonthlyPayment = try c.amount(.maxMonthlyPayment, in: Bounds.paymentCeiling)
        rankBy = try c.decodeIfPresent(RankingPreference.self, forKey: .rankBy) ?? .apr
    }

    /// The largest amount that may be borrowed, in fen (1,000,000,000 yuan).
    public static let maximumAmount: Int64 = 100_000_000_000
}
