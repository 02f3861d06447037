import Foundation
import Testing

/// Issue 15's "Done means" on the shipped catalog, through the real binary: the README's main command refuses the
/// over-cap referral channel (Shengbei, 4% headline, 36% all-in with its guarantee fee) by the legal-cap gate, priced
/// at the smallest loan it makes, in English and Chinese; Ping An Puhui (9.2% headline, 23.90% all-in with its
/// service, insurance and guarantee fees) stays under the 24% cap: refused there only for the amount, and shown with
/// its fee columns for a loan it makes.
struct OverCapReferralCLITests {
    static let repository = ProvidersCommandTests.repository
    static func example(_ path: String) -> String { repository.appendingPathComponent("examples/" + path).path }

    /// `backstop alternatives --profile examples/profiles/late-repayment.json --request
    /// examples/requests/cash-5000-12m.json` (the README's main command), on a fixed date.
    static let readme = [
        "alternatives", "--profile", example("profiles/late-repayment.json"), "--request",
        example("requests/cash-5000-12m.json"), "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25",
    ]

    @Test func theReadmeCommandRefusesShengbeiNamingItsGuaranteeFee() throws {
        let result = try BinaryRunner.run(Self.readme)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // Why not: the cap first, priced at its smallest loan, then the rule the request missed.
        let refusal = try #require(lines.first { $0.hasPrefix("  Shengbei (Samoyed Cloud loan referral): ") })
        #expect(
            refusal.contains(
                "priced at ¥10,000.00 over 12 months, the nearest loan it makes to the one asked for: 36.00% APR is "
                    + "above the 24% all-in cap for internet loans"
            ),
            "\(refusal)"
        )
        #expect(refusal.contains("counting its guarantee fee (¥1,837.32); it lends at least ¥10,000.00."))
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "    What would change it: None at this price: its loan of ¥10,000.00 over 12 months is above"
                )
                    && $0.hasSuffix("counting its guarantee fee (¥1,837.32).")
            }
        )
        #expect(
            lines.contains {
                $0.hasPrefix("  - Shengbei (Samoyed Cloud loan referral): priced at ¥10,000.00 over 12 months")
                    && $0.hasSuffix("counting its guarantee fee (¥1,837.32); excluded.")
            }
        )
        // Never among the alternatives, never in the application plan.
        let listed = result.stdout.components(separatedBy: "Why not")[0]
        #expect(!listed.contains("Shengbei"))
        // Ping An Puhui's all-in 23.90% is under the cap: refused for the amount only, not by the gate.
        #expect(lines.contains("  Ping An Puhui (Lufax), Luhuirong app: it lends at least ¥119,000.00."))

        let zh = try BinaryRunner.run(Self.readme + ["--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        #expect(
            zh.stdout.contains(
                "  省呗：按其最接近本次申请的借款（10,000.00元，12个月）计价，年化利率36.00%超过互联网贷款综合成本24%上限"
            ),
            "\(zh.stdout)"
        )
        #expect(zh.stdout.contains("（含担保费共1,837.32元）；最低借款金额为10,000.00元。"))
        #expect(zh.stdout.contains("按此价格无法改变：其10,000.00元、12个月的借款超过互联网贷款综合成本24%上限"))
    }

    /// The same answer as JSON: a gated `legalCap` refusal naming the cap, the APR, the guarantee fee and the loan it
    /// was priced at, keeping the rule the request missed; the `above-legal-cap` warning says the same.
    @Test func theReadmeCommandsJSONRefusalIsGatedAndKeepsTheOtherRule() throws {
        let result = try BinaryRunner.run(Self.readme + ["--format", "json"])
        let json = try BinaryRunner.json(result.stdout)
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(!alternatives.contains { $0["provider"] as? String == "shengbei" })
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        let shengbei = try #require(ineligible.first { $0["provider"] as? String == "shengbei" })
        #expect(shengbei["gated"] as? Bool == true)
        let failed = try #require(shengbei["failed"] as? [[String: Any]])
        #expect(failed.compactMap { $0["rule"] as? String } == ["legalCap", "minAmount"])
        let cap = try #require(failed.first?["params"] as? [String: Any])
        #expect(cap["capID"] as? String == "internet-lending-24")
        #expect(cap["fees"] as? [String] == ["guarantee"])
        #expect("\(cap["amount"] ?? "")" == "10000" && "\(cap["term"] ?? "")" == "12")
        #expect("\(cap["feeTotal"] ?? "")" == "1837.32")
        let apr = try #require(cap["apr"] as? Double)
        #expect(apr > 35.99 && apr < 36.01)
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        let warning = try #require(warnings.first { $0["provider"] as? String == "shengbei" })
        #expect(warning["code"] as? String == "above-legal-cap")
        #expect((warning["params"] as? [String: Any])?["fees"] as? [String] == ["guarantee"])
        // Ping An Puhui: refused by its own limit, not gated.
        let pingan = try #require(ineligible.first { $0["provider"] as? String == "pingan-puhui" })
        #expect(pingan["gated"] as? Bool == false)
        #expect((pingan["failed"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } == ["minAmount"])
        #expect(
            !warnings.contains {
                $0["provider"] as? String == "pingan-puhui" && $0["code"] as? String == "above-legal-cap"
            }
        )
    }

    /// Ping An Puhui for a loan it makes (¥119,000 over 36 months, a healthy profile): shown, not refused, at 23.90%
    /// all-in, with its service, insurance and guarantee fees in the cost columns.
    @Test func pingAnPuhuiIsShownWithItsFeeColumns() throws {
        let arguments = [
            "alternatives", "--profile", Self.example("profiles/healthy.json"), "--amount", "119000", "--term", "36",
            "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25",
        ]
        let result = try BinaryRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        let costs = try #require(text.components(separatedBy: "Costs (total over the term) and stress costs").last)
        let header = try #require(costs.split(separator: "\n").first { $0.contains("provider") })
        for column in ["interest", "service", "insurance", "guarantee"] {
            #expect(header.contains(column), "\(header)")
        }
        #expect(
            text.split(separator: "\n").contains {
                $0.contains("Ping An Puhui (Lufax), Luhuirong app") && $0.contains("23.90%")
            },
            "\(text)"
        )
        // Its row of the cost table: interest, then the service fee, insurance premium and guarantee fee.
        let row = try #require(costs.split(separator: "\n").first { $0.contains("Ping An Puhui") })
        #expect(
            row.contains("¥17,629.19    ¥8,071.10         ¥14,348.60      ¥5,748.65")
                && row.hasSuffix("¥45,797.54*"),
            "\(row)"
        )
        #expect(!text.contains("Ping An Puhui (Lufax), Luhuirong app: priced at"))

        let json = try BinaryRunner.json(try BinaryRunner.run(arguments + ["--format", "json"]).stdout)
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        let pingan = try #require(alternatives.first { $0["provider"] as? String == "pingan-puhui" })
        #expect("\(pingan["nominalAPR"] ?? "")" == "23.9")
        let fees = try #require(pingan["fees"] as? [[String: Any]])
        #expect(Set(fees.compactMap { $0["kind"] as? String }) == ["service", "insurance", "guarantee"])
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        #expect(!ineligible.contains { $0["provider"] as? String == "pingan-puhui" })
    }
}
