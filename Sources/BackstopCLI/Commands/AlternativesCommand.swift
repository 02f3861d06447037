import ArgumentParser
import Backstop
import Foundation

/// The profile and request inputs shared by `alternatives` and `diagnose`.
struct ProfileInput: ParsableArguments {
    @Option(help: "The user profile: a JSON file (wire format v1), or - for standard input.")
    var profile: String

    /// The profile, checked for contradictions between its counts and dated lists on `date` (exit 65 naming both
    /// fields).
    func load(on date: CalendarDate) throws -> UserProfile {
        let data = try readInput(profile)
        let source = profile == "-" ? "<stdin>" : profile
        let decoded: UserProfile
        do {
            decoded = try JSONInput.decode(UserProfile.self, from: data, source: source)
        } catch {
            throw failure(error.description, code: Exit.dataError)
        }
        if let contradiction = decoded.contradictions(on: date).first {
            throw failure("\(quoted(source)): \(contradiction.description)", code: Exit.dataError)
        }
        return decoded
    }
}

struct RequestInput: ParsableArguments {
    @Option(help: "A request document (JSON, wire format v1). Flags below override its fields.")
    var request: String?

    // `.unconditional`: a value that looks like a flag (`-100`) is still the value, refused with its bound.
    @Option(parsing: .unconditional, help: "Amount to borrow in yuan (default 5000 when no --request).")
    var amount: String?

    @Option(parsing: .unconditional, help: "Term in months (default 12 when no --request).")
    var term: Int?

    @Option(
        help: """
            What for (default cash): cash, purchase, business, education, medical, debt-repayment; home-purchase, \
            securities and crypto are refused by the rulebook, which says what is lawful instead.
            """
    )
    var purpose: Choice<LoanPurpose>?

    @Option(
        name: .customLong("max-monthly-payment"),
        parsing: .unconditional,
        help: "A ceiling on the monthly payment, in yuan."
    )
    var maxMonthlyPayment: String?

    @Option(name: .customLong("rank-by"), help: "Ranking: apr, cost, payment, likelihood or worst-case (default apr).")
    var rankBy: Choice<RankingPreference>?

    func load() throws -> LoanRequest {
        var request = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12)
        if let path = self.request {
            let data = try readInput(path)
            do {
                request = try JSONInput.decode(LoanRequest.self, from: data, source: path)
            } catch {
                throw failure(error.description, code: Exit.dataError)
            }
        }
        if let amount { request.amount = try Self.yuan(amount, flag: "--amount", in: Bounds.loanAmount) }
        if let term {
            do {
                request.termMonths = try Bounds.check(term, in: Bounds.termMonths, unit: " months")
            } catch {
                throw ValidationError("--term: \(error)")
            }
        }
        if let purpose { request.purpose = purpose.value }
        if let maxMonthlyPayment {
            request.maxMonthlyPayment = try Self.yuan(
                maxMonthlyPayment,
                flag: "--max-monthly-payment",
                in: Bounds.paymentCeiling
            )
        }
        if let rankBy { request.rankBy = rankBy.value }
        return request
    }

    /// An amount of yuan given on the command line, held to the same bounds as the request document's field.
    static func yuan(_ text: String, flag: String, in range: ClosedRange<Int64>) throws -> Money {
        do { return try Bounds.yuan(text, in: range) } catch { throw ValidationError("\(flag): \(error)") }
    }
}

/// Output formats of `alternatives`.
enum AlternativesFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv
}

/// `backstop alternatives`: why the primary services are closed, what to use instead, what it costs.
struct AlternativesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alternatives",
        abstract: "Diagnose Huabei and Jiebei, and rank the licensed alternatives by true cost.",
        discussion: """
            Examples:
              backstop alternatives --profile examples/profiles/late-repayment.json --amount 5000 --term 12
              backstop alternatives --profile p.json --request examples/requests/cash-5000-12m.json --format json
              backstop alternatives --profile p.json --rank-by likelihood --top 3
            """
    )

    @OptionGroup var input: ProfileInput
    @OptionGroup var requestInput: RequestInput
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var date: DateOption
    @OptionGroup var lang: LanguageOption

    @Option(help: "Show at most this many alternatives.")
    var top: Int?

    @Flag(
        name: .customLong("exact-term"),
        help: "Refuse offers at another term than the one asked for (default: list them after the exact matches)."
    )
    var exactTerm = false

    @Option(
        name: .customLong("inquiry-budget"),
        help: "Hard credit inquiries the application plan allows in 3 months, those on the report included (default 2)."
    )
    var inquiryBudget: Int?

    @Option(help: "Output format: table, json (wire format v1) or csv (one row per alternative).")
    var format: AlternativesFormat = .table

    @Option(
        help: """
            With --format json: full (the default, wire format v1), standard (no schedules) or summary (headline \
            figures), as HTTP's "detail".
            """
    )
    var detail: BatchDetail?

    @Option(
        help:
            "Also write an SVG chart comparing the alternatives (total cost and APR per provider, cumulative repayment over time)."
    )
    var chart: String?

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top: must be at least 1, got \(top)") }
        if detail != nil && format != .json { throw ValidationError("--detail: only with --format json") }
        if let inquiryBudget, !Bounds.inquiryBudget.contains(inquiryBudget) {
            throw ValidationError(
                "--inquiry-budget: must be \(Bounds.text(Bounds.inquiryBudget)), got \(inquiryBudget)"
            )
        }
    }

    func run() async throws {
        let day = try date.value()
        let profile = try input.load(on: day)
        let request = try requestInput.load()
        let loaded = try catalog.load()
        let policy = AggregatorPolicy(top: top, hardInquiryBudget: inquiryBudget ?? 2, exactTerm: exactTerm)
        let aggregator = Aggregator.standard(catalog: loaded, policy: policy)
        let recommendation = await aggregator.recommend(profile, request, on: day)
        let renderer = lang.renderer
        if let chart {
            try writeOutputAtomically(
                AlternativesChart(recommendation, renderer: renderer).svg(),
                to: chart,
                what: "the chart"
            )
        }
        switch format {
        case .json:
            switch detail?.answer ?? .full {
            case .summary: print(try encodeJSON(RecommendationSummary(recommendation, renderer)))
            case let chosen:
                print(
                    try encodeJSON(RecommendationDocument(recommendation, language: renderer.language, detail: chosen))
                )
            }
        case .csv: print(renderer.csv(recommendation))
        case .table: print(renderer.table(recommendation))
        }
    }
}

/// `backstop diagnose`: why Huabei and Jiebei are (or would be) closed, and what restores them.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract:
            "Say whether Huabei and Jiebei are open, restricted or closed for a profile, why, and what restores them."
    )

    @OptionGroup var input: ProfileInput
    @OptionGroup var date: DateOption
    @OptionGroup var lang: LanguageOption

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    func run() async throws {
        let day = try date.value()
        let profile = try input.load(on: day).resolved(on: day)
        let aggregator = Aggregator(providers: BuiltInProviders.all())
        let diagnosis = aggregator.diagnose(profile)
        let plan = aggregator.recovery(profile, diagnosis: diagnosis, on: day)
        let renderer = lang.renderer
        switch format {
        case .json:
            print(
                try encodeJSON(
                    DiagnosisDocument(
                        profile: profile,
                        diagnosis: diagnosis,
                        recovery: plan,
                        language: renderer.language
                    )
                )
            )
        case .table:
            var lines = renderer.diagnosisLines(diagnosis)
            if !plan.isEmpty {
                lines.append("")
                lines.append(renderer.t("Recovery plan", "恢复计划"))
                lines += renderer.recoveryLines(plan)
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
