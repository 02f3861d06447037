import Foundation
import Testing

/// `backstop quote`, run as a real process.
struct QuoteCommandTests {
    /// The three conversions shown by hand in docs/cost-methods.md, each checked against its closed-form answer.
    @Test(arguments: [
        // 12,000 over 12 instalments with a total fee of 8.8%: 1,000 principal + 88 fee a month.
        (
            ["--amount", "12000", "--term", "12", "--installment-fee", "8.8%/term", "--method", "equal-principal"],
            "1088", "1056", "15.86", "17.07"
        ),
        // 0.6%/month card-instalment fee on 12,000 over 12 months: 1,000 + 72 a month.
        (
            ["--amount", "12000", "--term", "12", "--installment-fee", "0.6%/month", "--method", "equal-principal"],
            "1072", "864", "13.03", "13.84"
        ),
        // 0.05%/day (30/360) is 1.5% a month: the annuity payment 10000 × 0.015 / (1 − 1.015^−12) = 916.80.
        (
            ["--amount", "10000", "--term", "12", "--rate", "0.05%/day", "--day-count", "30/360"],
            "916.8", "1001.61", "18", "19.56"
        ),
    ])
    func handConversions(arguments: [String], payment: String, cost: String, nominal: String, effective: String) throws
    {
        let result = try BinaryRunner.run(["quote"] + arguments + ["--start", "2026-01-15", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        #expect("\(json["monthlyPayment"] ?? "")" == payment)
        #expect("\(json["totalCost"] ?? "")" == cost)
        #expect("\(json["nominalAPR"] ?? "")" == nominal)
        #expect("\(json["effectiveAPR"] ?? "")" == effective)
    }

    @Test func jsonCarriesTheWholeSchedule() throws {
        let result = try BinaryRunner.run([
            "quote", "--amount", "10000", "--term", "12", "--rate", "0.05%/day", "--method", "equal-installment",
            "--start", "2026-03-31", "--format", "json",
        ])
        #expect(result.status == 0)
        let json = try BinaryRunner.json(result.stdout)
        let rows = try #require(json["schedule"] as? [[String: Any]])
        #expect(rows.count == 12)
        for key in ["dueDate", "principal", "interest", "fees", "balance", "payment"] {
            #expect(rows.allSatisfy { $0[key] != nil }, "every row has \(key)")
        }
        // Month ends clamp: 31 March + 1 month is 30 April; + 11 months is 29 February 2027? No: 28 February 2027.
        #expect(rows[0]["dueDate"] as? String == "2026-04-30")
        #expect(rows[10]["dueDate"] as? String == "2027-02-28")
        // Amounts are read back exactly: principal sums to the amount to the fen.
        let principal = rows.map { Decimal(string: "\($0["principal"] ?? 0)") ?? 0 }.reduce(0, +)
        #expect(principal == 10000)
        for key in ["totalRepayment", "totalCost", "nominalAPR", "effectiveAPR"] { #expect(json[key] != nil) }
    }

    @Test func tableShowsScheduleAndSummary() throws {
        let result = try BinaryRunner.run([
            "quote", "--amount", "1200", "--term", "12", "--installment-fee", "0.66%/month", "--method",
            "equal-principal", "--start", "2026-01-10",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Total cost of credit   ¥95.04"))
        #expect(result.stdout.contains("Nominal APR            14.31%"))
        #expect(result.stdout.contains("2026-02-10"))
    }

    @Test(arguments: [
        (["--amount", "abc", "--term", "12"], "--amount"),
        (["--amount", "100.123", "--term", "12"], "at most 2 decimals"),
        (["--amount", "-5", "--term", "12"], "--amount"),
        (["--amount", "1000", "--term", "0"], "--term"),
        (["--amount", "1000", "--term", "999"], "--term"),
        (["--amount", "1000", "--term", "12", "--rate", "0.05%"], "--rate"),
        (["--amount", "1000", "--term", "12", "--rate", "0.05/day"], "must be a percentage"),
        (["--amount", "1000", "--term", "12", "--rate", "5%/fortnight"], "unknown period"),
        (["--amount", "1000", "--term", "12", "--rate", "8%/term"], "--rate"),
        (["--amount", "1000", "--term", "12", "--method", "balloon"], "--method"),
        (["--amount", "1000", "--term", "12", "--start", "2026-02-30"], "--start"),
        (["--amount", "1000", "--term", "12", "--installment-fee", "0.05%/day"], "--installment-fee"),
        (["--amount", "1000", "--term", "12", "--interest-free-days", "400"], "--interest-free-days"),
    ])
    func badFlagsExitWithUsageErrorNamingTheFlag(arguments: [String], expected: String) throws {
        let result = try BinaryRunner.run(["quote"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(result.stdout.isEmpty)
    }
}

/// `backstop apr`, run as a real process.
struct APRCommandTests {
    @Test func appendixJWithDatesFromAFile() throws {
        let result = try BinaryRunner.run([
            "apr", try BinaryRunner.fixture("appendix-j-c1-ii.json"), "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        let nominal = try #require(json["nominalAPR"] as? Double)
        #expect(abs(nominal - 11.82) < 0.005)
        // Unrounded: more than two decimals are printed.
        #expect(result.stdout.range(of: #""nominalAPR" : 11\.8\d{3,}"#, options: .regularExpression) != nil)
    }

    @Test func fractionTimesFromStandardInput() throws {
        let document = try String(contentsOfFile: try BinaryRunner.fixture("eu-98-7-example-1.json"), encoding: .utf8)
        let result = try BinaryRunner.run(["apr", "--format", "json"], stdin: document)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        #expect(abs((json["effectiveAPR"] as? Double ?? 0) - 12.96) < 0.005)
    }

    @Test func tableOutput() throws {
        let result = try BinaryRunner.run(["apr", try BinaryRunner.fixture("appendix-j-c1-ii.json")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Nominal APR    11.8165%"))
        #expect(result.stdout.contains("Effective APR"))
    }

    @Test(arguments: [
        ("bad-amount-type.json", "flows[1].amount"),
        ("bad-syntax.json", "bad-syntax.json:2:38: not valid JSON"),
        ("no-rate.json", "no rate exists"),
        ("bad-convention.json", #"convention: must be one of us-regz, eu, cn, got "uk""#),
        ("missing-time.json", "flows[1]"),
    ])
    func badDocumentsAreDataErrorsNamingThePath(fixture: String, expected: String) throws {
        let result = try BinaryRunner.run(["apr", try BinaryRunner.fixture(fixture)])
        #expect(result.status == 65, "\(fixture): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(fixture): \(result.stderr)")
        #expect(result.stderr.contains(fixture))
    }

    @Test func missingFileIsNoInput() throws {
        let result = try BinaryRunner.run(["apr", "/nonexistent/flows.json"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/flows.json"))
    }
}
