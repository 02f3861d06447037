import ArgumentParser
import BackstopCatalog
import BackstopCore
import BackstopProviders
import Foundation

/// `backstop bench`: performance measurements that the scripts in `Benchmarks/` drive.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (driven by the scripts in Benchmarks/).",
        subcommands: [APRBench.self, CatalogBench.self, RecommendBench.self]
    )

    /// P3: `recommend` in process, one profile at a time on one core, timed one by one; the time of one APR solve is
    /// measured in the same run, so each figure is also given in APR solves (steadier than seconds on a busy machine).
    struct RecommendBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recommend",
            abstract: "Time Aggregator.recommend for each profile of a JSON Lines file (median, p99, in APR solves)."
        )

        @OptionGroup var catalog: CatalogOptions

        @Option(help: "Profiles, one per line (bare profiles or {profile, request, date} envelopes, as batch reads).")
        var profiles: String

        @Option(help: "Use at most this many profiles (default all).")
        var count: Int?

        @Option(help: "The date recommendations are made on.")
        var date: String = "2026-11-25"

        @Flag(help: "Compute every offer afresh (no offer memo): the uncached figure.")
        var noMemo = false

        @Option(help: "Recommendations before timing starts (warm-up).")
        var warmUp: Int = 200

        func run() async throws {
            let directory = try catalog.directory()
            let loaded: Catalog
            do {
                loaded = try CatalogLoader().load(directory: directory, schemaPath: catalog.schema)
            } catch {
                throw failure(error.description, code: Exit.dataError)
            }
            let day: CalendarDate
            do { day = try Bounds.date(date) } catch { throw ValidationError("--date: \(error.message)") }
            guard let data = FileManager.default.contents(atPath: profiles) else {
                throw failure("cannot read \(profiles)", code: Exit.noInput)
            }
            var inputs: [(UserProfile, LoanRequest)] = []
            let fallback = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12)
            for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
                if let count, inputs.count >= count { break }
                do {
                    let item = try JSONInput.decode(
                        BatchLine.self,
                        from: Data(line),
                        source: "\(profiles):\(index + 1)"
                    )
                    inputs.append((item.profile, item.request ?? fallback))
                } catch {
                    throw failure(error.description, code: Exit.dataError)
                }
            }
            guard !inputs.isEmpty else { throw failure("\(profiles): no profiles", code: Exit.dataError) }
            let described: [any CreditProvider] = loaded.providers.map { DescribedProvider($0, memoize: !noMemo) }
            let aggregator = Aggregator(
                providers: BuiltInProviders.all() + described,
                caps: loaded.caps,
                policy: AggregatorPolicy(concurrentProviders: false),
                catalog: CatalogInfo(hash: loaded.hash, providers: loaded.count)
            )
            let clock = ContinuousClock()
            for index in 0..<min(warmUp, inputs.count) {
                _ = await aggregator.recommend(inputs[index].0, inputs[index].1, on: day)
            }
            var micros: [Double] = []
            micros.reserveCapacity(inputs.count)
            var alternatives = 0
            for (profile, request) in inputs {
                let started = clock.now
                let answer = await aggregator.recommend(profile, request, on: day)
                micros.append(Self.micros(clock.now - started))
                alternatives += answer.alternatives.count
            }
            micros.sort()
            let solve = Self.aprSolveMicros()
            let median = micros[micros.count / 2]
            let p99 = micros[min(micros.count - 1, Int((Double(micros.count) * 0.99).rounded(.up)) - 1)]
            let mean = micros.reduce(0, +) / Double(micros.count)
            print(
                #"{"providers": \#(aggregator.providers.count), "profiles": \#(micros.count), "memo": \#(!noMemo), "#
                    + #""medianMicros": \#(Self.rounded(median)), "p99Micros": \#(Self.rounded(p99)), "#
                    + #""meanMicros": \#(Self.rounded(mean)), "aprSolveMicros": \#(Self.rounded(solve)), "#
                    + #""medianInAPRSolves": \#(Self.rounded(median / solve)), "#
                    + #""p99InAPRSolves": \#(Self.rounded(p99 / solve)), "#
                    + #""alternativesPerProfile": \#(Self.rounded(Double(alternatives) / Double(micros.count)))}"#
            )
        }

        static func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) * 1e-12
        }

        static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

        /// The time of one APR solve, in microseconds: the cash flows of a 12-month equal-instalment loan of
        /// ¥5,000 at 0.05% a day, solved 20,000 times (the fastest of three passes).
        static func aprSolveMicros() -> Double {
            let amounts = [-5000.0] + Array(repeating: 450.98, count: 12)
            let times = (0...12).map(Double.init)
            let rounds = 20_000
            var best = Double.infinity
            var sink = 0.0
            for _ in 0..<3 {
                let clock = ContinuousClock()
                let started = clock.now
                for round in 0..<rounds {
                    var flows = amounts
                    flows[12] += Double(round % 7) * 0.01
                    sink += (try? APRCalculator.solve(amounts: flows, times: times)) ?? 0
                }
                best = min(best, micros(clock.now - started) / Double(rounds))
            }
            if sink.isNaN { print("") }
            return best
        }
    }

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
