import Foundation
import Testing

@testable import BackstopCore

/// 1,000 random schedules whose APR must agree with numpy-financial's `irr` (an independent implementation) to 1e-6.
///
/// Needs `python3` with `numpy-financial` (`.ci/run` installs it). Without it this test fails, saying so.
struct NumpyFinancialCrossCheckTests {
    @Test func aprAgreesWithNumpyFinancial() throws {
        var generator = SeededGenerator(seed: 42)
        var lines: [String] = []
        var ours: [Double] = []
        while ours.count < 1000 {
            var terms = PropertyTests.randomTerms(&generator)
            terms.pricing.interestFreeDays = 0
            if terms.method == .bullet { terms.method = .equalInstallment }
            if Bool.random(using: &generator) {
                terms.pricing.upfrontFee = .percent(Decimal(Int.random(in: 0...300, using: &generator)) / 100)
            }
            let quote = try CostEngine.quote(terms)
            let flows = quote.schedule.cashFlows
            let times = try APRCalculator(convention: .cn).unitPeriodTimes(of: flows)
            // Regular monthly schedules only: every flow on a whole month (numpy-financial's irr needs that).
            guard times.allSatisfy({ $0 == $0.rounded() }) else { continue }
            var byPeriod = [Decimal](repeating: 0, count: Int(times.max() ?? 0) + 1)
            for (flow, t) in zip(flows, times) { byPeriod[Int(t)] += flow.amount }
            lines.append("[" + byPeriod.map { "\($0)" }.joined(separator: ",") + "]")
            ours.append(quote.apr.nominalPercent)
        }
        let theirs = try runNumpyFinancial(lines)
        try #require(theirs.count == ours.count)
        var worst = 0.0
        for (index, (mine, reference)) in zip(ours, theirs).enumerated() {
            let difference = abs(mine - reference * 1200)
            worst = max(worst, difference)
            #expect(
                difference < 1e-6,
                "schedule \(index): backstop \(mine)% vs numpy-financial \(reference * 1200)%: \(lines[index])"
            )
        }
        #expect(worst < 1e-6)
    }

    func runNumpyFinancial(_ lines: [String]) throws -> [Double] {
        let script = try #require(
            Bundle.module.url(forResource: "npf_irr", withExtension: "py", subdirectory: "Fixtures")
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        // The input from a file, not a pipe: a python3 that exits at once (numpy-financial missing) must fail this
        // test with its message, not kill the test process with SIGPIPE.
        let inputURL = FileManager.default.temporaryDirectory.appendingPathComponent("npf-\(UUID().uuidString).txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: inputURL)
        defer { try? FileManager.default.removeItem(at: inputURL) }
        let input = try FileHandle(forReadingFrom: inputURL)
        defer { try? input.close() }
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "python3 with numpy-financial is needed (pip install numpy-financial): \(errorText)"
        )
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }
    }
}
