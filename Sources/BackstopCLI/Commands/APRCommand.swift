import ArgumentParser
import BackstopCore
import BackstopPresentation
import Foundation

/// `backstop apr`: the APR of any cash-flow document.
struct APRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apr",
        abstract: "Compute the nominal and effective APR of a JSON document of cash flows.",
        discussion: """
            Input (a file, or standard input when FILE is - or absent):
              {"convention": "us-regz" | "eu" | "cn", "unitPeriodsPerYear": 12,
               "flows": [{"amount": -5000, "t": 0}, {"amount": 230, "t": 1}, ...]}
            Amounts are seen from the lender: advances negative, repayments and fees received positive.
            Each flow has "t" (unit periods after the first advance; a number or a fraction such as "19/30")
            or "date" ("YYYY-MM-DD"). See docs/cost-methods.md.
            """
    )

    @Argument(help: "The cash-flow document; - or nothing reads standard input.")
    var file: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    @OptionGroup var date: DateOption

    @OptionGroup var legality: LegalityOptions

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let data = try readInput(file)
        let source = file ?? "<stdin>"
        let document: APRRequestDocument
        do {
            document = try JSONInput.decode(APRRequestDocument.self, from: data, source: source)
        } catch {
            throw failure(error.description, code: Exit.dataError)
        }
        let calculator = APRCalculator(convention: document.convention, unitPeriodsPerYear: document.unitPeriodsPerYear)
        let apr: AnnualPercentageRate
        do {
            apr = try calculator.apr(of: document.flows)
        } catch {
            throw failure("\(source): \(error)", code: Exit.dataError)
        }
        let result = APRResultDocument(
            convention: document.convention,
            unitPeriodsPerYear: document.unitPeriodsPerYear,
            apr: apr
        )
        let day = try date.value()
        let licence = legality.licence?.value
        // The exact nominal rate (10 decimals), as the caps compare it.
        let verdict = legality.caps().verdict(aprPercent: result.nominalAPR, licence: licence, on: day)
        switch format {
        case .json:
            print(try encodeJSON(APRDocument(result, legality: verdict, language: lang.value)))
        case .table:
            let r = lang.renderer
            let periodic = Decimal.fromSolver(apr.periodicRate * 100, scale: 6)
            print(
                [
                    r.t(
                        "Convention     \(document.convention.rawValue), \(document.unitPeriodsPerYear) unit periods per "
                            + "year, \(document.flows.count) flows",
                        "计算惯例      \(document.convention.rawValue)，每年\(document.unitPeriodsPerYear)个单位期，"
                            + "\(document.flows.count)笔现金流"
                    ),
                    r.t("Periodic rate  \(periodic)% per unit period", "期利率        每单位期\(periodic)%"),
                    r.t("Nominal APR    ", "名义年化利率  ") + "\(result.nominalAPR.fixed(4))%"
                        + r.t("   (periodic rate × periods per year)", "   （期利率 × 每年期数）"),
                    r.t("Effective APR  ", "实际年化利率  ") + "\(result.effectiveAPR.fixed(4))%"
                        + r.t("   ((1 + periodic rate)^periods per year − 1)", "   （(1 + 期利率)^每年期数 − 1）"),
                    "",
                    r.legality(verdict, on: day, licence: licence),
                ].joined(separator: "\n")
            )
        }
    }
}
