import BackstopCatalog
import BackstopCore
import Foundation
import Testing

/// `<access>`, `<inquiries>` and dated `<pricing>`: read from the XML, kept in the provider description, written to
/// the provider wire document, and, in the shipped catalog, the sourced values of issue 14's catalog review.
struct AccessInquiryAndDatedPricingTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!

    func shipped(_ id: ProviderID) throws -> ProviderDescription {
        try #require(try CatalogLoader().load(directory: Paths.providers).provider(id))
    }

    /// The annotated example carries every new element; they parse into the model and reach the wire document.
    @Test func theNewElementsParseAndRoundTripThroughTheWireDocument() throws {
        let path = Paths.repository.appendingPathComponent("providers/testdata/annotated-example.xml").path
        let check = CatalogLoader().check(files: [path], schema: try .shipped())[0]
        #expect(check.issues.isEmpty, "\(check.issues)")
        let provider = try #require(check.provider)
        #expect(provider.access == ProviderAccess(invitationOnly: true, customersOf: ["example-bank"]))
        #expect(
            provider.inquiries
                == InquiryPolicy(application: .hard, limitCheck: .soft, maxHardInquiries3m: 6, source: "s4")
        )
        #expect(provider.figureSources["access"] == "s4")
        #expect(provider.figureSources["inquiries"] == "s4")
        let dated = try #require(provider.pricing.first { $0.terms == nil })
        #expect(dated.from == CalendarDate(year: 2025, month: 10, day: 1))
        #expect(dated.until == nil)
        #expect(provider.figureSources["interest@2025-10-01–"] == "s2")
        #expect(provider.pricing.first { $0.terms != nil }?.from == nil)

        let document = ProviderDocument(provider, on: day)
        let json = try JSONSerialization.jsonObject(with: try WireJSON.encode(document, layout: .compact))
        let object = try #require(json as? [String: Any])
        let access = try #require(object["access"] as? [String: Any])
        #expect(access["invitationOnly"] as? Bool == true)
        #expect(access["customersOf"] as? [String] == ["example-bank"])
        let inquiries = try #require(object["inquiries"] as? [String: Any])
        #expect(inquiries["application"] as? String == "hard")
        #expect(inquiries["limitCheck"] as? String == "soft")
        #expect(inquiries["maxHardInquiries3m"] as? Int == 6)
        #expect(inquiries["source"] as? String == "s4")
        let pricing = try #require(object["pricing"] as? [[String: Any]])
        #expect(pricing.map { $0["from"] as? String } == [nil, "2025-10-01"])
        #expect(pricing.allSatisfy { $0["until"] == nil }, "an open end is left out, not null")
        let decoded = try JSONDecoder().decode(
            ProviderDocument.self,
            from: try WireJSON.encode(document, layout: .compact)
        )
        #expect(decoded == document)
    }

    /// A version-1 file written before these elements still loads and means what it meant: anyone may apply,
    /// inquiries unknown, every price list undated.
    @Test func anOlderVersion1FileStillMeansTheSame() throws {
        let path = try Paths.fixture("valid/wechat-weilidai.xml")
        let check = CatalogLoader().check(files: [path], schema: try .shipped())[0]
        let provider = try #require(check.provider, "\(check.issues)")
        #expect(provider.access == .open)
        #expect(provider.inquiries == .unknown)
        #expect(provider.pricing.allSatisfy { $0.from == nil && $0.until == nil })
        let document = ProviderDocument(provider, on: day)
        #expect(!document.access.invitationOnly && document.access.customersOf.isEmpty)
        #expect(document.inquiries.application == .unknown && document.inquiries.limitCheck == .unknown)
    }

    /// Catalog truth (issue 14, part 8): invitation-only Weilidai, banks' products for their own customers, no
    /// Alipay cash-out flag and no anonymous "bank account" on lenders outside Alipay, ICBC's published standard
    /// instalment fees, a conservative unpublished Meituan maximum.
    @Test func theShippedCatalogStatesAccessInquiriesAndFeesAsSourced() throws {
        let weilidai = try shipped("wechat-weilidai")
        #expect(weilidai.access.invitationOnly)
        #expect(weilidai.figureSources["access"] != nil)
        for (id, institution) in [
            ("ccb-kuaidai", "ccb"), ("icbc-rongejie", "icbc"), ("icbc-card-installment", "icbc"),
            ("cmb-card-installment", "cmb"),
        ] {
            let provider = try shipped(ProviderID(rawValue: id))
            #expect(provider.access.customersOf == [InstitutionID(rawValue: institution)], "\(id)")
            #expect(!provider.eligibility.requiredAccounts.contains("bank"), "\(id)")
        }
        let catalog = try CatalogLoader().load(directory: Paths.providers)
        for provider in catalog.providers where provider.channel != "alipay" {
            #expect(!provider.eligibility.excludedWhen.contains(.cashOut), "\(provider.id) uses Alipay's own flag")
            #expect(!provider.notes.isEmpty)
        }
        // Every shipped provider states its inquiry policy; "soft" is never claimed without a source.
        for provider in catalog.providers {
            for kind in [provider.inquiries.application, provider.inquiries.limitCheck] where kind == .soft {
                #expect(provider.inquiries.source != nil, "\(provider.id)")
            }
            if provider.inquiries.application == .hard { #expect(provider.inquiries.source != nil, "\(provider.id)") }
        }
        // ICBC's standard fees, as totals for the term.
        let icbc = try shipped("icbc-card-installment")
        let standard: [Int: String] = [3: "1.65", 6: "3.6", 9: "5.4", 12: "7.2", 18: "11.7", 24: "15.6"]
        for (term, text) in standard {
            let percent = try #require(Decimal(string: text))
            let rule = try #require(icbc.pricingRule(forTerm: term, on: day))
            #expect(rule.installmentFee == .total(RateRange(min: Rate(percent: percent), max: Rate(percent: percent))))
        }
        // Meituan publishes no maximum: the upper bound is the cap-bound 0.065%/day, and the notes say so.
        let meituan = try shipped("meituan-jieqian")
        let rule = try #require(meituan.pricingRule(forTerm: 12, on: day))
        guard case .daily(let range, _) = rule.interest else {
            Issue.record("Meituan's interest is not daily")
            return
        }
        #expect(range.max == Rate(percent: Decimal(string: "0.065")!))
        #expect(meituan.notes.contains("publishes no maximum"))
    }

    /// A dated price list prices only its own dates: the ¥10,000 APR range of `providers list` is empty before it.
    @Test func theAPRRangeUsesThePriceListsInForceOnTheDate() throws {
        let zhaolian = try shipped("zhaolian-haoqidai")
        #expect(zhaolian.pricing.allSatisfy { $0.from == CalendarDate(year: 2025, month: 12, day: 15) })
        #expect(zhaolian.aprRange(on: day) != nil)
        #expect(zhaolian.aprRange(on: CalendarDate(year: 2025, month: 12, day: 14)!) == nil)
        #expect(ProviderDocument(zhaolian, on: CalendarDate(year: 2025, month: 6, day: 1)!).aprMin == nil)
    }
}
