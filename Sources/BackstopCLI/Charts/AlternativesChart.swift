import BackstopCore
import BackstopPresentation
import Foundation

/// A standalone SVG 1.1 chart of a recommendation's alternatives, written by `backstop alternatives --chart FILE`.
///
/// Two panels:
/// 1. a horizontal bar per alternative, in ranking order: the total cost of credit (interest and fees), labelled with
///    the amount and the APR;
/// 2. the cumulative amount repaid, instalment by instalment, for the first ``maximumLines`` alternatives.
///
/// Every amount printed comes from integer minor units (``Money/minorUnits``); binary floating point is used only for
/// pixel positions. Elements carry stable attributes for tests and tools: `rect.bar[data-provider][data-total-cost]
/// [data-apr]`, `polyline.repayment[data-provider]` and `g.legend-item[data-provider]`. No scripts and no external
/// resources: the file renders the same offline.
struct AlternativesChart: Sendable {
    /// The recommendation drawn.
    let recommendation: Recommendation

    /// At most this many alternatives get a line in the repayment panel.
    static let maximumLines = 5

    /// The message drawn instead of the panels when no alternative is eligible.
    var emptyMessage: String { r.t("No eligible alternatives", "没有符合条件的备选渠道") }

    /// Series colours (Okabe–Ito, readable by most colour-blind people), in ranking order.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]

    /// The bar colour of alternatives ranked below the ones that get a line.
    static let otherBarColour = "#9AA5B1"

    /// The language of every word in the chart.
    let r: Renderer

    init(_ recommendation: Recommendation, renderer: Renderer = Renderer(.en)) {
        self.recommendation = recommendation
        self.r = renderer
    }

    /// The SVG document, UTF-8 text starting with the XML declaration.
    func svg() -> String {
        var canvas = Canvas()
        var y = header(&canvas)
        if recommendation.alternatives.isEmpty {
            y = emptyPanel(&canvas, top: y)
        } else {
            y = costPanel(&canvas, top: y)
            y = repaymentPanel(&canvas, top: y + Layout.panelGap)
            y = footnote(&canvas, top: y)
        }
        return canvas.document(width: Layout.width, height: y + Layout.margin, title: title, description: description)
    }

    // MARK: - Text

    private var currencyCode: String { recommendation.request.amount.currency.code }

    private var title: String {
        let request = recommendation.request
        return r.t(
            "Backstop alternatives for \(recommendation.profileID): \(r.money(request.amount)) over "
                + "\(request.termMonths) months for \(r.purpose(request.purpose)), \(r.date(recommendation.date))",
            "Backstop 备选渠道：\(recommendation.profileID)，\(r.purpose(request.purpose))\(r.money(request.amount))，"
                + "\(request.termMonths)个月，\(r.date(recommendation.date))"
        )
    }

    private var description: String {
        let alternatives = recommendation.alternatives
        guard !alternatives.isEmpty else {
            return emptyMessage + r.t(": no licensed provider can serve this request.", "：没有持牌渠道能满足本次申请。")
        }
        let ranked = alternatives.enumerated().map { index, alternative in
            let quote = alternative.offer.quote
            return "\(index + 1). \(Self.fullName(alternative.details))"
                + r.t(
                    ": total cost \(r.money(quote.totalCost))\(alternative.offer.isCostIncomplete ? " and unpublished fees" : ""), "
                        + "APR \(r.percent(quote.nominalAPR))",
                    "：总成本\(r.money(quote.totalCost))\(alternative.offer.isCostIncomplete ? "及未公布的费用" : "")，"
                        + "年化利率\(r.percent(quote.nominalAPR))"
                )
        }
        let shown = min(alternatives.count, Self.maximumLines)
        return r.t(
            "Total cost of credit (interest and fees, \(currencyCode)) and APR of \(alternatives.count) licensed "
                + "alternatives, ranked by \(r.ranking(recommendation.request.rankBy)): "
                + ranked.joined(separator: "; ") + ". Then the cumulative amount repaid per instalment for the first "
                + "\(shown).",
            "\(alternatives.count)个持牌备选渠道的借款总成本（利息和费用，\(currencyCode)）和年化利率，按"
                + "\(r.ranking(recommendation.request.rankBy))排序：" + ranked.joined(separator: "；")
                + "。然后是前\(shown)个渠道每期累计还款金额。"
        )
    }

    /// `招联好期贷 Zhaolian Haoqidai`, or one name when the other is empty or the same.
    static func fullName(_ details: ProviderDescription) -> String {
        let zh = singleLine(details.nameZH)
        let en = singleLine(details.nameEN)
        if zh.isEmpty || zh == en { return en.isEmpty ? details.id.rawValue : en }
        if en.isEmpty { return zh }
        return zh + " " + en
    }

    /// Whitespace runs (newlines and tabs included) become one space.
    static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    /// The text cut to at most `columns` terminal columns (CJK characters count two), with `…` when cut.
    static func truncated(_ text: String, columns: Int) -> String {
        guard text.displayWidth > columns else { return text }
        var result = ""
        var width = 0
        for character in text {
            let characterWidth = String(character).displayWidth
            if width + characterWidth > columns - 1 { break }
            result.append(character)
            width += characterWidth
        }
        while result.last?.isWhitespace == true { result.removeLast() }
        return result + "…"
    }

    /// A tick label: `¥1,200` when every tick is a whole number of yuan, else `¥1,200.50`.
    static func tickText(_ minorUnits: Int64, currency: Currency, wholeUnits: Bool) -> String {
        let text = Money(minorUnits: minorUnits, currency: currency).formatted
        guard wholeUnits, let point = text.lastIndex(of: ".") else { return text }
        return String(text[..<point])
    }

    // MARK: - Header and footer

    private func header(_ canvas: inout Canvas) -> Double {
        let request = recommendation.request
        canvas.text(
            r.t("Backstop: licensed alternatives, compared", "Backstop：持牌备选渠道对比"),
            x: Layout.margin,
            y: Layout.margin + 18,
            class: "chart-title"
        )
        let subtitle =
            r.t(
                "Profile \(recommendation.profileID) · \(r.money(request.amount)) over \(request.termMonths) months "
                    + "for \(r.purpose(request.purpose)) · ranked by \(r.ranking(request.rankBy)) · "
                    + r.date(recommendation.date),
                "用户 \(recommendation.profileID) · \(r.purpose(request.purpose))\(r.money(request.amount)) · "
                    + "\(request.termMonths)个月 · 按\(r.ranking(request.rankBy))排序 · \(r.date(recommendation.date))"
            )
        canvas.text(Self.truncated(subtitle, columns: 130), x: Layout.margin, y: Layout.margin + 40, class: "subtitle")
        return Layout.margin + 56
    }

    private func emptyPanel(_ canvas: inout Canvas, top: Double) -> Double {
        let height = 140.0
        canvas.leaf(
            "rect",
            [
                ("class", "empty-panel"), ("x", px(Layout.margin)), ("y", px(top)),
                ("width", px(Layout.width - 2 * Layout.margin)), ("height", px(height)), ("rx", "6"),
            ]
        )
        canvas.text(emptyMessage, x: Layout.width / 2, y: top + height / 2, class: "empty", anchor: "middle")
        canvas.text(
            r.t(
                "No licensed provider can serve this request now: the text output says why not and what restores "
                    + "access.",
                "目前没有持牌渠道能满足本次申请：文字输出说明了原因以及如何恢复。"
            ),
            x: Layout.width / 2,
            y: top + height / 2 + 28,
            class: "note",
            anchor: "middle"
        )
        return top + height
    }

    private func footnote(_ canvas: inout Canvas, top: Double) -> Double {
        var y = top
        canvas.text(
            r.t(
                "Total cost = everything repaid − the amount borrowed (interest and fees). APR is the nominal annual "
                    + "rate.",
                "总成本 = 全部还款 − 借款本金（利息和费用）。年化利率为名义年化利率。"
            ),
            x: Layout.margin,
            y: y + 14,
            class: "note"
        )
        y += 14
        if recommendation.alternatives.contains(where: \.offer.isCostIncomplete) {
            canvas.text(
                r.t(
                    "+? a mandatory fee is not published: the real cost is higher than the bar.",
                    "+? 有必付费用未公布金额：实际成本高于所示。"
                ),
                x: Layout.margin,
                y: y + 18,
                class: "note"
            )
            y += 18
        }
        if recommendation.alternatives.contains(where: \.offer.isEstimate) {
            canvas.text(
                r.t(
                    "* Backstop's estimate within the provider's published range, not the provider's own quote.",
                    "* Backstop 在该渠道公布区间内的估算，并非该渠道自己的报价。"
                ),
                x: Layout.margin,
                y: y + 18,
                class: "note"
            )
            y += 18
        }
        return y
    }

    // MARK: - Panel 1: total cost per alternative

    private func costPanel(_ canvas: inout Canvas, top: Double) -> Double {
        let alternatives = recommendation.alternatives
        let currency = recommendation.request.amount.currency
        canvas.text(
            r.t(
                "Total cost of credit per alternative (interest + fees), in ranking order",
                "各备选渠道的借款总成本（利息 + 费用），按排序"
            ),
            x: Layout.margin,
            y: top + 16,
            class: "panel-title"
        )
        let plot = Rect(
            x: Layout.barPlotX,
            y: top + 32,
            width: Layout.barPlotWidth,
            height: Double(alternatives.count) * Layout.rowHeight
        )
        let costs = alternatives.map(\.offer.quote.totalCost.minorUnits)
        let scale = MoneyAxis(lowest: costs.min() ?? 0, highest: costs.max() ?? 0, currency: currency)
        func x(_ minorUnits: Int64) -> Double { plot.x + scale.fraction(of: minorUnits) * plot.width }

        canvas.open("g", [("class", "panel cost-panel"), ("data-axis-max", scale.text(scale.upper))])
        canvas.leaf(
            "rect",
            [
                ("class", "plot-area"), ("x", px(plot.x)), ("y", px(plot.y)), ("width", px(plot.width)),
                ("height", px(plot.height)),
            ]
        )
        for tick in scale.ticks {
            let tickX = x(tick)
            canvas.line(class: "grid", x1: tickX, y1: plot.y, x2: tickX, y2: plot.bottom)
            canvas.line(class: "axis", x1: tickX, y1: plot.bottom, x2: tickX, y2: plot.bottom + 5)
            canvas.text(
                Self.tickText(tick, currency: currency, wholeUnits: scale.wholeUnits),
                x: tickX,
                y: plot.bottom + 18,
                class: "tick",
                anchor: "middle"
            )
        }
        canvas.line(class: "axis", x1: plot.x, y1: plot.bottom, x2: plot.right, y2: plot.bottom)
        canvas.line(class: "axis", x1: x(0), y1: plot.y, x2: x(0), y2: plot.bottom)
        canvas.text(
            r.t("Total cost (\(currencyCode))", "总成本（\(currencyCode)）"),
            x: plot.x + plot.width / 2,
            y: plot.bottom + 38,
            class: "axis-label",
            anchor: "middle"
        )

        for (index, alternative) in alternatives.enumerated() {
            let quote = alternative.offer.quote
            let cost = quote.totalCost
            let rowTop = plot.y + Double(index) * Layout.rowHeight
            let barY = rowTop + (Layout.rowHeight - Layout.barHeight) / 2
            let start = min(x(0), x(cost.minorUnits))
            let end = max(x(0), x(cost.minorUnits))
            let colour = index < Self.maximumLines ? Self.palette[index] : Self.otherBarColour
            let apr = quote.nominalAPR.fixed(2)
            let estimate = alternative.offer.isEstimate ? "*" : ""
            // A mandatory fee not published: the bar is the cost without it, marked as in the text table.
            let incomplete = alternative.offer.isCostIncomplete ? "+?" : ""
            let id = alternative.details.id.rawValue
            let name = Self.fullName(alternative.details)

            canvas.open("g", [("class", "bar-row"), ("data-provider", id)])
            nameLabel(&canvas, alternative.details, right: plot.x - 10, middle: rowTop + Layout.rowHeight / 2)
            canvas.open(
                "rect",
                [
                    ("class", "bar"), ("data-provider", id), ("data-total-cost", cost.plainString),
                    ("data-apr", apr), ("x", px(start)), ("y", px(barY)), ("width", px(end - start)),
                    ("height", px(Layout.barHeight)), ("fill", colour),
                ]
            )
            canvas.leaf(
                "title",
                [],
                text: name
                    + r.t(
                        ": total cost \(r.money(cost))\(incomplete), APR \(apr)%\(estimate)",
                        "：总成本\(r.money(cost))\(incomplete)，年化利率\(apr)%\(estimate)"
                    )
            )
            canvas.close("rect")
            canvas.open(
                "text",
                [("class", "value"), ("x", px(end + 8)), ("y", px(barY + Layout.barHeight / 2)), ("dy", "0.35em")]
            )
            canvas.raw(Canvas.escape(cost.formatted + incomplete + " "))
            canvas.leaf("tspan", [("class", "apr"), ("dx", "4")], text: r.t("APR ", "年化") + "\(apr)%\(estimate)")
            canvas.close("text")
            canvas.close("g")
        }
        canvas.close("g")
        return plot.bottom + 48
    }

    /// The provider's name right-aligned before its bar: the Chinese name over the English one, each cut to fit, with
    /// the full name as a tooltip.
    private func nameLabel(_ canvas: inout Canvas, _ details: ProviderDescription, right: Double, middle: Double) {
        let zh = Self.singleLine(details.nameZH)
        let en = Self.singleLine(details.nameEN)
        let columns = Layout.nameColumns
        canvas.open("text", [("class", "name"), ("x", px(right)), ("y", px(middle)), ("text-anchor", "end")])
        canvas.leaf("title", [], text: Self.fullName(details))
        if zh.isEmpty || en.isEmpty || zh == en {
            let only = Self.fullName(details)
            canvas.leaf("tspan", [("x", px(right)), ("dy", "0.35em")], text: Self.truncated(only, columns: columns))
        } else {
            canvas.leaf("tspan", [("x", px(right)), ("dy", "-0.15em")], text: Self.truncated(zh, columns: columns))
            canvas.leaf(
                "tspan",
                [("class", "name-en"), ("x", px(right)), ("dy", "1.25em")],
                text: Self.truncated(en, columns: Layout.nameColumnsEN)
            )
        }
        canvas.close("text")
    }

    // MARK: - Panel 2: cumulative repayment

    private func repaymentPanel(_ canvas: inout Canvas, top: Double) -> Double {
        let shown = Array(recommendation.alternatives.prefix(Self.maximumLines))
        let currency = recommendation.request.amount.currency
        canvas.text(
            shown.count == 1
                ? r.t("Cumulative repayment over time", "累计还款")
                : r.t("Cumulative repayment over time, top \(shown.count)", "累计还款（前\(shown.count)个）"),
            x: Layout.margin,
            y: top + 16,
            class: "panel-title"
        )
        let plot = Rect(x: Layout.linePlotX, y: top + 36, width: Layout.linePlotWidth, height: Layout.linePlotHeight)
        // Point k is what has been paid after instalment k; point 0 is the fees taken at disbursement.
        let series: [[Int64]] = shown.map { alternative in
            let schedule = alternative.offer.quote.schedule
            var paid = schedule.disbursement.fees.minorUnits
            var points = [paid]
            for row in schedule.rows {
                paid += row.payment.minorUnits
                points.append(paid)
            }
            return points
        }
        let all = series.flatMap { $0 }
        let scale = MoneyAxis(lowest: all.min() ?? 0, highest: all.max() ?? 0, currency: currency)
        let months = max(1, series.map { $0.count - 1 }.max() ?? 1)
        let monthStep = Self.monthStep(months)
        func x(_ month: Int) -> Double { plot.x + Double(month) / Double(months) * plot.width }
        func y(_ minorUnits: Int64) -> Double { plot.bottom - scale.fraction(of: minorUnits) * plot.height }

        canvas.open(
            "g",
            [
                ("class", "panel repayment-panel"), ("data-axis-max", scale.text(scale.upper)),
                ("data-axis-min", scale.text(scale.lower)), ("data-months", "\(months)"),
            ]
        )
        canvas.leaf(
            "rect",
            [
                ("class", "plot-area"), ("x", px(plot.x)), ("y", px(plot.y)), ("width", px(plot.width)),
                ("height", px(plot.height)),
            ]
        )
        for tick in scale.ticks {
            let tickY = y(tick)
            canvas.line(class: "grid", x1: plot.x, y1: tickY, x2: plot.right, y2: tickY)
            canvas.line(class: "axis", x1: plot.x - 5, y1: tickY, x2: plot.x, y2: tickY)
            canvas.text(
                Self.tickText(tick, currency: currency, wholeUnits: scale.wholeUnits),
                x: plot.x - 8,
                y: tickY,
                class: "tick",
                anchor: "end",
                dy: "0.35em"
            )
        }
        for month in stride(from: 0, through: months, by: monthStep) {
            let tickX = x(month)
            canvas.line(class: "grid", x1: tickX, y1: plot.y, x2: tickX, y2: plot.bottom)
            canvas.line(class: "axis", x1: tickX, y1: plot.bottom, x2: tickX, y2: plot.bottom + 5)
            canvas.text("\(month)", x: tickX, y: plot.bottom + 18, class: "tick", anchor: "middle")
        }
        canvas.line(class: "axis", x1: plot.x, y1: plot.bottom, x2: plot.right, y2: plot.bottom)
        canvas.line(class: "axis", x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.bottom)
        canvas.text(
            r.t("Months since disbursement (instalment number)", "放款后月数（期数）"),
            x: plot.x + plot.width / 2,
            y: plot.bottom + 38,
            class: "axis-label",
            anchor: "middle"
        )
        let labelX = Layout.margin + 4
        let labelY = plot.y + plot.height / 2
        canvas.text(
            r.t("Cumulative amount repaid (\(currencyCode))", "累计还款金额（\(currencyCode)）"),
            x: labelX,
            y: labelY,
            class: "axis-label",
            anchor: "middle",
            transform: "rotate(-90 \(px(labelX)) \(px(labelY)))"
        )

        for (index, (alternative, points)) in zip(shown, series).enumerated() {
            let coordinates = points.enumerated().map { month, paid in "\(px(x(month))),\(px(y(paid)))" }
            let total = alternative.offer.quote.schedule.totalRepayment
            canvas.open(
                "polyline",
                [
                    ("class", "repayment"), ("data-provider", alternative.details.id.rawValue),
                    ("data-total-repayment", total.plainString), ("points", coordinates.joined(separator: " ")),
                    ("stroke", Self.palette[index]),
                ]
            )
            canvas.leaf(
                "title",
                [],
                text: Self.fullName(alternative.details)
                    + r.t(": \(r.money(total)) repaid in all", "：共还款\(r.money(total))")
            )
            canvas.close("polyline")
        }
        legend(&canvas, shown, x: plot.right + 24, top: plot.y)
        canvas.close("g")
        return plot.bottom + 48
    }

    private func legend(_ canvas: inout Canvas, _ shown: [Alternative], x: Double, top: Double) {
        for (index, alternative) in shown.enumerated() {
            let itemTop = top + Double(index) * Layout.legendItemHeight
            let details = alternative.details
            let total = alternative.offer.quote.schedule.totalRepayment
            canvas.open("g", [("class", "legend-item"), ("data-provider", details.id.rawValue)])
            canvas.leaf(
                "rect",
                [
                    ("class", "swatch"), ("x", px(x)), ("y", px(itemTop + 2)), ("width", "14"), ("height", "14"),
                    ("rx", "2"), ("fill", Self.palette[index]),
                ]
            )
            let name = Self.fullName(details)
            canvas.open("text", [("class", "legend-name"), ("x", px(x + 22)), ("y", px(itemTop + 14))])
            canvas.leaf("title", [], text: name)
            canvas.raw(Canvas.escape(Self.truncated(name, columns: Layout.legendColumns)))
            canvas.close("text")
            canvas.text(
                "\(total.formatted) repaid · cost \(alternative.offer.quote.totalCost.formatted)",
                x: x + 22,
                y: itemTop + 31,
                class: "legend-total"
            )
            canvas.close("g")
        }
    }

    // MARK: - Scales

    /// The month tick step: every month up to a year, then quarters, half-years, years…, at most about 12 ticks.
    static func monthStep(_ months: Int) -> Int {
        [1, 2, 3, 6, 12, 24, 36, 60, 120].first { months <= $0 * 12 } ?? max(1, months / 12)
    }
}

/// A linear money axis from ``lower`` to ``upper`` with round ticks, all in integer minor units.
///
/// Always includes zero, and is never empty: a zero range (every value zero, or all equal to zero) widens to one
/// major unit, so positions never divide by zero.
struct MoneyAxis: Sendable {
    let lower: Int64
    let upper: Int64
    let step: Int64
    let currency: Currency

    init(lowest: Int64, highest: Int64, currency: Currency, targetTicks: Int64 = 5) {
        self.currency = currency
        // Bounded so that rounding up to a step cannot overflow (amounts here are far smaller).
        let limit = Int64.max / 8
        var low = max(-limit, min(lowest, 0))
        var high = min(limit, max(highest, 0))
        if low == high { high = low + currency.minorPerMajor }
        let raw = max(1, (high - low + targetTicks - 1) / targetTicks)
        var magnitude: Int64 = 1
        while magnitude <= raw / 10 { magnitude *= 10 }
        let step = [Int64(1), 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        low = Self.floor(low, to: step)
        high = Self.ceiling(high, to: step)
        self.lower = low
        self.upper = high
        self.step = step
    }

    /// Every tick from ``lower`` to ``upper``.
    var ticks: [Int64] { Array(stride(from: lower, through: upper, by: Int(step))) }

    /// Whether every tick is a whole number of major units (yuan), so labels can drop the decimals.
    var wholeUnits: Bool {
        let per = currency.minorPerMajor
        return step % per == 0 && lower % per == 0
    }

    /// Where a value sits on the axis: 0 at ``lower``, 1 at ``upper``.
    func fraction(of minorUnits: Int64) -> Double {
        Double(minorUnits - lower) / Double(upper - lower)
    }

    /// A bound as a plain decimal in major units (`800.00`).
    func text(_ minorUnits: Int64) -> String { Money(minorUnits: minorUnits, currency: currency).plainString }

    private static func floor(_ value: Int64, to step: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: step)
        return (remainder < 0 ? quotient - 1 : quotient) * step
    }

    private static func ceiling(_ value: Int64, to step: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: step)
        return (remainder > 0 ? quotient + 1 : quotient) * step
    }
}

/// A pixel rectangle.
private struct Rect {
    let x: Double
    let y: Double
    let width: Double
    let height: Double
    var right: Double { x + width }
    var bottom: Double { y + height }
}

/// Pixel sizes of the chart.
private enum Layout {
    static let width = 960.0
    static let margin = 24.0
    static let panelGap = 20.0
    /// Bar panel: names to the left of `barPlotX`, amount and APR labels to the right of the bars.
    static let barPlotX = 300.0
    static let barPlotWidth = 460.0
    static let rowHeight = 38.0
    static let barHeight = 20.0
    /// Widths in terminal columns (a CJK character is two) that fit before the bars at 13 and 11 px.
    static let nameColumns = 36
    static let nameColumnsEN = 42
    /// Line panel: the legend sits to the right of the plot.
    static let linePlotX = 96.0
    static let linePlotWidth = 540.0
    static let linePlotHeight = 300.0
    static let legendItemHeight = 46.0
    static let legendColumns = 34
}

/// A pixel coordinate with at most one decimal, locale-free: `12`, `12.5`, `-3.2`.
private func px(_ value: Double) -> String {
    guard value.isFinite, value.magnitude < 1e12 else { return "0" }
    let tenths = Int((value * 10).rounded())
    let magnitude = tenths.magnitude
    let text = magnitude % 10 == 0 ? "\(magnitude / 10)" : "\(magnitude / 10).\(magnitude % 10)"
    return tenths < 0 ? "-" + text : text
}

/// Writes the SVG elements, one per line, indented by depth.
private struct Canvas {
    private var lines: [String] = []
    private var depth = 1
    private var inlineOpen = false

    static let fontFamily = "\"Noto Sans CJK SC\", \"PingFang SC\", \"Microsoft YaHei\", sans-serif"

    static let style = """
        text { font-family: \(fontFamily); font-size: 13px; fill: #1F2933; }
        .chart-title { font-size: 20px; font-weight: bold; }
        .subtitle { font-size: 13px; fill: #52606D; }
        .panel-title { font-size: 15px; font-weight: bold; }
        .name-en, .legend-total, .tick, .note { font-size: 11px; fill: #52606D; }
        .value { font-weight: bold; }
        .apr { font-weight: normal; fill: #3E4C59; }
        .axis-label { font-size: 12px; fill: #323F4B; }
        .axis { stroke: #7B8794; stroke-width: 1; }
        .grid { stroke: #E4E7EB; stroke-width: 1; }
        .plot-area { fill: none; stroke: none; }
        .repayment { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
        .empty-panel { fill: #F5F7FA; stroke: #CBD2D9; }
        .empty { font-size: 22px; font-weight: bold; fill: #52606D; }
        """

    /// The text with `&`, `<`, `>`, `"` and `'` escaped, and the control characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                // XML 1.0 allows no other C0 control, and neither U+FFFE nor U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    /// Starts an element; its children follow until ``close(_:)``. Text elements keep their content on one line.
    mutating func open(_ name: String, _ attributes: [(String, String)]) {
        if inlineOpen {
            lines[lines.count - 1] += "<\(name)\(Self.attributes(attributes))>"
        } else {
            lines.append(indent + "<\(name)\(Self.attributes(attributes))>")
        }
        if name == "text" { inlineOpen = true }
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        if inlineOpen {
            lines[lines.count - 1] += "</\(name)>"
            if name == "text" { inlineOpen = false }
        } else {
            lines.append(indent + "</\(name)>")
        }
    }

    /// An element with no children, or with escaped text content.
    mutating func leaf(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let element =
            text.map { "<\(name)\(Self.attributes(attributes))>\(Self.escape($0))</\(name)>" }
            ?? "<\(name)\(Self.attributes(attributes))/>"
        if inlineOpen {
            lines[lines.count - 1] += element
        } else {
            lines.append(indent + element)
        }
    }

    /// Already escaped character data inside the open text element.
    mutating func raw(_ escaped: String) {
        lines[lines.count - 1] += escaped
    }

    mutating func text(
        _ content: String,
        x: Double,
        y: Double,
        class className: String,
        anchor: String? = nil,
        dy: String? = nil,
        transform: String? = nil
    ) {
        var attributes = [("class", className), ("x", px(x)), ("y", px(y))]
        if let anchor { attributes.append(("text-anchor", anchor)) }
        if let dy { attributes.append(("dy", dy)) }
        if let transform { attributes.append(("transform", transform)) }
        leaf("text", attributes, text: content)
    }

    mutating func line(class className: String, x1: Double, y1: Double, x2: Double, y2: Double) {
        leaf("line", [("class", className), ("x1", px(x1)), ("y1", px(y1)), ("x2", px(x2)), ("y2", px(y2))])
    }

    /// The whole document around the elements written so far.
    func document(width: Double, height: Double, title: String, description: String) -> String {
        let size = [
            ("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"), ("width", px(width)),
            ("height", px(height)), ("viewBox", "0 0 \(px(width)) \(px(height))"), ("role", "img"),
            ("aria-labelledby", "chart-title chart-desc"), ("font-family", Self.fontFamily),
        ]
        var document = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg\(Self.attributes(size))>",
            "  <title id=\"chart-title\">\(Self.escape(title))</title>",
            "  <desc id=\"chart-desc\">\(Self.escape(description))</desc>",
            "  <style type=\"text/css\">",
        ]
        document += Self.style.split(separator: "\n").map { "    " + $0 }
        document.append("  </style>")
        document.append(
            "  <rect class=\"background\" x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>"
        )
        document += lines
        document.append("</svg>")
        return document.joined(separator: "\n") + "\n"
    }
}
