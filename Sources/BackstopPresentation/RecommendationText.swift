public import BackstopCore
import Foundation

extension Renderer {
    /// A label in this language: the English or the Chinese text given.
    public func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }

    /// A provider's name in this language first, the other in brackets: `微信微粒贷 (WeChat Weilidai)`.
    public func bothNames(_ name: LocalizedName) -> String {
        language == .zh ? "\(name.zh) (\(name.en))" : "\(name.en) (\(name.zh))"
    }

    /// The diagnosis of each primary service: state, reasons with evidence, summary.
    public func diagnosisLines(_ diagnosis: [ServiceDiagnosis]) -> [String] {
        var lines: [String] = []
        let colon = t(": ", "：")
        for item in diagnosis {
            let heading: String
            let assessed = serviceState(item.assessed)
            switch item.observed {
            case nil, .unknown?:
                // Nothing reported: the state is unknown, and what Backstop's illustrative rules give is an assessment.
                heading = t(
                    "STATE UNKNOWN (assessed by Backstop's illustrative rules: \(assessed))",
                    "状态未知（按示意规则评估：\(assessed)）"
                )
            case let reported? where reported == item.assessed:
                heading = language == .zh ? serviceState(reported) : serviceState(reported).uppercased()
            case let reported?:
                heading =
                    (language == .zh ? serviceState(reported) : serviceState(reported).uppercased())
                    + t(
                        " (reported \(serviceState(reported)); Backstop's illustrative rules give \(assessed))",
                        "（用户反馈为\(serviceState(reported))；按示意规则评估为\(assessed)）"
                    )
            }
            lines.append("\(service(item.service))\(colon)\(heading)")
            for finding in item.reasons {
                lines.append("  - \(reason(finding.code))\(colon)\(render(finding.evidence))")
            }
            lines.append("  \(render(item.summary))")
            // The signals that were missing, whenever they could change this diagnosis (the summary names them
            // itself when it rests on them).
            let named: Set<FactCode> = [.summaryReportedNoReason, .summaryLikelyOpenWithUnknowns]
            if !item.unknowns.isEmpty, !named.contains(item.summary.code), item.state != .open || !item.explained {
                let fields = list(item.unknowns.map(field))
                lines.append(
                    "  "
                        + t(
                            "Not in the profile: \(fields); knowing them could change this diagnosis and the plan.",
                            "资料中缺少：\(fields)；补充这些信息后，诊断和计划可能不同。"
                        )
                )
            }
        }
        return lines
    }

    /// The recovery steps, numbered, most urgent first, each with its horizon; the what-if (when each closed service
    /// and refused provider may reopen, and what that assumes); the scam warnings.
    public func recoveryLines(_ plan: RecoveryPlan) -> [String] {
        var lines = plan.steps.enumerated().map { index, step in
            let label = horizon(step.horizon).map { language == .zh ? "【\($0)】" : "[\($0)] " } ?? ""
            return "  \(index + 1). \(label)\(render(step.action))"
        }
        if !plan.forecasts.isEmpty {
            lines.append(t("  What if the plan is followed", "  假如按计划执行"))
            if !plan.assumedChanges.isEmpty {
                lines.append("    " + t("Assuming: ", "假设：") + sentence(plan.assumedChanges))
            }
            for forecast in plan.forecasts {
                let because = forecast.because.isEmpty ? "" : t(": ", "：") + render(forecast.because)
                lines.append("    - " + render(forecast.headline) + because + t(".", "。"))
            }
        }
        if !plan.scams.isEmpty {
            lines.append(t("  Beware of scams", "  谨防诈骗"))
            lines += plan.scams.map { "    - " + render($0) }
        }
        return lines
    }

    /// The human table of a recommendation (`backstop alternatives`).
    public func table(_ r: Recommendation) -> String {
        let request = r.request
        var lines = [
            t(
                "Backstop for \(r.profileID): \(money(request.amount)) over \(request.termMonths) months for "
                    + "\(purpose(request.purpose)), ranked by \(ranking(request.rankBy)), on \(date(r.date))",
                "Backstop 为 \(r.profileID) 分析：\(purpose(request.purpose))\(money(request.amount))，"
                    + "\(request.termMonths)个月，按\(ranking(request.rankBy))排序，日期\(date(r.date))"
            ),
            "",
        ]
        lines += diagnosisLines(r.diagnosis)
        lines.append("")
        if r.alternatives.isEmpty {
            lines.append(
                t(
                    "No licensed alternative can serve this request now: see why not and the recovery plan below.",
                    "目前没有持牌渠道能满足本次申请：请看下方的原因和恢复计划。"
                )
            )
        } else {
            lines.append(t("Alternatives (licensed, ranked)", "备选渠道（持牌，已排序）"))
            var table = TextTable(headers: [
                "#", t("provider", "渠道"), t("licence", "牌照"), t("APR", "年化利率"), t("monthly", "月供"),
                t("total cost", "总成本"), t("likelihood", "获批可能"), t("term", "期限"),
            ])
            table.leftAligned = [1, 2, 6, 7]
            for (index, a) in r.alternatives.enumerated() {
                let q = a.offer.quote
                let condition: String =
                    switch a.condition {
                    case .onlyIfInvited: t(", only if invited", "，仅限受邀")
                    case .onlyForCustomers: t(", customers only", "，仅限客户")
                    case nil: ""
                    }
                table.rows.append([
                    "\(index + 1)", name(a.details.name), lender(a.details, short: true),
                    percent(q.nominalAPR), money(q.monthlyPayment), money(q.totalCost),
                    likelihood(a.likelihood) + condition,
                    t("\(q.terms.termMonths) months, ", "\(q.terms.termMonths)个月，") + method(q.terms.method)
                        + (a.offer.isEstimate ? t(", estimate", "，估算") : "")
                        + (a.termDiffers ? t(", not the term asked", "，非所选期限") : "")
                        + (a.offer.isCostIncomplete ? t(", cost incomplete", "，成本不完整") : ""),
                ])
            }
            lines.append(table.render())
            lines += costLines(r.alternatives)
            if r.alternatives.contains(where: \.termDiffers) {
                lines.append(
                    t(
                        "Rows marked \"not the term asked\" are priced at the provider's nearest term: they are ranked after "
                            + "the exact matches and their cost is not comparable with them.",
                        "标注“非所选期限”的渠道按其最接近的期限报价，排在期限相同的渠道之后，其成本不能与之直接比较。"
                    )
                )
            }
        }
        lines += planLines(r.plan)
        if !r.ineligible.isEmpty {
            lines.append("")
            lines.append(t("Why not", "为什么不行"))
            for refusal in r.ineligible {
                // The lender's published red lines (and every legal or rulebook gate) apart from Backstop's estimates.
                let details = refusal.details
                let estimated = refusal.failed.filter { details.thresholdBasis(of: $0.rule) == .estimate }
                let stated = refusal.failed.filter { details.thresholdBasis(of: $0.rule) != .estimate }
                var line = "  \(name(details.name))\(t(": ", "："))"
                if !stated.isEmpty {
                    line += render(stated.map(\.finding)) + t(".", "。")
                }
                if !estimated.isEmpty {
                    let one = estimated.count == 1
                    let found = render(estimated.map(\.finding))
                    line +=
                        (stated.isEmpty ? "" : " ")
                        + (stated.isEmpty ? found : capitalised(found))
                        + t(
                            " (Backstop's \(one ? "estimate" : "estimates"): \(details.nameEN) does not publish "
                                + "\(one ? "this criterion" : "these criteria")).",
                            "（以上是估计，\(details.nameZH)未公布\(one ? "这项" : "这些")标准）。"
                        )
                }
                lines.append(line)
                lines.append("    " + t("What would change it: ", "怎样才能改变：") + fixSentence(refusal))
            }
        }
        if !r.warnings.isEmpty {
            lines.append("")
            lines.append(t("Warnings", "提醒"))
            lines += r.warnings.map { "  - " + render($0.fact) }
        }
        if !r.recovery.isEmpty {
            lines.append("")
            lines.append(t("Recovery plan", "恢复计划"))
            lines += recoveryLines(r.recovery)
        }
        if let catalog = r.catalog {
            lines.append("")
            lines.append(
                t(
                    "Catalog \(catalog.hash) (\(catalog.providers) providers). Rates are Backstop's estimates within "
                        + "published ranges; terms are illustrative.",
                    "渠道目录 \(catalog.hash)（\(catalog.providers)个渠道）。利率是在公布区间内的估算；条款仅供参考。"
                )
            )
        }
        return lines.joined(separator: "\n")
    }

    /// One CSV row per alternative (`backstop alternatives --format csv`); headers stay machine names, `why` is in
    /// this language.
    public func csv(_ r: Recommendation) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var rows = [
            "rank,provider,name,licence,nominalAPR,effectiveAPR,monthlyPayment,totalRepayment,totalCost,likelihood,termMonths,method,why"
        ]
        for (index, a) in r.alternatives.enumerated() {
            let q = a.offer.quote
            rows.append(
                [
                    "\(index + 1)", a.details.id.rawValue, name(a.details.name), a.details.licence.kind.rawValue,
                    "\(q.nominalAPR)", "\(q.effectiveAPR)",
                    q.monthlyPayment.plainString, q.totalRepayment.plainString, q.totalCost.plainString,
                    a.likelihood.rawValue,
                    "\(q.terms.termMonths)", q.terms.method.rawValue, render(a.why),
                ].map(field).joined(separator: ",")
            )
        }
        return rows.joined(separator: "\n")
    }

    /// The application plan section: the steps in order, then the notes.
    public func planLines(_ plan: ApplicationPlan) -> [String] {
        guard !plan.steps.isEmpty || !plan.notes.isEmpty else { return [] }
        var lines = ["", t("Application plan", "申请计划")]
        lines += plan.steps.enumerated().map { index, step in "  \(index + 1). \(sentence([step.fact]))" }
        lines += plan.notes.map { "  - " + sentence([$0]) }
        return lines
    }

    /// A reopened service or provider by name.
    public func reopening(_ item: Reopening) -> String {
        switch item {
        case .service(let primary): service(primary)
        case .provider(_, let localized): name(localized)
        }
    }

    public func ranking(_ preference: RankingPreference) -> String {
        switch (preference, language) {
        case (.apr, .zh): "年化利率"
        case (.apr, .en): "APR"
        case (.cost, .zh): "总成本"
        case (.cost, .en): "total cost"
        case (.payment, .zh): "月供"
        case (.payment, .en): "monthly payment"
        case (.likelihood, .zh): "获批可能性"
        case (.likelihood, .en): "approval likelihood"
        case (.worstCase, .zh): "最坏情况成本"
        case (.worstCase, .en): "worst-case cost"
        }
    }

    /// The costs table of `backstop alternatives`: one column per kind of fee counted (interest first), then the
    /// stress costs: one instalment 30 days late, everything repaid after month 3, and the worst case.
    public func costLines(_ alternatives: [Alternative]) -> [String] {
        guard !alternatives.isEmpty else { return [] }
        var kinds: [FeeKind] = []
        for a in alternatives {
            for item in a.offer.quote.schedule.feeTotals where !kinds.contains(item.kind) { kinds.append(item.kind) }
        }
        var table = TextTable(
            headers: ["#", t("provider", "渠道"), t("interest", "利息")] + kinds.map(fee)
                + [t("30 days late", "逾期30天"), t("repaid after month 3", "第3期后提前还清"), t("worst case", "最坏情况")]
        )
        table.leftAligned = [1]
        var footnote = false
        var unpublishedFee = false
        for (index, a) in alternatives.enumerated() {
            let schedule = a.offer.quote.schedule
            let totals = schedule.feeTotals
            var row = ["\(index + 1)", name(a.details.name), money(schedule.totalInterest)]
            for kind in kinds {
                let amount = totals.filter { $0.kind == kind }.reduce(Money.zero()) { $0 + $1.amount }
                row.append(amount.minorUnits == 0 ? "-" : money(amount))
            }
            if a.offer.isCostIncomplete, let last = row.indices.last {
                row[last] += "+?"
                unpublishedFee = true
            }
            guard let stress = a.offer.stress else {
                row += ["-", "-", "-"]
                table.rows.append(row)
                continue
            }
            if a.details.lateRepayment == nil {
                row.append(t("unknown", "未公布"))
            } else {
                row.append("+" + money(stress.late.extraCost) + (stress.late.complete ? "" : "*"))
                if !stress.late.complete { footnote = true }
            }
            if let early = stress.early {
                if a.details.earlyRepayment == nil {
                    row.append(t("unknown", "未公布"))
                } else if early.allowed == .false {
                    row.append(t("not allowed", "不允许"))
                } else if let cost = early.totalCost, let delta = early.versusSchedule {
                    let sign = delta.minorUnits < 0 ? "−" : "+"
                    let change = money(Money(minorUnits: abs(delta.minorUnits), currency: delta.currency))
                    row.append("\(money(cost)) (\(sign)\(change))" + (early.complete ? "" : "*"))
                    if !early.complete { footnote = true }
                }
            } else {
                row.append("-")
            }
            row.append(money(stress.worstCaseCost) + (stress.complete ? "" : "*"))
            if !stress.complete { footnote = true }
            table.rows.append(row)
        }
        var lines = ["", t("Costs (total over the term) and stress costs", "费用（整个期限合计）与压力测试成本"), table.render()]
        lines.append(
            t(
                "Fees are mandatory fees counted in the APR; optional fees are not counted. \"30 days late\": what one "
                    + "instalment paid 30 days late adds (penalty interest and late fees). \"Repaid after month 3\": the "
                    + "total cost of credit when everything is repaid after the third instalment (versus the schedule), "
                    + "counting fees not refunded.",
                "费用为计入年化利率的必付费用，可选费用不计入。“逾期30天”：一期还款逾期30天增加的成本（罚息和逾期费）。"
                    + "“第3期后提前还清”：第3期后一次还清时的总借款成本（与按期还款相比），含不退还的费用。"
            )
        )
        if unpublishedFee {
            lines.append(t("+? a mandatory fee is not published.", "+? 有必付费用未公布金额。"))
        }
        if footnote {
            lines.append(
                t(
                    "* a figure or a refund rule is not published: Backstop counts what is published and assumes "
                        + "nothing is refunded.",
                    "* 有金额或退费规则未公布：只计已公布部分，并按不退费计算。"
                )
            )
        }
        return lines
    }
}
