import ArgumentParser
import BackstopCatalog
import BackstopCore
import Foundation

/// `backstop bench`: performance measurements that the scripts in `Benchmarks/` drive.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (driven by the scripts in Benchmarks/).",
        subcommands: [APRBench.self, CatalogBench.self]
    )

    /// Loads a catalog directory (parse + validate + build providers) several times and reports the fastest.
    struct CatalogBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalog",
            abstract: "Time loading a catalog directory: safe parse, XSD validation, semantic checks, providers."
        )

        @OptionGroup var catalog: CatalogOptions

        @Option(help: "How many loads (the fastest is reported).")
        var repeats: Int = 3

        @Option(help: "Files loaded at once (default: one per core).")
        var jobs: Int?

        func run() throws {
            let directory = try catalog.directory()
            var best = Double.infinity
            var loaded: Catalog?
            for _ in 0..<max(1, repeats) {
                let clock = ContinuousClock()
                let started = clock.now
                do {
                    loaded = try CatalogLoader(workers: jobs).load(directory: directory, schemaPath: catalog.schema)
                } catch {
                    throw failure(error.description, code: Exit.dataError)
                }
                let elapsed = clock.now - started
                best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let count = loaded?.count ?? 0
            print(#"{"providers": \#(count), "seconds": \#(best), "providersPerSecond": \#(Double(count) / best)}"#)
        }
    }

    /// Solves the periodic IRR of many equally spaced cash-flow sequences.
    struct APRBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apr",
            abstract: "Solve the IRR of each line of a file (space-separated amounts at t = 0, 1, 2, ...)."
        )

        @Option(help: "Input: one schedule per line, amounts separated by spaces, flows at t = 0, 1, 2, ...")
        var input: String

        @Option(help: "Where to write the periodic rate of each line (one per line).")
        var output: String?

        @Option(help: "How many times to solve the whole file (the fastest pass is reported).")
        var repeats: Int = 3

        func run() throws {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw failure("cannot read \(input)", code: Exit.noInput)
            }
            var schedules: [[Double]] = []
            for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
                let values = line.split(separator: " ").map { Double($0) }
                guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                    throw failure("\(input):\(index + 1): expected space-separated numbers", code: Exit.dataError)
                }
                schedules.append(values.compactMap { $0 })
            }
            let maxLength = schedules.map(\.count).max() ?? 0
            // One times array per length, made before the clock starts.
            let timesByLength = (0...maxLength).map { length in (0..<length).map(Double.init) }
            var rates = [Double](repeating: .nan, count: schedules.count)
            var best = Double.infinity
            for _ in 0..<max(1, repeats) {
                let clock = ContinuousClock()
                let started = clock.now
                for (index, amounts) in schedules.enumerated() {
                    rates[index] =
                        (try? APRCalculator.solve(amounts: amounts, times: timesByLength[amounts.count]))
                        ?? .nan
                }
                let elapsed = clock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                best = min(best, seconds)
            }
            if let output {
                let text = rates.map { String(format: "%.17g", $0) }.joined(separator: "\n") + "\n"
                try writeOutputAtomically(text, to: output, what: "the rates")
            }
            let perSecond = Double(schedules.count) / best
            print(#"{"count": \#(schedules.count), "seconds": \#(best), "perSecond": \#(perSecond)}"#)
        }
    }
}
