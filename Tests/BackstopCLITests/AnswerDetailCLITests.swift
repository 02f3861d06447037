import Foundation
import Testing

/// `--detail` through the real binary: `alternatives --format json` and `batch` write the same three choices as
/// HTTP's `"detail"`; the default is the full answer.
struct AnswerDetailCLITests {
    static let catalog = ProvidersCommandTests.catalog
    static let profile = ProvidersCommandTests.repository.appendingPathComponent(
        "examples/profiles/late-repayment.json"
    )
    .path

    /// An alternative as `--detail standard` writes it: no schedule, only the rules that did not pass (sorted JSON).
    static func standardForm(_ alternative: [String: Any]) -> String {
        var trimmed = alternative
        trimmed["schedule"] = nil
        trimmed["rules"] = (alternative["rules"] as? [[String: Any]])?.filter { $0["outcome"] as? String != "passed" }
        let data = (try? JSONSerialization.data(withJSONObject: trimmed, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func alternatives(_ extra: [String]) throws -> BinaryRunner.Result {
        try BinaryRunner.run(
            [
                "alternatives", "--profile", Self.profile, "--catalog", Self.catalog, "--date", "2026-11-25",
                "--amount", "5000", "--term", "12",
            ] + extra
        )
    }

    @Test func alternativesJSONAtEachDetail() throws {
        let plain = try alternatives(["--format", "json"])
        let full = try alternatives(["--format", "json", "--detail", "full"])
        let standard = try alternatives(["--format", "json", "--detail", "standard"])
        let summary = try alternatives(["--format", "json", "--detail", "summary"])
        for run in [plain, full, standard, summary] { #expect(run.status == 0, "\(run.stderr)") }
        #expect(plain.stdout == full.stdout)
        let fullJSON = try BinaryRunner.json(full.stdout)
        let standardJSON = try BinaryRunner.json(standard.stdout)
        let summaryJSON = try BinaryRunner.json(summary.stdout)
        let fullAlternatives = try #require(fullJSON["alternatives"] as? [[String: Any]])
        let standardAlternatives = try #require(standardJSON["alternatives"] as? [[String: Any]])
        #expect(!fullAlternatives.isEmpty && fullAlternatives.allSatisfy { $0["schedule"] != nil })
        #expect(standardAlternatives.count == fullAlternatives.count)
        #expect(standardAlternatives.allSatisfy { $0["schedule"] == nil && $0["rules"] != nil })
        for (a, b) in zip(fullAlternatives, standardAlternatives) {
            #expect(Self.standardForm(a) == Self.standardForm(b))
        }
        #expect(standardJSON["detail"] as? String == "standard" && fullJSON["detail"] == nil)
        let options = try #require(summaryJSON["alternatives"] as? [[String: Any]])
        #expect(options.map { $0["provider"] as? String } == fullAlternatives.map { $0["provider"] as? String })
        #expect(standard.stdout.utf8.count < full.stdout.utf8.count)
    }

    @Test func detailNeedsJSONAndAKnownChoice() throws {
        let table = try alternatives(["--detail", "summary"])
        #expect(table.status == 64)
        #expect(table.stderr.contains("--detail: only with --format json"), "\(table.stderr)")
        let unknown = try alternatives(["--format", "json", "--detail", "brief"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("brief"), "\(unknown.stderr)")
    }

    @Test func batchStandardLinesAreTheFullOnesWithoutSchedules() throws {
        let line = try BatchCommandTests.profile("late-repayment")
        func run(_ detail: String) throws -> [String: Any] {
            let result = try BinaryRunner.run(
                [
                    "batch", "--in", "-", "--out", "-", "--catalog", Self.catalog, "--date", "2026-11-25",
                    "--detail", detail, "--progress", "never",
                ],
                stdin: line + "\n"
            )
            #expect(result.status == 0, "\(result.stderr)")
            return try BinaryRunner.json(result.stdout)
        }
        let full = try #require(try run("full")["recommendation"] as? [String: Any])
        let standard = try #require(try run("standard")["recommendation"] as? [String: Any])
        let fullAlternatives = try #require(full["alternatives"] as? [[String: Any]])
        let standardAlternatives = try #require(standard["alternatives"] as? [[String: Any]])
        #expect(!fullAlternatives.isEmpty)
        #expect(standardAlternatives.count == fullAlternatives.count)
        for (a, b) in zip(fullAlternatives, standardAlternatives) {
            #expect(Self.standardForm(a) == Self.standardForm(b))
        }
        #expect(try run("summary")["summary"] != nil)
    }
}
