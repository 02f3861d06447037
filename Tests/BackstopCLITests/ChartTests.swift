import Backstop
import Foundation
import Testing

@testable import BackstopCLI

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `AlternativesChart` in process (parsed back with `XMLParser`), and `backstop alternatives --chart` end to end.
struct ChartTests {
    static let repository = ProvidersCommandTests.repository
    static let catalog = ProvidersCommandTests.catalog
    static let day = CalendarDate(year: 2026, month: 11, day: 25)!

    static func example(_ path: String) -> String { repository.appendingPathComponent("examples/" + path).path }

    static func profile(_ name: String) throws -> UserProfile {
        let path = example("profiles/\(name).json")
        return try JSONInput.decode(UserProfile.self, from: Data(contentsOf: URL(fileURLWithPath: path)), source: path)
    }

    static func request(_ name: String) throws -> LoanRequest {
        let path = example("requests/\(name).json")
        return try JSONInput.decode(LoanRequest.self, from: Data(contentsOf: URL(fileURLWithPath: path)), source: path)
    }

    /// The recommendation `backstop alternatives` computes for an example profile and request.
    static func recommendation(profile: String, request: String) async throws -> Recommendation {
        let aggregator = try Aggregator.standard(catalogDirectory: catalog)
        return await aggregator.recommend(try Self.profile(profile), try Self.request(request), on: day)
    }

    /// A licensed cash lender with no rules of its own, at a fixed annual rate: always eligible.
    static func lender(id: ProviderID, nameEN: String, nameZH: String, percent: Decimal) -> any CreditProvider {
        let rate = AnnualRate(percent: percent)
        return DescribedProvider(
            ProviderDescription(
                id: id,
                nameEN: nameEN,
                nameZH: nameZH,
                operatorName: "Test",
                licence: Licence(kind: .bank),
                channel: "other",
                productKind: .cashLoan,
                purposes: [.cash],
                minAmount: Money(minorUnits: 100),
                maxAmount: Money(minorUnits: 100_000_000),
                terms: [12],
                pricing: [PricingRule(interest: .annual(RateRange(min: rate, max: rate)))],
                methods: [.equalInstallment],
                eligibility: EligibilityRules(),
                status: [StatusPeriod(state: .open, from: CalendarDate(year: 2020, month: 1, day: 1)!)]
            )
        )
    }

    /// The recommendation for the late-repayment example when only `providers` are compared.
    static func recommendation(providers: [any CreditProvider]) async throws -> Recommendation {
        await Aggregator(providers: providers).recommend(
            try profile("late-repayment"),
            try request("cash-5000-12m"),
            on: day
        )
    }

    // MARK: - Panel 1: bars

    @Test(arguments: [("late-repayment", "cash-5000-12m"), ("healthy", "cash-50000-24m")])
    func barsFollowTheRankingWithExactCostsAndAPRs(profile: String, request: String) async throws {
        let recommendation = try await Self.recommendation(profile: profile, request: request)
        let alternatives = recommendation.alternatives
        try #require(!alternatives.isEmpty)
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        #expect(svg.name == "svg")
        #expect(svg.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg.all(named: "title").first?.text.contains(recommendation.profileID) == true)
        #expect(svg.all(named: "script").isEmpty)

        let bars = svg.all(class: "bar")
        #expect(bars.count == alternatives.count)
        #expect(bars.map { $0.attributes["data-provider"] } == alternatives.map(\.details.id.rawValue))
        let rows = svg.all(class: "bar-row")
        #expect(rows.count == alternatives.count)
        for (index, (bar, alternative)) in zip(bars, alternatives).enumerated() {
            let quote = alternative.offer.quote
            let cost = try #require(bar.attributes["data-total-cost"])
            #expect(cost == quote.totalCost.plainString)
            #expect(try Money(parsing: cost).minorUnits == quote.totalCost.minorUnits)
            #expect(quote.totalCost == quote.totalInterest + quote.totalFees)
            let apr = try #require(bar.attributes["data-apr"])
            #expect(apr.wholeMatch(of: /\d+\.\d\d/) != nil, "\(apr)")
            #expect(Decimal(string: apr) == quote.nominalAPR)

            let value = try #require(rows[index].all(class: "value").first).text
            #expect(value.contains(quote.totalCost.formatted), "\(value)")
            #expect(value.contains("APR \(apr)%"), "\(value)")
            #expect(value.contains(/¥\d{1,3}(,\d{3})*\.\d\d/))
            let label = try #require(rows[index].all(class: "name").first)
            #expect(label.all(named: "title").first?.text.contains(alternative.details.nameEN) == true)
        }
        if alternatives.contains(where: { $0.offer.quote.totalCost.minorUnits >= 100_000 }) {
            #expect(svg.all(class: "value").contains { $0.text.contains(/¥\d{1,3},\d{3}\.\d\d/) })
        }
        #expect(svg.all(class: "axis-label").contains { $0.text == "Total cost (CNY)" })
    }

    @Test func barWidthsAreProportionalToTotalCost() async throws {
        let recommendation = try await Self.recommendation(profile: "healthy", request: "cash-50000-24m")
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        let bars = svg.all(class: "bar")
        try #require(bars.count == recommendation.alternatives.count && bars.count > 1)
        let widths = try bars.map { try #require(Double($0.attributes["width"] ?? "")) }
        let costs = recommendation.alternatives.map { Double($0.offer.quote.totalCost.minorUnits) }
        let widest = try #require(widths.max())
        let largest = try #require(costs.max())
        #expect(widths.firstIndex(of: widest) == costs.firstIndex(of: largest))
        for (width, cost) in zip(widths, costs) {
            #expect(abs(width / widest - cost / largest) < 0.001, "width \(width) for cost \(cost)")
        }
        // Bars start at zero on the axis, and the axis ends past the largest cost.
        let panel = try #require(svg.all(class: "cost-panel").first)
        let plot = try #require(panel.all(class: "plot-area").first)
        #expect(bars.allSatisfy { $0.attributes["x"] == plot.attributes["x"] })
        let axisMax = try Money(parsing: try #require(panel.attributes["data-axis-max"]))
        #expect(Double(axisMax.minorUnits) >= largest)
    }

    // MARK: - Panel 2: lines and legend

    @Test(arguments: [("late-repayment", "cash-5000-12m"), ("healthy", "cash-50000-24m")])
    func repaymentLinesEndAtEachTotalRepaidWithAMatchingLegend(profile: String, request: String) async throws {
        let recommendation = try await Self.recommendation(profile: profile, request: request)
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        let shown = Array(recommendation.alternatives.prefix(5))
        let lines = svg.all(class: "repayment")
        #expect(lines.count == shown.count)
        #expect(lines.count <= 5)
        #expect(lines.map { $0.attributes["data-provider"] } == shown.map(\.details.id.rawValue))

        let panel = try #require(svg.all(class: "repayment-panel").first)
        let plot = try #require(panel.all(class: "plot-area").first)
        let top = try #require(Double(plot.attributes["y"] ?? ""))
        let height = try #require(Double(plot.attributes["height"] ?? ""))
        let axisMin = try Money(parsing: try #require(panel.attributes["data-axis-min"])).minorUnits
        let axisMax = try Money(parsing: try #require(panel.attributes["data-axis-max"])).minorUnits
        try #require(axisMax > axisMin)

        var lastYs: [Double] = []
        for (line, alternative) in zip(lines, shown) {
            let points = try line.points()
            let schedule = alternative.offer.quote.schedule
            #expect(points.count == schedule.rows.count + 1)
            let last = try #require(points.last)
            let total = schedule.totalRepayment
            #expect(line.attributes["data-total-repayment"] == total.plainString)
            let expectedY =
                top + height - Double(total.minorUnits - axisMin) / Double(axisMax - axisMin) * height
            #expect(abs(last.y - expectedY) <= 0.1, "\(alternative.details.id): \(last.y) vs \(expectedY)")
            #expect(zip(points, points.dropFirst()).allSatisfy { $0.x < $1.x && $0.y >= $1.y })
            lastYs.append(last.y)
        }
        // The highest end point (smallest y) is the largest cumulative total.
        let highest = try #require(lastYs.indices.min { lastYs[$0] < lastYs[$1] })
        let largest = shown.map(\.offer.quote.schedule.totalRepayment).max()
        #expect(shown[highest].offer.quote.schedule.totalRepayment == largest)

        let legend = svg.all(class: "legend-item")
        #expect(legend.map { $0.attributes["data-provider"] } == lines.map { $0.attributes["data-provider"] })
        for (item, (line, alternative)) in zip(legend, zip(lines, shown)) {
            let swatch = try #require(item.all(class: "swatch").first)
            #expect(swatch.attributes["fill"] == line.attributes["stroke"])
            #expect(item.text.contains(alternative.details.nameEN.prefix(10)))
            #expect(item.text.contains(alternative.offer.quote.schedule.totalRepayment.formatted))
        }
        #expect(Set(lines.compactMap { $0.attributes["stroke"] }).count == lines.count)
        #expect(svg.all(class: "axis-label").contains { $0.text.contains("(CNY)") && $0.text.contains("repaid") })
        #expect(svg.all(class: "axis-label").contains { $0.text.contains("Months") })
        #expect(panel.all(class: "grid").count >= 4)
    }

    // MARK: - Text and edge cases

    @Test func escapesMarkupInProviderNames() async throws {
        let nameEN = "Evil <script>alert('x')</script> & \"Sons\" Lender"
        let nameZH = "坏<&>贷"
        let recommendation = try await Self.recommendation(providers: [
            Self.lender(id: "evil-lender", nameEN: nameEN, nameZH: nameZH, percent: 12)
        ])
        try #require(recommendation.alternatives.count == 1)
        let text = AlternativesChart(recommendation).svg()
        #expect(!text.contains("<script"))
        #expect(!text.contains("<&>"))
        #expect(text.contains("坏&lt;&amp;&gt;贷"))
        #expect(text.contains("&quot;Sons&quot;"))
        #expect(text.contains("alert(&apos;x&apos;)"))
        let svg = try SVGNode.parse(text)
        #expect(svg.all(named: "script").isEmpty)
        let label = try #require(svg.all(class: "name").first)
        #expect(label.all(named: "title").first?.text == "\(nameZH) \(nameEN)")
        #expect(svg.all(class: "legend-item").first?.all(named: "title").first?.text == "\(nameZH) \(nameEN)")
    }

    @Test func controlCharactersInNamesCannotBreakTheDocument() async throws {
        let recommendation = try await Self.recommendation(providers: [
            Self.lender(id: "odd-lender", nameEN: "Odd\u{1}\nLender\u{7}", nameZH: "", percent: 12)
        ])
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        #expect(svg.all(class: "name").first?.all(named: "title").first?.text == "Odd Lender")
    }

    @Test func emptyRecommendationSaysNoEligibleAlternatives() async throws {
        let recommendation = try await Self.recommendation(profile: "identity-abnormal", request: "cash-5000-12m")
        try #require(recommendation.alternatives.isEmpty)
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        #expect(svg.all(class: "empty").first?.text == "No eligible alternatives")
        #expect(svg.all(named: "desc").first?.text.contains("No eligible alternatives") == true)
        #expect(svg.all(class: "bar").isEmpty)
        #expect(svg.all(class: "repayment").isEmpty)
        #expect(svg.all(class: "legend-item").isEmpty)
    }

    @Test func oneAlternativeGetsOneBarOneLineAndOneLegendItem() async throws {
        let recommendation = try await Self.recommendation(providers: [
            Self.lender(id: "only-lender", nameEN: "Only Lender", nameZH: "唯一贷", percent: Decimal(string: "7.2")!)
        ])
        try #require(recommendation.alternatives.count == 1)
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        #expect(svg.all(class: "bar").map { $0.attributes["data-provider"] } == ["only-lender"])
        #expect(svg.all(class: "repayment").map { $0.attributes["data-provider"] } == ["only-lender"])
        #expect(svg.all(class: "legend-item").map { $0.attributes["data-provider"] } == ["only-lender"])
    }

    /// Equal costs give equal bars; zero costs give a zero-width bar on a non-empty axis (no division by zero).
    @Test(arguments: [Decimal(0), Decimal(10)])
    func equalCostsGiveEqualBarsAndZeroCostsDoNotDivideByZero(percent: Decimal) async throws {
        let recommendation = try await Self.recommendation(providers: [
            Self.lender(id: "lender-a", nameEN: "Lender A", nameZH: "甲贷", percent: percent),
            Self.lender(id: "lender-b", nameEN: "Lender B", nameZH: "乙贷", percent: percent),
        ])
        try #require(recommendation.alternatives.count == 2)
        let costs = recommendation.alternatives.map(\.offer.quote.totalCost)
        #expect(costs[0] == costs[1])
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        for node in svg.descendants {
            for key in ["x", "y", "width", "height", "x1", "y1", "x2", "y2"] {
                guard let value = node.attributes[key], !value.hasSuffix("%") else { continue }
                #expect(Double(value)?.isFinite == true, "\(node.name) \(key)=\(value)")
            }
        }
        let widths = svg.all(class: "bar").compactMap { Double($0.attributes["width"] ?? "") }
        #expect(widths.count == 2)
        #expect(widths[0] == widths[1])
        if percent == 0 {
            #expect(costs[0].minorUnits == 0)
            #expect(widths == [0, 0])
            #expect(svg.all(class: "value").allSatisfy { $0.text.hasPrefix("¥0.00") })
        } else {
            #expect(widths[0] > 0)
        }
        for line in svg.all(class: "repayment") {
            #expect(try line.points().allSatisfy { $0.x.isFinite && $0.y.isFinite })
        }
    }

    @Test func longNamesAreCutWithAnEllipsisAndKeptWholeInATooltip() async throws {
        let nameEN = String(repeating: "Very Long Consumer Finance Company Name ", count: 5) + "End"
        let nameZH = String(repeating: "超长的消费金融公司名称", count: 6)
        let recommendation = try await Self.recommendation(providers: [
            Self.lender(id: "long-lender", nameEN: nameEN, nameZH: nameZH, percent: 12)
        ])
        let svg = try SVGNode.parse(AlternativesChart(recommendation).svg())
        let label = try #require(svg.all(class: "name").first)
        #expect(label.all(named: "title").first?.text == "\(nameZH) \(nameEN)")
        let visible = label.all(named: "tspan").map(\.text)
        #expect(visible.count == 2)
        for line in visible {
            #expect(line.hasSuffix("…"), "\(line)")
            #expect(line.displayWidth <= 48, "\(line)")
        }
        let legend = try #require(svg.all(class: "legend-name").first)
        #expect(legend.all(named: "title").first?.text == "\(nameZH) \(nameEN)")
        #expect(legend.text.contains("…"))
    }

    @Test func truncationCountsCJKCharactersAsTwoColumns() {
        #expect(AlternativesChart.truncated("招联好期贷", columns: 10) == "招联好期贷")
        #expect(AlternativesChart.truncated("招联好期贷", columns: 9) == "招联好期…")
        #expect(AlternativesChart.truncated("Zhaolian Haoqidai", columns: 10) == "Zhaolian…")
    }

    @Test func axisTicksAreRoundIntegerAmounts() {
        let scale = MoneyAxis(lowest: 0, highest: 64_091, currency: .cny)
        #expect(scale.ticks == [0, 20_000, 40_000, 60_000, 80_000])
        #expect(scale.wholeUnits)
        let zero = MoneyAxis(lowest: 0, highest: 0, currency: .cny)
        #expect(zero.upper > zero.lower)
        let cents = MoneyAxis(lowest: 0, highest: 3, currency: .cny)
        #expect(cents.ticks == [0, 1, 2, 3])
        #expect(!cents.wholeUnits)
        #expect(AlternativesChart.tickText(120_000, currency: .cny, wholeUnits: true) == "¥1,200")
        #expect(AlternativesChart.tickText(2, currency: .cny, wholeUnits: false) == "¥0.02")
    }

    // MARK: - End to end

    static let arguments = [
        "alternatives", "--profile", example("profiles/late-repayment.json"), "--request",
        example("requests/cash-5000-12m.json"), "--catalog", catalog, "--date", "2026-11-25",
    ]

    @Test func chartFlagWritesTheSVGAndLeavesStdoutAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-chart-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("c.svg").path
        // An existing file is replaced whole.
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))

        let plain = try BinaryRunner.run(Self.arguments)
        let charted = try BinaryRunner.run(Self.arguments + ["--chart", path])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(charted.status == 0, "\(charted.stderr)")
        #expect(charted.stdout == plain.stdout)
        #expect(charted.stderr == plain.stderr)

        let data = try #require(FileManager.default.contents(atPath: path))
        let svg = try SVGNode.parse(String(decoding: data, as: UTF8.self))
        #expect(svg.name == "svg")
        // One bar per alternative, in the answer's order (the shipped catalog's eight for this request: MYbank Wangshangdai is a
        // business loan, refused for cash by the rulebook).
        let listed = try #require(
            try BinaryRunner.json(try BinaryRunner.run(Self.arguments + ["--format", "json"]).stdout)["alternatives"]
                as? [[String: Any]]
        )
        #expect(listed.count == 8)
        #expect(
            svg.all(class: "bar").map { $0.attributes["data-provider"] } == listed.map { $0["provider"] as? String }
        )
        #expect(svg.all(class: "bar").first?.attributes["data-provider"] == "zhaolian-haoqidai")
        // A cost-incomplete offer (Fenqile's guarantee fee is not published) is marked as in the text table.
        let values = svg.all(class: "value").map(\.text)
        #expect(values.contains { $0.hasPrefix("¥507.67+? ") }, "\(values)")
        #expect(values.contains { $0.hasPrefix("¥502.56 ") })
        #expect(svg.all(class: "note").contains { $0.text.hasPrefix("+? a mandatory fee is not published") })
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["c.svg"])

        let json = try BinaryRunner.run(Self.arguments + ["--format", "json"])
        let jsonCharted = try BinaryRunner.run(Self.arguments + ["--format", "json", "--chart", path])
        #expect(jsonCharted.status == 0)
        #expect(jsonCharted.stdout == json.stdout)
    }

    @Test func chartToAMissingDirectoryFailsWith73NamingThePath() throws {
        let result = try BinaryRunner.run(Self.arguments + ["--chart", "/nonexistent-dir/c.svg"])
        #expect(result.status == 73)
        #expect(result.stderr.contains("/nonexistent-dir/c.svg"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: cannot write the chart"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}

/// An element of a parsed SVG document: name, attributes, children and all the text inside it.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    /// The character data of this element and its descendants, in document order.
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Parses a document with Foundation's `XMLParser` (our own output only: it is not safe for untrusted input).
    /// - Throws: when the document is not well-formed XML.
    static func parse(_ text: String) throws -> SVGNode {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        let parsed = parser.parse()
        if let error = builder.error ?? parser.parserError {
            throw RunnerError(message: "not well-formed XML: \(error)")
        }
        guard parsed, let root = builder.root else { throw RunnerError(message: "not well-formed XML") }
        return root
    }

    /// This element and its descendants, depth first.
    var descendants: [SVGNode] { [self] + children.flatMap(\.descendants) }

    func all(named name: String) -> [SVGNode] { descendants.filter { $0.name == name } }

    func all(class name: String) -> [SVGNode] {
        descendants.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains { $0 == name } }
    }

    /// A polyline's `points`.
    func points() throws -> [(x: Double, y: Double)] {
        try (attributes["points"] ?? "").split(separator: " ").map { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2 else { throw RunnerError(message: "bad point \(pair)") }
            return (parts[0], parts[1])
        }
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: SVGNode?
        var stack: [SVGNode] = []
        var error: (any Error)?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = SVGNode(name: elementName, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for node in stack { node.text += string }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            error = parseError
        }
    }
}
