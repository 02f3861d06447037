public import BackstopCore
public import Foundation

/// Renders Backstop's facts in one language, in plain words a borrower understands.
///
/// The one presentation layer: the CLI's tables, the SVG chart, the wire documents' `message` fields and the HTTP
/// answers all come through here. Amounts are yuan with thousands separators (`¥1,200.00` / `1,200.00元`), percents
/// have two decimals in both languages, dates are `2026-11-25` / `2026年11月25日`.
public struct Renderer: Sendable, Hashable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    /// The fact as one sentence or phrase.
    public func render(_ fact: Fact) -> String {
        let p = Params(fact: fact, renderer: self)
        return language == .zh ? zh(fact.code, p) : en(fact.code, p)
    }

    /// Several facts joined as one line: `a; b; c` / `a；b；c`.
    public func render(_ facts: [Fact]) -> String {
        facts.map(render).joined(separator: language == .zh ? "；" : "; ")
    }

    // MARK: Values

    /// `¥1,200.00` / `1,200.00元`.
    public func money(_ money: Money) -> String {
        guard language == .zh, money.currency == .cny else { return money.formatted }
        return money.formatted.replacingOccurrences(of: "¥", with: "") + "元"
    }

    /// `15.86%` in both languages.
    public func percent(_ value: Decimal) -> String { value.fixed(2) + "%" }

    /// `2026-11-25` / `2026年11月25日`.
    public func date(_ date: CalendarDate) -> String {
        guard language == .zh else { return date.description }
        return "\(date.year)年\(date.month)月\(date.day)日"
    }

    /// `2026-03` / `2026年3月`.
    public func month(_ month: YearMonth) -> String {
        language == .zh ? "\(month.year)年\(month.month)月" : month.description
    }

    /// When a recovery step is done, in a few words (`within 20 days, by 2026-12-15`); nil for general advice and for a
    /// late instalment's dates, which the step states itself.
    public func horizon(_ horizon: StepHorizon) -> String? {
        switch horizon {
        case .none, .record: return nil
        case .now(let day): return t("now, \(date(day))", "立即，\(date(day))")
        case .days(let days, let from):
            let by = date(from.adding(days: days.upperBound))
            return days.lowerBound <= 1
                ? t("within \(days.upperBound) days, by \(by)", "\(days.upperBound)天内，\(by)前")
                : t(
                    "in \(days.lowerBound)–\(days.upperBound) days, by \(by)",
                    "\(days.lowerBound)至\(days.upperBound)天内，\(by)前"
                )
        case .ongoing(let from, nil): return t("from \(date(from)) on", "自\(date(from))起")
        case .ongoing(let from, let until?):
            return t("from \(date(from)) to \(date(until))", "自\(date(from))至\(date(until))")
        case .undated: return t("no date can be given", "无法给出日期")
        }
    }

    /// A parameter as the answer's JSON writes it: ``FactValue/wireValue``, with names in the answer's language (a
    /// zh-Hans answer carries no English display name; the enclosing object's `provider` is the id beside it).
    public func wireValue(_ value: FactValue) -> WireValue {
        switch value {
        case .name(let localized): .string(name(localized))
        case .list(let values): .array(values.map(wireValue))
        default: value.wireValue
        }
    }

    /// `a, b and c` / `a、b和c`.
    public func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default:
            let head = items.dropLast()
            return language == .zh
                ? head.joined(separator: "、") + "和" + items[items.count - 1]
                : head.joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// A provider's (or a cap's) name in this language.
    public func name(_ name: LocalizedName) -> String { language == .zh ? name.zh : name.en }

    /// A parameter value as words.
    public func value(_ value: FactValue) -> String {
        switch value {
        case .int(let number): "\(number)"
        case .money(let amount): money(amount)
        case .percent(let number): percent(number)
        case .decimal(let number): "\(number)"
        case .date(let day): date(day)
        case .month(let value): month(value)
        case .text(let text): text
        case .provider(let id): id.rawValue
        case .name(let localized): name(localized)
        case .account(let account): self.account(account)
        case .purpose(let purpose): self.purpose(purpose)
        case .identity(let identity): self.identity(identity)
        case .serviceState(let state): serviceState(state)
        case .providerState(let state): providerState(state)
        case .service(let service): self.service(service)
        case .reason(let reason): self.reason(reason)
        case .licence(let licence): self.licence(licence)
        case .method(let method): self.method(method)
        case .likelihood(let likelihood): self.likelihood(likelihood)
        case .field(let field): self.field(field)
        case .rule(let rule): self.rule(rule)
        case .institution(let id): institution(id)
        case .inquiry(let kind): inquiry(kind)
        case .interest(let interest): self.interest(interest)
        case .installmentFee(let fee): installmentFee(fee)
        case .fee(let kind): fee(kind)
        case .list(let values): list(values.map(self.value))
        }
    }

    // MARK: Vocabulary

    public func service(_ service: PrimaryService) -> String {
        switch (service, language) {
        case (.huabei, .zh): "花呗"
        case (.huabei, .en): "Huabei"
        case (.jiebei, .zh): "借呗"
        case (.jiebei, .en): "Jiebei"
        }
    }

    public func serviceState(_ state: ServiceState) -> String {
        switch (state, language) {
        case (.open, .zh): "正常"
        case (.open, .en): "open"
        case (.restricted, .zh): "受限"
        case (.restricted, .en): "restricted"
        case (.closed, .zh): "已关闭"
        case (.closed, .en): "closed"
        case (.unknown, .zh): "状态未知"
        case (.unknown, .en): "unknown"
        }
    }

    public func providerState(_ state: ProviderState) -> String {
        switch (state, language) {
        case (.open, .zh): "接受新用户申请"
        case (.open, .en): "open to new users"
        case (.closedToNewUsers, .zh): "暂停新用户申请"
        case (.closedToNewUsers, .en): "closed to new users"
        case (.suspended, .zh): "暂停服务"
        case (.suspended, .en): "suspended"
        }
    }

    public func reason(_ reason: ClosureReason) -> String {
        switch (reason, language) {
        case (.creditScoreDecline, .zh): "芝麻分下降"
        case (.creditScoreDecline, .en): "declining credit score"
        case (.lateRepayment, .zh): "逾期还款"
        case (.lateRepayment, .en): "late repayment"
        case (.cashOut, .zh): "套现或违规操作"
        case (.cashOut, .en): "cash-out or illegal operations"
        case (.identityAbnormal, .zh): "身份信息异常"
        case (.identityAbnormal, .en): "abnormal identity information"
        case (.thinFile, .zh): "信用记录不足"
        case (.thinFile, .en): "thin credit file"
        case (.ageLimit, .zh): "年龄不在服务范围内"
        case (.ageLimit, .en): "age outside the ages served"
        }
    }

    public func identity(_ identity: IdentityStatus) -> String {
        switch (identity, language) {
        case (.verified, .zh): "已实名认证"
        case (.verified, .en): "verified"
        case (.unverified, .zh): "未实名认证"
        case (.unverified, .en): "not verified"
        case (.expiredDocument, .zh): "身份证件已过期"
        case (.expiredDocument, .en): "identity document expired"
        case (.mismatch, .zh): "身份信息不一致"
        case (.mismatch, .en): "identity information does not match"
        case (.suspectedImpersonation, .zh): "疑似身份被冒用"
        case (.suspectedImpersonation, .en): "suspected impersonation"
        }
    }

    public func purpose(_ purpose: LoanPurpose) -> String {
        switch (purpose, language) {
        case (.cash, .zh): "现金借款"
        case (.cash, .en): "cash"
        case (.purchase, .zh): "消费购物"
        case (.purchase, .en): "purchases"
        case (.business, .zh): "生产经营"
        case (.business, .en): "a business"
        case (.education, .zh): "教育支出"
        case (.education, .en): "education"
        case (.medical, .zh): "医疗费用"
        case (.medical, .en): "a medical bill"
        case (.debtRepayment, .zh): "偿还其他欠款"
        case (.debtRepayment, .en): "repaying other debts"
        case (.homePurchase, .zh): "购房（含首付）"
        case (.homePurchase, .en): "a home purchase (down payment included)"
        case (.securities, .zh): "投资股票、基金等证券"
        case (.securities, .en): "investing in stocks, funds or other securities"
        case (.crypto, .zh): "买卖虚拟货币"
        case (.crypto, .en): "buying or trading virtual currency"
        }
    }

    public func licence(_ kind: LicenceKind) -> String {
        switch (kind, language) {
        case (.bank, .zh): "银行"
        case (.bank, .en): "bank"
        case (.consumerFinance, .zh): "消费金融公司"
        case (.consumerFinance, .en): "consumer finance company"
        case (.onlineMicrolender, .zh): "网络小额贷款公司"
        case (.onlineMicrolender, .en): "online micro-lender"
        case (.microLoan, .zh): "小额贷款公司"
        case (.microLoan, .en): "micro-loan company"
        case (.cardIssuer, .zh): "信用卡发卡银行"
        case (.cardIssuer, .en): "card issuer"
        case (.trust, .zh): "信托公司"
        case (.trust, .en): "trust company"
        case (.platform, .zh): "助贷平台（本身不放贷）"
        case (.platform, .en): "loan-facilitation platform (does not lend itself)"
        case (.financingGuarantor, .zh): "融资担保公司（本身不放贷）"
        case (.financingGuarantor, .en): "financing-guarantee company (does not lend itself)"
        case (.none, .zh): "无放贷牌照"
        case (.none, .en): "no lending licence"
        }
    }

    /// A lender kind in the plural, for lists ("banks", "consumer finance companies").
    public func licencePlural(_ kind: LicenceKind) -> String {
        switch (kind, language) {
        case (_, .zh): licence(kind)
        case (.bank, .en): "banks"
        case (.consumerFinance, .en): "consumer finance companies"
        case (.onlineMicrolender, .en): "online micro-lenders"
        case (.microLoan, .en): "micro-loan companies"
        case (.cardIssuer, .en): "card issuers"
        case (.trust, .en): "trust companies"
        case (.platform, .en): "loan-facilitation platforms"
        case (.financingGuarantor, .en): "financing-guarantee companies"
        case (.none, .en): "unlicensed lenders"
        }
    }

    /// Who lends: the licence kind of a lender; for a platform or a guarantor, "platform (funded by banks /
    /// consumer finance companies; guarantee by …)", never a lender's kind.
    ///   With `short`, the funders' kinds only (`platform (banks / consumer finance companies)`), for a table column.
    public func lender(_ details: ProviderDescription, short: Bool = false) -> String {
        let kind = details.licence.kind
        guard kind == .platform || kind == .financingGuarantor else { return licence(kind) }
        if short {
            let funders = details.lendingKinds.map(licencePlural).joined(separator: t(" / ", "、"))
            return t(kind == .platform ? "platform" : "guarantor", kind == .platform ? "助贷平台" : "融资担保公司")
                + t(" (\(funders))", "（\(funders)）")
        }
        let funders = details.lendingKinds.map(licencePlural)
        let base = t(
            kind == .platform ? "loan-facilitation platform" : "financing-guarantee company",
            kind == .platform ? "助贷平台" : "融资担保公司"
        )
        var parts = [t("funded by ", "资金方为") + funders.joined(separator: t(" / ", "、"))]
        if !details.guarantors.isEmpty {
            parts.append(t("guarantee by ", "担保方为") + details.guarantors.joined(separator: t(", ", "、")))
        }
        return base + t(" (", "（") + parts.joined(separator: t("; ", "；")) + t(")", "）")
    }

    public func method(_ method: RepaymentMethod) -> String {
        switch (method, language) {
        case (.equalInstallment, .zh): "等额本息"
        case (.equalInstallment, .en): "equal instalments"
        case (.equalPrincipal, .zh): "等额本金"
        case (.equalPrincipal, .en): "equal principal"
        case (.interestFirst, .zh): "先息后本"
        case (.interestFirst, .en): "interest first, principal at the end"
        case (.bullet, .zh): "到期一次还本付息"
        case (.bullet, .en): "single repayment at maturity"
        }
    }

    public func likelihood(_ likelihood: Likelihood) -> String {
        switch (likelihood, language) {
        case (.high, .zh): "高"
        case (.high, .en): "high"
        case (.medium, .zh): "中"
        case (.medium, .en): "medium"
        case (.low, .zh): "低"
        case (.low, .en): "low"
        }
    }

    /// Known platforms by name; any other account as it is written in the profile.
    public func account(_ account: PlatformAccount) -> String {
        let names: [String: (zh: String, en: String)] = [
            "alipay": ("支付宝", "Alipay"), "wechat": ("微信", "WeChat"), "jd": ("京东", "JD.com"),
            "meituan": ("美团", "Meituan"), "douyin": ("抖音", "Douyin"), "bank": ("银行", "a bank"),
        ]
        guard let name = names[account.rawValue] else { return account.rawValue }
        return language == .zh ? name.zh : name.en
    }

    public func field(_ field: ProfileField) -> String {
        switch (field, language) {
        case (.age, .zh): "年龄"
        case (.age, .en): "age"
        case (.creditScore, .zh): "芝麻分"
        case (.creditScore, .en): "credit score"
        case (.creditScore90DaysAgo, .zh): "90天前的芝麻分"
        case (.creditScore90DaysAgo, .en): "credit score 90 days ago"
        case (.repayment, .zh): "还款记录"
        case (.repayment, .en): "repayment record"
        case (.overdueCount12m, .zh): "近12个月逾期次数"
        case (.overdueCount12m, .en): "overdue instalments in 12 months"
        case (.overdueCount24m, .zh): "近24个月逾期次数"
        case (.overdueCount24m, .en): "overdue instalments in 24 months"
        case (.worstDaysPastDue, .zh): "最长逾期天数"
        case (.worstDaysPastDue, .en): "worst days past due"
        case (.currentOverdueAmount, .zh): "当前逾期金额"
        case (.currentOverdueAmount, .en): "amount overdue now"
        case (.cashOutFlags12m, .zh): "近12个月套现标记"
        case (.cashOutFlags12m, .en): "cash-out flags in 12 months"
        case (.identity, .zh): "身份认证状态"
        case (.identity, .en): "identity status"
        case (.monthlyIncome, .zh): "月收入"
        case (.monthlyIncome, .en): "monthly income"
        case (.monthlyDebtPayments, .zh): "每月已有还款"
        case (.monthlyDebtPayments, .en): "existing monthly debt payments"
        case (.accounts, .zh): "已开通的平台账户"
        case (.accounts, .en): "platform accounts held"
        case (.student, .zh): "是否在校大学生"
        case (.student, .en): "whether a university student"
        case (.enrolled, .zh): "在读层次"
        case (.enrolled, .en): "level of study"
        case (.employment, .zh): "就业状况"
        case (.employment, .en): "employment"
        case (.hardInquiries, .zh): "机构查询征信的记录"
        case (.hardInquiries, .en): "hard credit inquiries"
        case (.overdueEvents, .zh): "逾期明细"
        case (.overdueEvents, .en): "dated overdue events"
        case (.customerOf, .zh): "已是其客户的机构"
        case (.customerOf, .en): "institutions banked with"
        case (.invitedBy, .zh): "已收到邀请的渠道"
        case (.invitedBy, .en): "channels that invited the user"
        case (.outstandingBalances, .zh): "目前在各机构的欠款"
        case (.outstandingBalances, .en): "what you owe each lender now"
        }
    }

    /// A rule in plain words (never its identifier).
    public func rule(_ rule: RuleID) -> String {
        switch (rule, language) {
        case (.status, .zh): "是否接受新用户"
        case (.status, .en): "whether it takes new users"
        case (.purpose, .zh): "借款用途"
        case (.purpose, .en): "what the loan is for"
        case (.amountLimits, .zh): "借款额度范围"
        case (.amountLimits, .en): "its amount limits"
        case (.minAmount, .zh): "最低借款金额"
        case (.minAmount, .en): "its minimum amount"
        case (.maxAmount, .zh): "最高借款金额"
        case (.maxAmount, .en): "its maximum amount"
        case (.pricing, .zh): "公布的价格"
        case (.pricing, .en): "a published price"
        case (.maxMonthlyPayment, .zh): "您设定的月供上限"
        case (.maxMonthlyPayment, .en): "your monthly payment ceiling"
        case (.maxDebtToIncome, .zh): "负债收入比上限"
        case (.maxDebtToIncome, .en): "its debt-to-income limit"
        case (.minCreditScore, .zh): "最低信用分"
        case (.minCreditScore, .en): "its minimum credit score"
        case (.maxOverdueCount12m, .zh): "近12个月逾期次数上限"
        case (.maxOverdueCount12m, .en): "its limit on overdue instalments in 12 months"
        case (.maxOverdueCount24m, .zh): "近24个月逾期次数上限"
        case (.maxOverdueCount24m, .en): "its limit on overdue instalments in 24 months"
        case (.maxDaysPastDue, .zh): "最长逾期天数上限"
        case (.maxDaysPastDue, .en): "its limit on days past due"
        case (.noCurrentOverdue, .zh): "当前无逾期"
        case (.noCurrentOverdue, .en): "nothing overdue now"
        case (.identityVerified, .zh): "实名认证"
        case (.identityVerified, .en): "a verified identity"
        case (.age, .zh): "年龄要求"
        case (.age, .en): "its age limits"
        case (.minMonthlyIncome, .zh): "最低月收入"
        case (.minMonthlyIncome, .en): "its minimum monthly income"
        case (.requiresAccount, .zh): "所需的平台账户"
        case (.requiresAccount, .en): "the account it requires"
        case (.excludedWhenCashOut, .zh): "无套现记录"
        case (.excludedWhenCashOut, .en): "no cash-out flags"
        case (.excludedWhenIdentityAbnormal, .zh): "身份信息无异常"
        case (.excludedWhenIdentityAbnormal, .en): "no identity flags"
        case (.licensed, .zh): "放贷牌照"
        case (.licensed, .en): "a lending licence"
        case (.legalCap, .zh): "法定利率上限"
        case (.legalCap, .en): "the legal cap on the cost of credit"
        case (.serviceState, .zh): "服务状态"
        case (.serviceState, .en): "the service's state"
        case (.protectedGroup, .zh): "不得向学生放贷的规定"
        case (.protectedGroup, .en): "the ban on lending to students"
        case (.maxHardInquiries3m, .zh): "近3个月机构查询征信次数上限"
        case (.maxHardInquiries3m, .en): "its limit on hard credit inquiries in 3 months"
        case (.customersOnly, .zh): "仅限本行客户"
        case (.customersOnly, .en): "being an existing customer"
        case (.invitationOnly, .zh): "仅限受邀用户"
        case (.invitationOnly, .en): "an invitation"
        case (.exactTerm, .zh): "所选期限"
        case (.exactTerm, .en): "the term asked for"
        case (.debtService, .zh): "还债支出占收入的比例"
        case (.debtService, .en): "the share of income going to debt payments"
        case (.ageOfMajority, .zh): "年满18周岁"
        case (.ageOfMajority, .en): "being of age (18)"
        case (.purposeBanned, .zh): "借款用途是否合法"
        case (.purposeBanned, .en): "whether the law allows credit for this purpose"
        case (.businessOnly, .zh): "经营贷仅用于生产经营"
        case (.businessOnly, .en): "a business loan only for a business"
        case (.perBorrowerLimit, .zh): "每位借款人的贷款上限"
        case (.perBorrowerLimit, .en): "the most one borrower may owe this kind of lender"
        case (.documentedLoanAboveCap, .zh): "其实际发放贷款的综合成本"
        case (.documentedLoanAboveCap, .en): "the all-in cost of the loans it actually makes"
        }
    }

    /// Where a threshold comes from, as the words an answer uses: `published` says nothing more.
    public func basisClause(_ basis: ThresholdBasis?, _ details: ProviderDescription) -> String {
        switch basis {
        case .estimate?:
            language == .zh
                ? "；\(details.nameZH)未公布这项标准，这是估计"
                : "; \(details.nameEN) does not publish this criterion: it is Backstop's estimate"
        case .reported?:
            language == .zh ? "（据公开报道，机构本身未公布）" : " (as reported; the lender does not publish it)"
        case .published?, nil: ""
        }
    }

    /// What one rule found, saying where the threshold comes from (``basisClause(_:_:)``) when it is the lender's
    /// rule and not one it publishes.
    public func render(_ check: RuleCheck, of details: ProviderDescription) -> String {
        render(check.finding) + basisClause(details.thresholdBasis(of: check.rule), details)
    }

    /// Known institutions by name; any other id as it is written.
    public func institution(_ id: InstitutionID) -> String {
        let names: [String: (zh: String, en: String)] = [
            "icbc": ("工商银行", "ICBC"), "ccb": ("建设银行", "CCB"), "cmb": ("招商银行", "China Merchants Bank"),
            "abc": ("农业银行", "Agricultural Bank of China"), "boc": ("中国银行", "Bank of China"),
            "bocom": ("交通银行", "Bank of Communications"), "psbc": ("邮储银行", "Postal Savings Bank of China"),
            "webank": ("微众银行", "WeBank"), "mybank": ("网商银行", "MYbank"),
        ]
        guard let name = names[id.rawValue] else { return id.rawValue }
        return language == .zh ? name.zh : name.en
    }

    /// What applying adds to the credit report.
    /// `guarantee fee` / `担保费`: the name of a kind of fee.
    public func fee(_ kind: FeeKind) -> String {
        switch (kind, language) {
        case (.guarantee, .zh): "担保费"
        case (.guarantee, .en): "guarantee fee"
        case (.insurance, .zh): "保险费"
        case (.insurance, .en): "insurance premium"
        case (.service, .zh): "服务费"
        case (.service, .en): "service fee"
        case (.membership, .zh): "会员费"
        case (.membership, .en): "membership fee"
        case (.upfront, .zh): "放款手续费"
        case (.upfront, .en): "upfront fee"
        case (.installment, .zh): "分期手续费"
        case (.installment, .en): "instalment fee"
        case (.late, .zh): "逾期费"
        case (.late, .en): "late fee"
        case (.earlyRepayment, .zh): "提前还款费"
        case (.earlyRepayment, .en): "early-repayment fee"
        case (.other, .zh): "其他费用"
        case (.other, .en): "other fee"
        }
    }

    public func inquiry(_ kind: InquiryKind) -> String {
        switch (kind, language) {
        case (.hard, .zh): "机构查询征信的记录"
        case (.hard, .en): "a hard credit inquiry"
        case (.soft, .zh): "不会留下机构查询征信的记录"
        case (.soft, .en): "no hard inquiry"
        case (.unknown, .zh): "是否产生机构查询征信的记录未公布（按会留下记录计）"
        case (.unknown, .en): "whether it adds a hard credit inquiry is not published (counted as one)"
        }
    }

    /// `0.05% a day (actual/360)` / `日利率0.05%（按实际天数/360计）`: a published range of one rate.
    public func interest(_ interest: InterestPricing) -> String {
        switch interest {
        case .none: interestQuote(.none)
        case .daily(let rate, let dayCount): interestQuote(.daily(RateRange(min: rate, max: rate), dayCount: dayCount))
        case .monthly(let rate): interestQuote(.monthly(RateRange(min: rate, max: rate)))
        case .annual(let rate): interestQuote(.annual(RateRange(min: rate, max: rate)))
        }
    }

    /// `an instalment fee of 0.60% of the principal a month` / `每月分期手续费为本金的0.60%`.
    public func installmentFee(_ fee: InstallmentFee) -> String {
        switch fee {
        case .perPeriod(let rate): installmentFeeQuote(.perPeriod(RateRange(min: rate, max: rate)))
        case .total(let rate): installmentFeeQuote(.total(RateRange(min: rate, max: rate)))
        }
    }

    /// A quoted rate as written (`0.05%`, `8.8%`): every digit the provider published, at least two decimals.
    func percentText(_ value: Decimal) -> String {
        let text = "\(value)"
        let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
        return value.fixed(max(2, decimals)) + "%"
    }

    func dayCountZH(_ dayCount: DayCount) -> String {
        switch dayCount {
        case .actual360: "按实际天数/360计"
        case .actual365: "按实际天数/365计"
        case .thirty360: "按30/360计"
        }
    }
}

/// Typed access to a fact's parameters while rendering. A missing parameter renders as `?`, which the completeness
/// test refuses, so every code's rendering is checked with every parameter it uses.
struct Params {
    let fact: Fact
    let renderer: Renderer

    func has(_ name: String) -> Bool { fact.params[name] != nil }
    func text(_ name: String) -> String { fact.params[name].map(renderer.value) ?? "?" }
    func int(_ name: String) -> Int? {
        if case .int(let value) = fact.params[name] { return value }
        return nil
    }
    func count(_ name: String) -> Int { int(name) ?? 0 }
    func money(_ name: String) -> Money? {
        if case .money(let value) = fact.params[name] { return value }
        return nil
    }
    func decimal(_ name: String) -> Decimal? {
        switch fact.params[name] {
        case .percent(let value), .decimal(let value): value
        default: nil
        }
    }
    func state(_ name: String) -> ServiceState? {
        if case .serviceState(let value) = fact.params[name] { return value }
        return nil
    }
    func listCount(_ name: String) -> Int {
        if case .list(let values) = fact.params[name] { return values.count }
        return 0
    }
    /// A list of licence kinds in the plural (`banks / consumer finance companies` / `银行、消费金融公司`).
    func licencesPlural(_ name: String) -> String {
        guard case .list(let values) = fact.params[name] else { return text(name) }
        let kinds = values.compactMap { value -> LicenceKind? in
            if case .licence(let kind) = value { return kind }
            return nil
        }
        return kinds.map(renderer.licencePlural).joined(separator: renderer.language == .zh ? "、" : " / ")
    }
    /// The service's name (`Huabei` / `花呗`).
    var service: String { text("service") }
    /// Whether a parameter names a primary service (a reopening's subject: a service, or a provider's name).
    func isService(_ name: String) -> Bool {
        if case .service = fact.params[name] { return true }
        return false
    }
    /// A text parameter as it is (`estimate`), or nil.
    func raw(_ name: String) -> String? {
        if case .text(let value) = fact.params[name] { return value }
        return nil
    }
}

extension Decimal {
    /// Exactly `scale` decimals, rounded half-up: `12.00`.
    public func fixed(_ scale: Int) -> String {
        let text = roundedHalfUp(scale: scale).description
        guard scale > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, scale - fraction.count))
    }
}

extension Renderer {
    public func productKind(_ kind: ProductKind) -> String {
        switch (kind, language) {
        case (.creditLine, .zh): "消费信用额度"
        case (.creditLine, .en): "credit line"
        case (.cashLoan, .zh): "现金贷款"
        case (.cashLoan, .en): "cash loan"
        case (.cardInstallment, .zh): "信用卡分期"
        case (.cardInstallment, .en): "card instalment"
        case (.businessLoan, .zh): "经营贷"
        case (.businessLoan, .en): "business loan"
        }
    }

    /// A condition that bars a profile from a provider.
    public func exclusion(_ flag: ExclusionFlag) -> String {
        switch (flag, language) {
        case (.cashOut, .zh): "套现或违规操作标记"
        case (.cashOut, .en): "cash-out flags"
        case (.identityAbnormal, .zh): "身份信息异常"
        case (.identityAbnormal, .en): "abnormal identity information"
        case (.currentOverdue, .zh): "当前逾期"
        case (.currentOverdue, .en): "money overdue now"
        }
    }
}

extension Renderer {
    /// A published range: `0.02%–0.05%` (one rate when both ends are equal).
    func range<Period>(_ range: RateRange<Period>) -> String {
        range.min == range.max
            ? percentText(range.min.percent) : "\(percentText(range.min.percent))–\(percentText(range.max.percent))"
    }

    /// A provider's published interest: `0.02%–0.05% a day (actual/360)` / `日利率0.02%–0.05%（按实际天数/360计）`.
    public func interestQuote(_ quote: InterestQuote) -> String {
        switch (quote, language) {
        case (.none, .zh): "无利息"
        case (.none, .en): "no interest"
        case (.daily(let rates, let dayCount), .zh): "日利率\(range(rates))（\(dayCountZH(dayCount))）"
        case (.daily(let rates, let dayCount), .en): "\(range(rates)) a day (\(dayCount.rawValue))"
        case (.monthly(let rates), .zh): "月利率\(range(rates))"
        case (.monthly(let rates), .en): "\(range(rates)) a month"
        case (.annual(let rates), .zh): "年利率\(range(rates))"
        case (.annual(let rates), .en): "\(range(rates)) a year"
        }
    }

    /// A provider's published instalment fee.
    public func installmentFeeQuote(_ quote: InstallmentFeeQuote) -> String {
        switch (quote, language) {
        case (.perPeriod(let rates), .zh): "每月分期手续费为本金的\(range(rates))"
        case (.perPeriod(let rates), .en): "an instalment fee of \(range(rates)) of the principal a month"
        case (.total(let rates), .zh): "分期手续费合计为本金的\(range(rates))"
        case (.total(let rates), .en): "an instalment fee of \(range(rates)) of the principal in total"
        }
    }
}
