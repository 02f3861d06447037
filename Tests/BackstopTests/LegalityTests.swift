import Backstop
import BackstopTesting
import Foundation
import Testing

/// Which ceiling binds whom (issue 14, "warnings that mean something"), through the public API with the shipped caps:
/// the courts' private-lending ceiling (4 × LPR) only for lending without a licence, with the LPR and its date; the
/// 24% level courts apply to financial institutions' loans for licensed lenders; the verdict `quote` and `apr` print.
struct LegalityTests {
    static let shipped = URL(fileURLWithPath: AggregatorTests.providers)
    let request = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)

    static func day(_ text: String) throws -> CalendarDate { try Bounds.date(text) }

    func catalog() throws -> Catalog { try CatalogLoader().load(directory: AggregatorTests.providers) }

    /// ICBC Rong e Jie (a bank) at a fixed annual rate, or the same terms under another licence kind.
    func offer(annualPercent: String, licence: LicenceKind = .bank) throws -> ProviderDescription {
        var details = try #require(try catalog().provider("icbc-rongejie"))
        let rate = AnnualRate(percent: try #require(Decimal(string: annualPercent)))
        details.pricing = [PricingRule(interest: .annual(RateRange(min: rate, max: rate)))]
        details.methods = [.equalInstallment]
        details.eligibility = EligibilityRules()
        details.terms = [12]
        details.licence = Licence(kind: licence)
        return details
    }

    func answer(_ details: ProviderDescription, on date: CalendarDate) async throws -> Recommendation {
        let aggregator = Aggregator(providers: [DescribedProvider(details)], caps: try catalog().caps)
        return await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: date)
    }

    // MARK: Warnings of the aggregator

    /// A licensed offer at 15% once carried the private-lending ceiling's warning (12% since 2025-05-20); it carries
    /// no cap warning at all now, whether before or after the 2025 caps on internet loans.
    @Test(arguments: ["2025-06-01", "2026-11-25"])
    func aLicensedOfferAt15PercentGetsNoCourtWarning(_ date: String) async throws {
        let result = try await answer(try offer(annualPercent: "15"), on: try Self.day(date))
        #expect(result.alternatives.count == 1)
        let codes = result.warnings.map(\.code)
        #expect(!codes.contains(.aboveCourtCeiling), "\(codes)")
        #expect(!codes.contains(.aboveFinancialCourtLevel), "\(codes)")
        #expect(!codes.contains(.aboveLegalCap), "\(codes)")
    }

    /// Above 24% before the 2025 exclude caps, a bank's offer stays with the financial-institution level flagged,
    /// naming the 2017 SPC opinions and their source; after 2025-10-01 the internet-lending cap refuses it and the
    /// flag does not fire on a refused offer.
    @Test func aboveTwentyFourPercentABankGetsTheFinancialLevelUntilTheCapRefusesIt() async throws {
        let details = try offer(annualPercent: "25")
        let before = try await answer(details, on: try Self.day("2025-06-01"))
        #expect(before.alternatives.count == 1)
        let flag = try #require(before.warnings.first { $0.code == .aboveFinancialCourtLevel })
        #expect(flag.fact["capID"] == .text("courts-financial-loans-24"))
        #expect(flag.fact["cap"] == .percent(24))
        #expect(flag.fact["since"] == .date(try Self.day("2017-08-04")))
        #expect(flag.fact["source"] == .text("http://en.pkulaw.cn/display.aspx?cgid=bb6a5dc1bce57f9fbdfb&lib=law"))
        #expect(!before.warnings.contains { $0.code == .aboveCourtCeiling })
        let english = Renderer(.en).render(flag.fact)
        #expect(english.contains("Fa Fa [2017] No. 22"), "\(english)")
        #expect(english.contains("reduce the interest, compound interest, penalties and fees"), "\(english)")
        let chinese = Renderer(.zh).render(flag.fact)
        #expect(chinese.contains("法发〔2017〕22号") && chinese.contains("调减"), "\(chinese)")

        let after = try await answer(details, on: try Self.day("2026-11-25"))
        #expect(after.alternatives.isEmpty)
        #expect(
            after.warnings.contains { $0.code == .aboveLegalCap && $0.fact["capID"] == .text("internet-lending-24") }
        )
        #expect(!after.warnings.contains { $0.code == .aboveFinancialCourtLevel })
    }

    /// Micro-loan companies (online micro-lenders included) are licensed financial organisations outside the
    /// private-lending rules from 2021-01-01 (SPC reply Fa Shi [2020] No. 27): the financial level applies from then.
    @Test(arguments: [LicenceKind.microLoan, .onlineMicrolender])
    func microLoanCompaniesGetTheFinancialLevelFromFaShi27(_ kind: LicenceKind) async throws {
        let details = try offer(annualPercent: "25", licence: kind)
        let before = try await answer(details, on: try Self.day("2020-12-31"))
        #expect(!before.warnings.contains { $0.code == .aboveFinancialCourtLevel || $0.code == .aboveCourtCeiling })
        let after = try await answer(details, on: try Self.day("2021-01-01"))
        let flags = after.warnings.filter { $0.code == .aboveFinancialCourtLevel }
        #expect(flags.count == 1)
        #expect(flags.first?.fact["capID"] == .text("courts-micro-loan-financial-24"))
        #expect(flags.first?.fact["source"] == .text("http://www.jingsw.com/mobile/news/show-25875.html"))
        let title = Renderer(.en).render(try #require(flags.first).fact)
        #expect(title.contains("Fa Shi [2020] No. 27") && title.contains("Fa Fa [2017] No. 22"), "\(title)")
    }

    /// Lending without a licence is private lending: the unlicensed lender is refused, and warned about with the
    /// courts' ceiling of 4 × the one-year LPR, naming the LPR and the day it was published, in both languages.
    @Test func anUnlicensedOfferGetsThePrivateLendingCeilingWithItsLPR() async throws {
        let unlicensed = try #require(try catalog().provider("quick-loan-unlicensed"))
        let now = try await answer(unlicensed, on: try Self.day("2026-11-25"))
        #expect(now.alternatives.isEmpty)
        let ceilings = now.warnings.filter { $0.code == .aboveCourtCeiling }
        let lpr = try #require(ceilings.first { $0.fact["capID"] == .text("courts-4x-lpr-2025-05-20") })
        #expect(lpr.provider == "quick-loan-unlicensed")
        #expect(lpr.fact["lpr"] == .percent(3))
        #expect(lpr.fact["lprDate"] == .date(try Self.day("2025-05-20")))
        let english = Renderer(.en).render(lpr.fact)
        #expect(english.contains("4 × the 1-year LPR of 3.00% published 2025-05-20 = 12.00%"), "\(english)")
        #expect(english.contains("private lending"), "\(english)")
        let chinese = Renderer(.zh).render(lpr.fact)
        #expect(chinese.contains("2025年5月20日发布的一年期LPR 3.00%的4倍，即12.00%"), "\(chinese)")
        #expect(chinese.contains("民间借贷"), "\(chinese)")
        // Its price is also above the 36% line for lending without a licence.
        #expect(ceilings.contains { $0.fact["capID"] == .text("illegal-lending-36-unlicensed") })
        // Each LPR on its own day: 3.65% (published 2022-08-22) in early 2023.
        let earlier = try await answer(unlicensed, on: try Self.day("2023-03-01"))
        let old = try #require(earlier.warnings.first { $0.fact["capID"] == .text("courts-4x-lpr-2022-08-22") })
        #expect(Renderer(.en).render(old.fact).contains("4 × the 1-year LPR of 3.65% published 2022-08-22 = 14.60%"))
    }

    /// Every shipped 4 × LPR ceiling binds lending without a licence only, and carries its LPR and date.
    @Test func theShippedPrivateLendingCeilingsBindOnlyUnlicensedLending() throws {
        let caps = try catalog().caps.caps
        let ceilings = caps.filter { $0.id.hasPrefix("courts-4x-lpr-") || $0.id == "courts-private-lending-2015-24" }
        #expect(ceilings.count == 10)
        for cap in ceilings { #expect(cap.appliesTo == [.none], "\(cap.id)") }
        for cap in ceilings where cap.id.hasPrefix("courts-4x-lpr-") {
            let lpr = try #require(cap.lprPercent, "\(cap.id)")
            #expect(lpr * 4 == cap.maxAPRPercent)
            #expect(try #require(cap.lprDate) <= cap.from)
        }
        // No cap binds every kind any more: each says whom it binds.
        #expect(caps.allSatisfy { !$0.appliesTo.isEmpty })
    }

    // MARK: Reading the LPR fields

    static func capsJSON(_ extra: String) -> String {
        #"{"caps": [{"id": "t", "title": "t", "appliesTo": ["none"], "maxAPRPercent": 12, "#
            + extra
            + #""effect": "flag", "from": "2025-05-20", "sourceTitle": "s", "sourceURL": "https://example.org", "reported": false}]}"#
    }

    @Test(arguments: [
        (#""lprPercent": 3, "#, "caps[0].lprDate", "is required with lprPercent"),
        (#""lprDate": "2025-05-20", "#, "caps[0].lprPercent", "is required with lprDate"),
        (#""lprPercent": 0, "lprDate": "2025-05-20", "#, "caps[0].lprPercent", "above 0 and below 100"),
        (#""lprPercent": 100, "lprDate": "2025-05-20", "#, "caps[0].lprPercent", "above 0 and below 100"),
        (#""lprPercent": 3.1, "lprDate": "2025-05-20", "#, "caps[0].lprPercent", "a quarter of maxAPRPercent"),
        (#""lprPercent": 3, "lprDate": "2025-06-20", "#, "caps[0].lprDate", "on or before from"),
        (#""lprPercent": "3", "lprDate": "2025-05-20", "#, "caps[0].lprPercent", ""),
        (#""lprPercent": 3, "lprDate": "2025-02-30", "#, "caps[0].lprDate", ""),
    ])
    func badLPRFieldsAreNamed(_ extra: String, _ path: String, _ message: String) throws {
        let data = Data(Self.capsJSON(extra).utf8)
        let error = try #require(throws: JSONInputError.self) {
            try JSONInput.decode(LegalCapTable.self, from: data, source: "legal-caps.json")
        }
        #expect(error.path == path, "\(error)")
        #expect(message.isEmpty || error.message.contains(message), "\(error)")
    }

    @Test func goodLPRFieldsAreRead() throws {
        let data = Data(Self.capsJSON(#""lprPercent": 3.00, "lprDate": "2025-05-20", "#).utf8)
        let cap = try #require(try JSONInput.decode(LegalCapTable.self, from: data, source: "t").caps.first)
        #expect(cap.lprPercent == 3)
        #expect(cap.lprDate == (try Self.day("2025-05-20")))
        let plain = try JSONInput.decode(LegalCapTable.self, from: Data(Self.capsJSON("").utf8), source: "t")
        #expect(plain.caps.first?.lprPercent == nil && plain.caps.first?.lprDate == nil)
    }

    // MARK: The verdict

    func verdict(_ apr: String, _ licence: LicenceKind?, _ date: String) throws -> [Fact] {
        try catalog().caps.verdict(
            aprPercent: try #require(Decimal(string: apr)),
            licence: licence,
            on: try Self.day(date)
        )
    }

    /// For every licensed kind on 2026-11-25: within 20% (consumer finance), 24% (internet loans) and 36%; above 24%
    /// the internet-lending cap and the courts' level for financial loans; above 36% the cash-loan cap too.
    @Test func theVerdictNamesEachLevelItsSideAndItsSource() throws {
        let low = try verdict("18.19", nil, "2026-11-25")
        #expect(low.map(\.code) == [.legalityWithinCap, .legalityWithinCap, .legalityWithinCap])
        let ids = ["consumer-finance-new-loans-20", "internet-lending-24", "cash-loan-notice-141-36"]
        #expect(low.compactMap { $0["capID"] } == ids.map(FactValue.text))
        #expect(low[1]["source"] == .text("https://gmteight.com/latest/detail/335274"))

        let high = try verdict("30", nil, "2026-11-25")
        #expect(
            high.map(\.code) == [.legalityAboveCap, .legalityAboveCap, .legalityAboveCourtLevel, .legalityWithinCap]
        )
        #expect(high[1]["capID"] == .text("internet-lending-24"))
        #expect(
            high[1]["licences"] == .list([.licence(.bank), .licence(.consumerFinance), .licence(.onlineMicrolender)])
        )
        #expect(high[2]["capID"] == .text("courts-financial-loans-24"))
        let english = Renderer(.en).render(high[1])
        #expect(english.hasPrefix("30.00% a year is above the 24% all-in cap for internet loans"), "\(english)")
        #expect(english.contains("https://gmteight.com/latest/detail/335274"))

        let usurious = try verdict("40", nil, "2026-11-25")
        #expect(usurious.last?.code == .legalityAboveCap)
        #expect(usurious.last?["capID"] == .text("cash-loan-notice-141-36"))
        #expect(!usurious.contains { $0.code == .legalityWithinCap })
    }

    /// `--licence` narrows the verdict; without a licence the private-lending ceiling never appears.
    @Test func theLicenceNarrowsTheVerdict() throws {
        #expect(try !verdict("15", nil, "2026-11-25").contains { $0["capID"] == .text("courts-4x-lpr-2025-05-20") })
        let card = try verdict("25", .cardIssuer, "2026-11-25")
        #expect(card.map(\.code) == [.legalityAboveCourtLevel])
        #expect(card.first?["licences"] == .list([.licence(.cardIssuer)]))
        let unlicensed = try verdict("15", LicenceKind.none, "2026-11-25")
        #expect(unlicensed.map(\.code) == [.legalityAboveCourtLevel, .legalityWithinCap])
        #expect(unlicensed.first?["lpr"] == .percent(3))
        let chinese = Renderer(.zh).render(try #require(unlicensed.first))
        #expect(chinese.contains("2025年5月20日发布的一年期LPR 3.00%的4倍，即12.00%"), "\(chinese)")
        // Before any cap, and without caps, the verdict says so rather than staying silent.
        #expect(try verdict("15", .bank, "2010-01-01").map(\.code) == [.legalityNoCap])
        let none = LegalCapTable.none.verdict(aprPercent: 15, licence: nil, on: try Self.day("2026-11-25"))
        #expect(none.map(\.code) == [.legalityCapsUnknown])
    }
}
