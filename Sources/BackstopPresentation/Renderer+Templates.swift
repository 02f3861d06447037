import BackstopCore
import Foundation

// The words of every fact, in English and in Simplified Chinese. One switch per language, so a new code that is
// not rendered fails to compile in both; FactRenderingTests renders every code with representative parameters.

extension Renderer {
    func en(_ code: FactCode, _ p: Params) -> String {
        switch code {
        // Evidence
        case .evidenceScore:
            var parts = ["score \(p.text("score"))"]
            if p.has("drop") { parts.append("down \(p.text("drop")) in 90 days") }
            if p.has("below") { parts.append("below \(p.text("below"))") }
            return parts.joined(separator: ", ")
        case .evidenceLateRepayment:
            var parts: [String] = []
            if p.has("overdueNow") { parts.append("\(p.text("overdueNow")) overdue now") }
            if p.has("count12m") { parts.append("\(p.text("count12m")) overdue in 12 months") }
            if p.has("count24m") { parts.append("\(p.text("count24m")) in 24 months") }
            if p.has("worstDays") { parts.append("worst \(p.text("worstDays")) days") }
            return parts.isEmpty ? "late repayments on record" : parts.joined(separator: ", ")
        case .evidenceCashOut:
            return
                "\(p.text("count")) cash-out or illegal-operation flag\(p.count("count") == 1 ? "" : "s") in 12 months"
        case .evidenceIdentity:
            return p.text("identity")
        case .evidenceAge:
            let range =
                p.has("max") ? "\(p.text("min"))–\(p.text("max"))" : "\(p.text("min")) and over"
            return "age \(p.text("age")), outside the ages served (\(range))"
        case .evidenceThinFile:
            var parts = ["score \(p.text("score"))"]
            if p.has("below") { parts.append("below \(p.text("below"))") }
            if p.has("age") { parts.append("at age \(p.text("age"))") }
            return parts.joined(separator: ", ") + "; the profile has nothing for \(p.text("missing")) (too short a "
                + "history to judge, not a decline)"

        // Summaries
        case .summaryReportedNoReason:
            let base =
                "\(p.service) is reported \(p.text("state")), but the profile shows none of the four published reasons"
            return p.has("unknowns")
                ? base + "; unknown signals that could explain it: \(p.text("unknowns"))."
                : base + "; the cause is outside these signals (e.g. the platform's own risk control)."
        case .summaryReportedWithReasons:
            return "\(p.service) is reported \(p.text("state")); the likely reasons: \(p.text("reasons"))."
        case .summaryReportedOpenAtRisk:
            return "\(p.service) is reported open, but the profile shows risks that can lead to "
                + "\(p.state("assessed") == .closed ? "closure" : "a restriction"): \(p.text("reasons"))."
        case .summaryReportedOpen:
            return "\(p.service) is open and the profile shows none of the four published closure reasons."
        case .summaryReportedUnexplained:
            let open =
                p.has("openServices")
                ? ", and \(p.text("openServices")), which the same rules treat as at least as strict, is open" : ""
            let would =
                p.state("assessed") == .restricted
                ? "would only restrict \(p.service)" : "would not make \(p.service) \(p.text("state"))"
            return
                "\(p.service) is reported \(p.text("state")), but what the profile shows (\(p.text("reasons"))) does "
                + "not explain it: by Backstop's illustrative rules it \(would)\(open). Only Alipay's official review can "
                + "say why, so no reopening date is given."
        case .summaryLikelyOpenWithUnknowns:
            return "\(p.service) is likely open as far as the profile shows: none of the four published closure "
                + "reasons, but \(p.text("unknowns")) \(p.listCount("unknowns") == 1 ? "is" : "are") unknown."
        case .summaryLikelyOpen:
            return "\(p.service) is likely open: the profile shows none of the four published closure reasons."
        case .summaryLikelyNotOpen:
            return "\(p.service) is likely \(p.text("assessed")): \(p.text("reasons"))."

        // Rules
        case .ruleStatusOpen:
            return "\(p.text("provider")) is open to new users on \(p.text("date"))"
        case .ruleStatusNotOpen:
            let since = p.has("since") ? " since \(p.text("since"))" : ""
            return "\(p.text("provider")) is \(p.text("state"))\(since) (on \(p.text("date")))"
        case .rulePurposeServed:
            return "it lends for \(p.text("purpose"))"
        case .rulePurposeNotServed:
            return "it does not lend for \(p.text("purpose")) (only \(p.text("purposes")))"
        case .ruleAmountWithinLimits:
            return "\(p.text("amount")) is within its limits of \(p.text("min")) to \(p.text("max"))"
        case .ruleAmountAboveMax:
            return "it lends at most \(p.text("max"))"
        case .ruleAmountBelowMin:
            return "it lends at least \(p.text("min"))"
        case .ruleNoPriceForTerm:
            return "\(p.text("provider")) publishes no price for \(p.text("term")) months"
        case .ruleNoPriceOnDate:
            return "\(p.text("provider")) has no known prices for \(p.text("term")) months on \(p.text("date"))"
        case .rulePaymentWithinCeiling:
            return "the monthly payment \(p.text("payment")) is within your ceiling of \(p.text("ceiling"))"
        case .rulePaymentAboveCeiling:
            return "the monthly payment \(p.text("payment")) is above your ceiling of \(p.text("ceiling"))"
        case .ruleDebtToIncome:
            return "debt payments with this loan would take \(p.text("share")) of income (limit \(p.text("limit")))"
        case .ruleCreditScore:
            let meets = p.count("score") >= p.count("min")
            return "credit score \(p.text("score")) \(meets ? "meets" : "is below") the minimum of \(p.text("min"))"
        case .ruleOverdueCount12m:
            return
                "\(p.text("count")) overdue \(instalments(p.count("count"))) in 12 months \(allowed(p))"
        case .ruleOverdueCount24m:
            return
                "\(p.text("count")) overdue \(instalments(p.count("count"))) in 24 months \(allowed(p))"
        case .ruleWorstDaysPastDue:
            return "\(p.text("count")) days past due at worst \(allowed(p))"
        case .ruleNothingOverdue:
            return "nothing is overdue now"
        case .ruleOverdueNow:
            return "\(p.text("amount")) is overdue now"
        case .ruleIdentityVerified:
            return "identity is verified"
        case .ruleIdentityNotVerified:
            return "identity is not verified (\(p.text("identity")))"
        case .ruleAge:
            return "age \(p.text("age")) is \(ageWithin(p) ? "within" : "outside") the limits (\(ageRange(p)))"
        case .ruleIncome:
            let meets = (p.money("income") ?? .zero()) >= (p.money("min") ?? .zero())
            return "monthly income \(p.text("income")) \(meets ? "meets" : "is below") the minimum of \(p.text("min"))"
        case .ruleAccountHeld:
            return "has an account with \(p.text("account"))"
        case .ruleAccountMissing:
            return "needs an account with \(p.text("account"))"
        case .ruleNoCashOut:
            return "no cash-out flags in 12 months"
        case .ruleCashOutFlags:
            return
                "\(p.text("count")) cash-out or illegal-operation flag\(p.count("count") == 1 ? "" : "s") in 12 months"
        case .ruleIdentityNotFlagged:
            return "identity is not flagged"
        case .ruleIdentityFlagged:
            return "identity is flagged: \(p.text("identity"))"
        case .ruleSignalUnknown:
            return "\(p.text("field")) is unknown, so \(p.text("rule")) cannot be checked"
        case .ruleUnlicensed:
            return "\(p.text("provider")) holds no lending licence"
        case .ruleAboveLegalCap:
            return pricedAt(p) + "\(over(p, "cap")) APR is above \(p.text("title")) (\(p.text("cap")) since "
                + "\(p.text("since")), \(p.text("source")))" + feesCounted(p)
        case .ruleServiceState:
            return "\(p.service) is \(p.text("state"))"
        case .ruleStudentBarred:
            return "\(p.text("provider")) (\(p.text("licence"))) has been barred from lending to university students "
                + "since \(p.text("since"))"

        case .ruleHardInquiries:
            let accepts = p.count("limit") == 0 ? "it accepts none" : "it accepts at most \(p.text("limit"))"
            return
                "\(p.text("count")) hard credit \(p.count("count") == 1 ? "inquiry" : "inquiries") in the last 3 months; \(accepts)"
        case .ruleCustomersOnly:
            return p.int("customer") == 1
                ? "you are a customer of \(p.text("institutions")), whose customers it serves"
                : "it serves only customers of \(p.text("institutions"))"
        case .ruleInvitationOnly:
            return p.int("invited") == 1
                ? "\(p.text("provider")) has invited you to apply"
                : "\(p.text("provider")) takes applications only from users it has invited"
        case .ruleTermDiffers:
            return
                "\(p.text("provider")) does not offer \(p.text("asked")) months (it offers \(p.text("terms")) months); "
                + "its nearest is \(p.text("term")) months"
        // Fixes
        case .fixReopensOn: return "it reopens on \(p.text("date"))"
        case .fixNoReopeningAnnounced: return "no reopening is announced"
        case .fixUseForPurpose: return "use it only for \(p.text("purposes"))"
        case .fixBorrowAtMost: return "borrow at most \(p.text("max"))"
        case .fixBorrowAtLeast: return "borrow at least \(p.text("min"))"
        case .fixChooseTerm: return "choose one of its terms: \(p.text("terms")) months"
        case .fixPricesUnknownForDate:
            var known: [String] = []
            if p.has("until") { known.append("until \(p.text("until"))") }
            if p.has("from") { known.append("from \(p.text("from"))") }
            let span = known.isEmpty ? "" : "Backstop knows them only \(known.joined(separator: " and ")); "
            return span + "ask the lender for its terms on \(p.text("date")) before relying on any figure"
        case .fixBorrowLessOrLonger: return "borrow less or choose a longer term"
        case .fixKeepPaymentUnder:
            return "keep the monthly payment under \(p.text("payment")): borrow less or choose a longer term"
        case .fixReduceDebtsBelow: return "reduce existing debt payments below \(p.text("debts")) a month first"
        case .fixRaiseScore: return "raise the credit score by \(p.text("points")) points to \(p.text("min"))"
        case .fixWaitOverdue12m:
            if p.count("limit") == 0 {
                return
                    "repay on time until no overdue instalment remains in the last 12 months (now \(p.text("count")))"
            }
            return
                "repay on time until at most \(p.text("limit")) overdue \(instalments(p.count("limit"))) \(p.count("limit") == 1 ? "falls" : "fall") in the last 12 months "
                + "(now \(p.text("count")))"
        case .fixWaitOverdue24m:
            if p.count("limit") == 0 {
                return
                    "repay on time until no overdue instalment remains in the last 24 months (now \(p.text("count")))"
            }
            return
                "repay on time until at most \(p.text("limit")) overdue \(instalments(p.count("limit"))) \(p.count("limit") == 1 ? "falls" : "fall") in the last 24 months "
                + "(now \(p.text("count")))"
        case .fixCleanRecordDays:
            return p.count("limit") == 0
                ? "a record with no late payment (worst now \(p.text("count")) days)"
                : "a record with no payment more than \(p.text("limit")) days late (worst now \(p.text("count")))"
        case .fixRepayOverdue: return "repay the \(p.text("amount")) overdue now"
        case .fixCompleteVerification: return "complete real-name verification with a valid identity document"
        case .fixWaitUntilAge: return "wait until age \(p.text("age"))"
        case .fixAboveMaximumAge: return "this provider does not lend above age \(p.text("max"))"
        case .fixIncomeAtLeast: return "a monthly income of at least \(p.text("min"))"
        case .fixOpenAccount: return "open and verify an account with \(p.text("account"))"
        case .fixCompliantUse: return "12 months of compliant use with no cash-out (套现) or gambling-linked flows"
        case .fixReverifyIdentity: return "update and re-verify the identity document with the provider"
        case .fixUseLicensedChannel:
            return "none: Backstop never recommends unlicensed lenders; use a licensed alternative"
        case .fixNoneAboveCap:
            let what =
                p.has("amount") && p.has("term")
                ? "its loan of \(p.text("amount")) over \(p.text("term")) months" : "the offer"
            return "none at this price: \(what) is above \(p.text("title")) (\(p.text("cap"))) and is excluded"
                + feesCounted(p)
        case .fixNoneDocumentedLoan:
            return "none: the loans it makes cost more than the law allows, whatever its advertised rate; choose a "
                + "licensed lender whose published price is complete"
        case .fixFollowRecoveryPlan: return "follow the recovery plan for \(p.text("reasons"))"
        case .fixContactOfficialService:
            return "no published reason explains it: ask \(p.service)'s official customer service in the Alipay app"
        case .fixNotAvailable: return "not available for this request"
        case .fixWaitForInquiries:
            let remain =
                p.count("limit") == 0
                ? "no hard inquiry remains in the last 3 months"
                : "at most \(p.text("limit")) hard \(p.count("limit") == 1 ? "inquiry remains" : "inquiries remain") in the last 3 months"
            return p.has("date")
                ? "apply no earlier than \(p.text("date")), when \(remain), and add none before"
                : "wait until \(remain), and add none before"
        case .fixBecomeCustomer:
            return "become a customer of \(p.text("institutions")) first (for a bank: open a debit card account at a "
                + "branch or in its app; banks usually offer credit to customers with some history), then apply"
        case .fixWaitForInvitation:
            return
                "only users \(p.text("provider")) invites can apply; no one can apply for an invitation, so do not pay anyone who offers one"
        case .fixAskExactTerm: return "ask for one of the terms it offers"
        case .ruleUnderAge:
            return "at \(p.text("age")) you are under \(p.text("minAge")): no lender may give credit to a minor"
        case .rulePurposeBanned:
            return "\(p.text("provider")) may not lend for \(p.text("purpose")) (\(p.text("title"))\(reported(p)), "
                + "\(p.text("source")))"
        case .ruleBusinessOnly:
            return "a business loan (经营贷): only for running a business, to a business owner"
        case .rulePerBorrowerLimit:
            let owed = p.has("owed") ? " with the \(p.text("owed")) you already owe it" : ""
            return "\(p.text("amount"))\(owed) is above \(p.text("limit")), the most one borrower may owe this kind of "
                + "lender (\(p.text("title"))\(reported(p)), \(p.text("source")))"
        case .ruleDocumentedLoanAboveCap:
            let stated = p.has("stated") ? "; the report says \(p.text("stated"))" : ""
            return "a \(p.text("amount")) loan it made in \(p.text("month")) cost \(p.text("apr")) a year all-in "
                + "(Backstop's IRR of its \(p.text("term")) instalments of \(p.text("installment"))\(stated); "
                + "\(p.text("loanSource"))), above \(p.text("title")) (\(p.text("cap")) since \(p.text("since")), "
                + "\(p.text("source"))): its published rates leave out what borrowers pay"
        case .ruleNoIncome:
            return "with no income, a payment of \(p.text("payment")) a month cannot be repaid from income"
        case .fixWaitUntilAdult:
            return
                "nothing before you turn \(p.text("minAge")); ask a parent or guardian, or your school's financial aid "
                + "office, instead of borrowing"
        case .fixLawfulAlternative:
            return p.has("lawful") ? p.text("lawful") : "do not borrow for \(p.text("purpose"))"
        case .fixBusinessLoanForBusiness:
            return "only if you run a business and borrow for it; for \(p.text("purpose")) choose a consumer loan"
        case .fixWithinBorrowerLimit:
            return "borrow at most \(p.text("room")) from it (a limit of \(p.text("limit")) a borrower)"
        case .fixNoIncome:
            return "none without an income: a loan now would be repaid with more debt"
        case .fixNoneStudentBarred: return "none while a student: this kind of lender may not lend to students"

        // Warnings
        case .highCost:
            return "\(p.text("provider")): \(over(p, "level")) APR is above the high-cost level of \(p.text("level"))."
        case .aboveCourtCeiling:
            guard p.has("lpr") else {
                return
                    "\(p.text("provider")): \(over(p, "cap")) APR is above \(p.text("title")) (\(p.text("cap")) since "
                    + "\(p.text("since")), \(p.text("source")))."
            }
            return "\(p.text("provider")): \(over(p, "cap")) APR is above the courts' ceiling for private lending, "
                + "\(capFigure(p)) (since \(p.text("since")), \(p.text("source"))): interest above it is not upheld in court."
        case .aboveFinancialCourtLevel:
            return "\(p.text("provider")): \(over(p, "cap")) APR is above \(p.text("title")) (\(p.text("cap")) since "
                + "\(p.text("since")), \(p.text("source"))): a borrower can ask a court to reduce the interest, compound "
                + "interest, penalties and fees above it."
        case .debtService:
            return
                p.has("share")
                ? "\(p.text("provider")): repaying \(p.text("payment")) a month would take debt service to \(p.text("share")) of income, "
                    + "above \(p.text("limit"))."
                : "\(p.text("provider")): repaying \(p.text("payment")) a month with no income is beyond any share of income; "
                    + "refused."
        case .unlicensedRefused:
            let cost =
                p.has("apr") ? " (this request would cost \(p.text("apr")) APR, \(p.text("totalCost")) in total)" : ""
            return "\(p.text("provider")) is not licensed to lend and is never recommended\(cost)."
        case .aboveLegalCap:
            return
                "\(p.text("provider")): \(pricedAt(p))\(over(p, "cap")) APR is above \(p.text("title")) (\(p.text("cap")) since "
                + "\(p.text("since")), \(p.text("source")))\(feesCounted(p)); excluded."
        case .costIncomplete:
            return
                "\(p.text("provider")): its \(p.text("fees")) \(p.listCount("fees") == 1 ? "is" : "are") mandatory but "
                + "not published, so the total cost and APR shown leave \(p.listCount("fees") == 1 ? "it" : "them") out: "
                + "the real cost is higher. Ranked after offers whose cost is complete."
        case .optionalFeePushed:
            let amount = p.has("amount") ? " (\(p.text("amount")) over the term)" : ""
            return "\(p.text("provider")) is known to push an optional \(p.text("fee"))\(amount): you may decline it; "
                + "it is not counted in the price shown."
        case .unknownSignals:
            return "Unknown in the profile and needed by some rule (treated as unknown, never as good): "
                + "\(p.text("fields"))."
        case .providerFailed:
            return "\(p.text("provider")) could not answer: \(p.text("error"))"
        case .serviceAtRisk:
            return "\(p.service) is open, but the profile shows risks that can lead to "
                + "\(p.state("assessed") == .closed ? "closure" : "a restriction"): \(p.text("reasons"))."
        case .duplicateProvider:
            return "Several providers share the id \(p.text("provider")); only the first registered is compared."
        case .studentProtected:
            return "As a university student you are not offered loans from \(p.text("licences")): they have been "
                + "barred from lending to students since \(p.text("since")) (\(p.text("title")), \(p.text("source")))."
        case .manyRecentInquiries:
            return "\(p.text("count")) hard credit inquiries in the last 3 months: at or above the plan's budget of "
                + "\(p.text("budget")). Each application or limit check at most lenders adds another, and lenders decline "
                + "for too many recent inquiries"
                + (p.has("date")
                    ? ": do not apply before \(p.text("date"))."
                    : ": do not apply until older ones leave the 3 months.")
        case .unrecognizedProfileFields:
            return "The profile has fields Backstop does not know; they were not used: \(p.text("fields"))."
        case .minorProtected:
            return
                "You are \(p.text("age")): under \(p.text("minAge")), no bank, lending platform or app may lend to you, "
                + "and Backstop recommends none (\(p.text("title")), \(p.text("source"))). Anyone offering you a loan is "
                + "breaking the law; talk to a parent, a guardian or your school instead."
        case .purposeBanned where p.int("also") == 1:
            return "Also barred for \(p.text("purpose")): \(p.text("title"))\(reported(p)) "
                + "(since \(p.text("since")), \(p.text("source")))."
        case .purposeBanned:
            let lawful = p.has("lawful") ? " \(p.text("lawful"))" : ""
            return "Credit may not be used for \(p.text("purpose")): \(p.text("title"))\(reported(p)) "
                + "(since \(p.text("since")), \(p.text("source"))). Every offer is refused.\(lawful)"
        case .consumerCreditForBusiness:
            return "These offers are consumer credit, which may not be used for a business: \(p.text("providers")). "
                + "For a business, ask a bank for a business loan (经营贷) in the business's name."
        case .debtRepaymentAdvice:
            return
                "Borrowing to repay other debts usually costs more and deepens them. First ask each creditor, through "
                + "its official app or hotline, for a repayment arrangement; for a credit card, the bank's negotiated "
                + "instalment plan (个性化分期, Commercial Banks' Credit Card Business Measures, art. 70). Never pay an "
                + "agent to \"negotiate\" for you."
        case .noRulebook:
            return "The catalog has no rulebook: ages, loan purposes and per-borrower limits are not checked."
        case .noLegalCaps:
            return "No legal caps are loaded: offers are not checked against the legal limits on the cost of credit."

        // Recovery steps
        case .stepRepayOverdueNow:
            let what: String
            switch (p.has("amount"), p.has("months")) {
            case (true, true):
                what =
                    "the \(p.text("amount")) overdue (the \(instalments(p.listCount("months"))) of \(p.text("months")))"
            case (true, false): what = "the \(p.text("amount")) overdue"
            default: what = "the unpaid \(instalments(p.listCount("months"))) of \(p.text("months"))"
            }
            return "Repay \(what) now: money overdue today is the first thing every lender checks, and the credit "
                + "report keeps marking a late record every month until it is settled."
        case .stepAskForRepaymentArrangement:
            return "If you cannot repay it all at once, contact the lender yourself through its official app or "
                + "hotline and ask for a repayment arrangement; for a credit card, ask the bank for a negotiated "
                + "instalment plan (个性化分期, Commercial Banks' Credit Card Business Supervision Measures, art. 70). "
                + "Do not pay an agent who promises to \"stop the interest\" or \"negotiate\" for you."
        case .stepReportToPolice:
            return "Report the impersonation to the police (公安机关) now, with your ID card and what you know of the "
                + "loans or accounts opened in your name, and keep the report receipt: lenders and the credit bureau "
                + "ask for it."
        case .stepCheckCreditReport:
            let theft = p.fact.params["identity"] == .identity(.suspectedImpersonation)
            let look =
                theft
                ? "look for inquiries, loans and late records that are not yours"
                : "check that the name, ID number and contact details on it are yours"
            return "Get your personal credit report from the PBoC Credit Reference Center (free, at "
                + "www.pbccrc.org.cn or its service points; twice a year at no cost) and \(look)."
        case .stepDisputeRecords:
            return "Dispute (征信异议) every inquiry and record the impostor caused, with the Credit Reference Center "
                + "or the lender that reported it, attaching the police receipt: they must check and answer within "
                + "\(p.text("days")) days (by \(p.text("by")) if you file today; Regulation on the Administration of the Credit Reporting "
                + "Industry, art. 25). Records that are not yours are to be removed, not waited out."
        case .stepAskLendersStopCollection:
            return "Tell each lender the impostor borrowed from, through its official app or hotline, that the loan "
                + "is not yours and ask it to stop collecting from you and to correct what it reported; give it the "
                + "police receipt. Do not repay a loan you did not take to make calls stop."
        case .stepAppealCashOutFlag:
            let what = p.count("count") == 1 ? "the flag is" : "a flag is"
            return "If \(what) wrong (the payments were genuine purchases), appeal it through the customer service in "
                + "the Alipay app (or 95188) with evidence: orders, delivery records, receipts. Only Alipay's review "
                + "can lift a flag."
        case .stepCompliantUse:
            let one = p.count("count") == 1
            let flags = one ? "The profile counts 1 flag" : "The profile counts the flags"
            let by = p.has("until") ? " by \(p.text("until")) at the latest" : ""
            return (one ? "If the flag is right" : "For the flags that are right")
                + ": use Huabei only for genuine purchases, with no cash-out (套现), fake "
                + "transactions or gambling-linked transfers. \(flags) over 12 months, so today's leave that count"
                + "\(by); whether and when the operator lifts its restriction is its own decision (nothing is "
                + "published)."
        case .stepKeepRepaymentRecord:
            return "Keep a good repayment record from now on: pay every instalment on time (turn on automatic "
                + "repayment). Most lenders weigh the last 12 and 24 months of repayments most, but a late record stays "
                + "on the credit report for 5 years after it is settled."
        case .stepOverdueRecordDates:
            let report =
                p.has("leavesReport")
                ? "it leaves the credit report on \(p.text("leavesReport")), 5 years after it was settled on "
                    + "\(p.text("settled")) (Regulation on the Administration of the Credit Reporting Industry, art. 16)"
                : "it stays on the credit report until 5 years after you settle it (\(p.text("leavesReportIfSettled")) "
                    + "if settled on \(p.text("ifSettledOn")); Regulation on the Administration of the Credit Reporting "
                    + "Industry, art. 16)"
            var windows: [String] = []
            if p.has("leaves12m") { windows.append("of the last 12 months of repayments from \(p.text("leaves12m"))") }
            if p.has("leaves24m") {
                windows.append(
                    (p.has("leaves12m") ? "of the last 24 from " : "of the last 24 months of repayments from ")
                        + p.text("leaves24m")
                )
            }
            let lenders =
                windows.isEmpty
                ? "it is already older than the 24 months of repayments most lenders weigh"
                : "it is out " + windows.joined(separator: " and ")
                    + " (Backstop's estimate of the months most lenders weigh)"
            return "The late instalment of \(p.text("month")) (\(p.text("days")) days past due): " + report + "; "
                + lenders + "."
        case .stepOverdueCountsUndated:
            var counted: [String] = []
            if p.has("count12m") {
                counted.append("\(p.text("count12m")) late \(instalments(p.count("count12m"))) in 12 months")
            }
            if p.has("count24m") { counted.append("\(p.text("count24m")) in 24 months") }
            let what = counted.isEmpty ? "late payments" : counted.joined(separator: " and ")
            var windows: [String] = []
            if p.has("count12m") { windows.append("the last 12 months of repayments by \(p.text("by12m"))") }
            windows.append("the last 24 months by \(p.text("by24m"))")
            return "The profile counts \(what) without dates: they are out of " + windows.joined(separator: " and ")
                + " at the latest (Backstop's estimate of the months lenders read), and each stays on the credit "
                + "report for 5 years after it was settled. Give their dates (overdueEvents) for exact dates."
        case .stepAgeLimit:
            let young = (p.int("age") ?? 0) < (p.int("min") ?? 0)
            return young
                ? "\(p.service) serves users from age \(p.text("min")): it cannot open before then, and nobody can open it for you earlier; do not borrow from channels that lend to minors."
                : "\(p.service) serves users up to age \(p.text("max")): it will not reopen by waiting; use a licensed channel without that limit, or your bank."
        case .stepBuildRecord:
            return
                "Build a credit record: use one licensed credit card, or small instalments on genuine purchases, and "
                + "repay every bill on time and in full; do not apply to many lenders (each application is recorded "
                + "on the credit report as a lender's inquiry). A record takes months to build, so no date can be given."
        case .stepRebuildScore:
            let assumed = p.has("score") ? " and the what-if assumes it stays at \(p.text("score"))" : ""
            return "What raises the score: repay on time, keep credit use low against limits, keep identity, contact "
                + "and income information current, and avoid many credit applications in a short time. How fast a "
                + "score rises is not published, so no date is given\(assumed)."
        case .stepFixIdentity:
            if p.has("days") {
                return "Renew the expired ID card at the public security bureau (公安机关) where you are registered or "
                    + "live: the new card is issued within \(p.text("days")) days (by \(p.text("by")); Resident "
                    + "Identity Card Law, art. 12), and you can ask for a temporary ID card (临时居民身份证) meanwhile. "
                    + "Then update the document in the Alipay app (real-name verification); Alipay publishes no time "
                    + "for its check."
            }
            let what = p.has("identity") ? " (\(p.text("identity")))" : ""
            return
                "Complete real-name verification\(what) in the Alipay app now with a valid ID card; Alipay publishes "
                + "no time for its check."
        case .stepResolveIdentityReport:
            return "Have the identity problem (\(p.text("identity"))) resolved through Alipay's official customer "
                + "service only (in the app, or 95188): its review decides, and it has no published time."
        case .stepContactOfficialService:
            let state = p.has("state") ? p.text("state") : "closed"
            let why =
                p.has("reasons")
                ? "what the profile shows (\(p.text("reasons"))) does not explain it by Backstop's illustrative rules"
                : "the profile shows none of the published reasons"
            return "Ask \(p.service)'s official customer service in the Alipay app (or 95188) why it is \(state): "
                + "\(why), so only the operator's own review can tell."
        case .stepFollowOfficialNotices:
            return "Follow the providers' official notices in the Alipay app; nobody outside Alipay can reopen a "
                + "service, so ignore paid \"unblocking\" offers."
        case .stepKeepLicensedBackup:
            let see =
                p.has("count")
                ? " (see the \(p.text("count")) licensed \(p.count("count") == 1 ? "alternative" : "alternatives") above)"
                : ""
            return "Keep a licensed backup channel ready\(see); avoid unlicensed \"quick loan\" apps pushed in comment "
                + "sections."
        case .stepVerifyIdentityBeforeBorrowing:
            return "Do not borrow elsewhere before the identity is fixed: licensed lenders must verify who they lend "
                + "to, so one that lends without it is not licensed."
        case .stepNoLicensedChannelNow:
            return "No licensed channel can serve this request now: wait for the dates below rather than turn to "
                + "unlicensed \"quick loan\" apps pushed in comment sections."

        // What-if assumptions
        case .assumeNothingOverdue:
            return p.has("date") ? "the amount overdue is repaid on \(p.text("date"))" : "nothing overdue now"
        case .assumeNoLatePayments:
            return "no new late payment from \(p.text("from")) on"
        case .assumeScore:
            return "the credit score stays at \(p.text("score")): Backstop does not forecast it (it is computed from "
                + "data Backstop cannot see, and no recovery rate is published)"
        case .assumeNoCashOut:
            return p.has("from") ? "no new cash-out flags from \(p.text("from")) on" : "no cash-out flags"
        case .assumeIdentityVerified:
            let by = p.has("by") ? " by \(p.text("by"))" : ""
            return p.has("was") ? "identity re-verified\(by) (was: \(p.text("was")))" : "identity re-verified\(by)"
        case .assumeOperatorsDecide:
            return "the dates are the earliest Backstop's illustrative rules allow; each operator decides on its own "
                + "review"

        // Reopening
        case .reopenFrom:
            let may =
                "\(p.text("subject")) may \(p.isService("subject") ? "reopen" : "accept an application") from "
                + "\(p.text("date")) at the earliest"
            if p.isService("subject") {
                return may + ", if it reads your record as Backstop's illustrative rules assume (the last 12 and 24 "
                    + "months of repayments, like most lenders)"
            }
            return p.raw("basis") == "published"
                ? may + ", by its published criteria" : may + ", if its criteria are as Backstop estimates them"
        case .reopenNotPredictable:
            let latest =
                p.has("latest") ? " (by \(p.text("latest")) at the latest on Backstop's illustrative rules)" : ""
            return "\(p.text("subject")): no date can be predicted from the profile\(latest)"

        // What a reopening waits for
        case .afterOverdueRepaid: return "once the amount overdue is repaid (\(p.text("date")))"
        case .afterIdentityReverified: return "once the identity is re-verified (allowing until \(p.text("by")))"
        case .afterRecordLeavesWindow:
            return "when the late instalment of \(p.text("month")) is older than the last \(p.text("months")) months "
                + "of repayments (\(p.text("date")))"
        case .afterProviderReopens: return "when it reopens to new users (\(p.text("date")))"
        case .dependsOnUndatedCounts:
            return "\(p.text("fields")): counted without dates, so older than the last \(p.text("months")) months by "
                + "\(p.text("by")) at the latest, possibly sooner"
        case .dependsOnScore:
            let minimum = p.has("min") ? ", minimum \(p.text("min"))" : ""
            return "it depends on the credit score (\(p.text("score"))\(minimum)), which Backstop does not forecast"
        case .dependsOnRecordBuilding:
            return "it depends on building a repayment record, which takes months Backstop cannot date"
        case .dependsOnOperatorReview:
            if p.has("identity") {
                return "it waits for the operator's review of the identity problem (\(p.text("identity"))), which has "
                    + "no published time"
            }
            return p.has("reasons")
                ? "what the profile shows (\(p.text("reasons"))) does not explain the state by Backstop's "
                    + "illustrative rules, so only the operator's own review can say why, and no date can be given"
                : "the profile shows no published reason, so the operator's own review decides"

        // Scams
        case .scamCreditRepair:
            return "Paid \"credit repair\" (征信修复) is a scam: nobody can delete accurate records for a fee. Only an "
                + "error can be corrected: dispute it yourself with the PBoC Credit Reference Center or the lender that "
                + "reported it, which must answer within 20 days (\(p.text("source")))."
        case .scamCampusLoanCancellation:
            return "Calls offering to \"cancel your campus loan account\" (注销校园贷) are a scam: there is no such "
                + "procedure, and nobody needs you to borrow and transfer money to \"clear\" a record "
                + "(\(p.text("source")))."
        case .scamUpfrontFees:
            return "Anyone asking for a transfer before a loan is paid out (a deposit, a \"verification\" or "
                + "\"unfreezing\" fee, insurance) is a fraudster, whatever the reason given (\(p.text("source")))."
        case .scamFakeCustomerService:
            return "\"Customer service\" that calls you and asks you to add it on QQ or WeChat, or to move money to an "
                + "account it names, is a fraudster: reach a lender's service only through its own app, and Alipay's "
                + "at 95188 (\(p.text("source")))."
        case .scamPaidUnblocking:
            return "Paid \"unblocking\" or \"limit raising\" (解冻, 提额) is a scam: nobody outside the lender can "
                + "reopen a service, raise a limit or unfreeze a loan, whatever the fee (\(p.text("source")))."
        case .scamPaidDebtAgents:
            return "Paid agents who promise to \"stop the interest and suspend the debt\" (停息挂账) or to fight "
                + "collection for you (反催收) are not needed and often a scam: they take fees and your personal data, "
                + "and can leave you deeper in debt. Ask the lender yourself, free, through its official channels; a "
                + "complaint about a bank or consumer finance company goes to the 12378 hotline (\(p.text("source")))."
        case .scamFakePolice:
            return "Callers claiming to be the police, a prosecutor or a court who say your identity was used for "
                + "money laundering and ask you to move money to a \"safe account\" are fraudsters: the police never "
                + "ask for transfers by phone. Hang up and call 110 yourself (\(p.text("source")))."

        // Pricing notes
        case .notePublishedPrice:
            return "published price: " + priceParts(p).joined(separator: ", ")
        case .noteEstimatedPrice:
            return "estimate: " + priceParts(p).joined(separator: ", ")
                + "; priced \(rangePlace(p)) of its published range, Backstop's estimate for this profile"
        case .noteNearestTerm:
            return "\(p.text("term")) months is its nearest term to the \(p.text("asked")) asked for"
        case .noteServiceRestricted:
            return "\(p.service) is restricted, so the limit may be lower than asked"
        case .notePromotion:
            return "promotion applied: \(p.text("promotion"))"
        case .notePromotionCustomerUnknown:
            return "not applied: \(p.text("promotion")) (the profile does not say whether you are already a customer)"
        case .noteFees:
            var parts: [String] = []
            if p.has("fees") {
                parts.append("the price counts its \(p.text("fees")) (\(p.text("amount")) in all fees)")
            }
            if p.has("optional") { parts.append("optional, not counted: \(p.text("optional"))") }
            if p.has("unknown") { parts.append("mandatory but not published: \(p.text("unknown"))") }
            return parts.joined(separator: "; ")

        // Why
        case .whyLicence:
            guard p.has("funders") else { return "licensed: \(p.text("licence"))" }
            let guarantee = p.has("guarantors") ? "; guarantee by \(p.text("guarantors"))" : ""
            return "\(p.text("licence")): the loan comes from \(p.licencesPlural("funders"))\(guarantee)"
        case .whyPrice:
            return "\(p.text("apr")) APR over \(p.text("term")) months (\(p.text("method")))"
        case .whyLikelihood: return "\(p.text("likelihood")) approval likelihood"
        case .whyJustClears: return "only just clears \(p.text("rules"))"
        case .whyUnknown: return "unknown: \(p.text("fields"))"
        case .whyOddsCurrentOverdue: return "likelihood low: \(p.text("amount")) is overdue now"
        case .whyOddsRecentOverdue:
            return
                "likelihood at most \(p.text("cap")): \(p.text("count")) overdue in 12 months, worst \(p.text("worst")) days past due"
        case .whyOddsCashOut: return "likelihood at most medium: \(p.text("count")) cash-out flags in 12 months"
        case .whyOddsInquiries:
            return "likelihood at most \(p.text("cap")): \(p.text("count")) hard credit inquiries in 3 months"
        case .whyOddsUnknown: return "likelihood at most medium: unknown \(p.text("fields"))"
        case .whyOddsUnemployed: return "likelihood low: no income from work"
        case .whyOddsGig: return "likelihood at most medium: income from gig work varies"
        case .whyOddsEstimatesOnly:
            return "likelihood at most medium: \(p.text("provider")) publishes none of its approval criteria, and "
                + "Backstop's estimates of them cannot show a high chance"
        case .whyOnlyIfInvited:
            return
                "only if invited: \(p.text("provider")) takes applications from invited users only (check whether it shows you an entry)"
        case .whyOnlyForCustomers: return "only for customers of \(p.text("institutions"))"
        case .whyTermDiffers:
            return
                "priced at \(p.text("term")) months: \(p.text("asked")) months is not offered; not comparable with exact matches"
        case .whyInquiry: return "applying: \(p.text("inquiry"))"
        case .whyNotIfStudent:
            return "not if you are a university student: \(p.text("title")) (\(p.text("source")))"
        case .whyEstimate:
            return "rate estimated \(rangePlace(p)) of its published range" + rangeBecause(p)
        // The application plan
        case .planUseOpenLine:
            return "use \(p.text("provider")) first: it is already open to you, so it needs no new application"
        case .planApplySoft:
            return
                "check \(p.text("provider")) first: applying adds no hard inquiry (likelihood \(p.text("likelihood")))"
        case .planWaitForBetterOdds:
            let when =
                p.has("date")
                ? (p.int("atTheLatest") == 1
                    ? "Waiting gives a better chance: by \(p.text("date")) at the latest, the late payments counted without dates have left the windows lenders read (Backstop's estimate, not a lender's promise)."
                    : "Waiting gives a better chance: the forecasts below give a channel better odds from \(p.text("date")) at the earliest (Backstop's estimate, not a lender's promise).")
                : "No date can be given for better odds yet: follow the recovery plan below first."
            return "Your odds are low everywhere now: each application would most likely be refused, and a refused "
                + "application stays on your credit report as an inquiry that lenders read for up to 2 years. \(when)"
        case .planApplyIfCannotWait:
            return "only if you cannot wait: apply to \(p.text("provider")) (likelihood \(p.text("likelihood")); "
                + "\(p.text("inquiry")))"
        case .planNoHardInquiries:
            return "No application that adds a hard inquiry, as asked: \(p.text("count")) channel(s) left out."
        case .planSkipsCheaper:
            return "\(p.text("provider")) (likelihood \(p.text("likelihood"))) would cost \(p.text("difference")) less "
                + "in total than \(p.text("chosen")), but comes later in this order."
        case .planApplyHard:
            return "apply to \(p.text("provider")) (likelihood \(p.text("likelihood")); \(p.text("inquiry")))"
        case .planOneAtATime:
            return
                "Apply to one channel at a time, in this order, and wait for its answer before the next. Each application "
                + "or limit check adds a hard inquiry to your credit report; this plan allows at most "
                + "\(p.text("budget")) in 3 months, counting those already there."
        case .planLater:
            return
                "Not now: \(p.text("providers")). Applying to them as well would exceed \(p.text("budget")) hard inquiries in 3 months."
        case .planWaitUntil:
            return p.has("date")
                ? "You already have \(p.text("count")) hard inquiries in 3 months (budget \(p.text("budget"))): wait until \(p.text("date")) before any application that adds one."
                : "You already have \(p.text("count")) hard inquiries in 3 months (budget \(p.text("budget"))): wait until older ones leave the 3 months before any application that adds one."
        case .planInquiriesUnknown:
            return "The profile does not say how many hard inquiries are on your credit report; the plan assumes none. "
                + "Check your report (free from the PBoC Credit Reference Center) before applying."
        case .planNothingToApply:
            return
                "Do not apply anywhere for this request now: no channel can serve it (see why not); each application would only add a hard inquiry."

        // Legality
        case .legalityWithinCap:
            return "\(over(p, "cap")) a year is within \(p.text("title")) (\(capFigure(p)) since \(p.text("since")), "
                + "\(p.text("source")))."
        case .legalityAboveCap:
            return "\(over(p, "cap")) a year is above \(p.text("title")) (\(capFigure(p)) since \(p.text("since")), "
                + "\(p.text("source"))): a lender it binds (\(p.text("licences"))) may not lend at this rate."
        case .legalityAboveCourtLevel:
            // A ceiling tied to the LPR is the private-lending one: interest above it is not upheld at all.
            let consequence =
                p.has("lpr")
                ? "interest above it is not upheld in court" : "a court can cut the interest and fees charged above it"
            return "\(over(p, "cap")) a year is above \(p.text("title")) (\(capFigure(p)) since \(p.text("since")), "
                + "\(p.text("source"))): \(consequence)."
        case .legalityNoCap:
            let who = p.has("licence") ? "a \(p.text("licence"))" : "a licensed lender"
            return "No legal cap in the data binds \(who) on \(p.text("date")): \(p.text("apr")) a year is not checked "
                + "against one."
        case .legalityCapsUnknown:
            return
                "The legal caps could not be read: \(p.text("apr")) a year is not checked against the legal limits on "
                + "the cost of credit."
        }
    }

    func zh(_ code: FactCode, _ p: Params) -> String {
        switch code {
        // Evidence
        case .evidenceScore:
            var parts = ["芝麻分\(p.text("score"))"]
            if p.has("drop") { parts.append("90天内下降\(p.text("drop"))分") }
            if p.has("below") { parts.append("低于\(p.text("below"))分") }
            return parts.joined(separator: "，")
        case .evidenceLateRepayment:
            var parts: [String] = []
            if p.has("overdueNow") { parts.append("当前逾期\(p.text("overdueNow"))") }
            if p.has("count12m") { parts.append("近12个月逾期\(p.text("count12m"))次") }
            if p.has("count24m") { parts.append("近24个月\(p.text("count24m"))次") }
            if p.has("worstDays") { parts.append("最长逾期\(p.text("worstDays"))天") }
            return parts.isEmpty ? "有逾期记录" : parts.joined(separator: "，")
        case .evidenceCashOut:
            return "近12个月有\(p.text("count"))次套现或违规操作标记"
        case .evidenceIdentity:
            return p.text("identity")
        case .evidenceAge:
            let range = p.has("max") ? "\(p.text("min"))至\(p.text("max"))岁" : "\(p.text("min"))岁及以上"
            return "年龄\(p.text("age"))岁，不在服务年龄范围内（\(range)）"
        case .evidenceThinFile:
            var parts = ["芝麻分\(p.text("score"))"]
            if p.has("below") { parts.append("低于\(p.text("below"))分") }
            if p.has("age") { parts.append("年龄\(p.text("age"))岁") }
            parts.append("资料中没有\(p.text("missing"))")
            return parts.joined(separator: "，") + "：信用记录太少，无从判断，并非芝麻分下降"

        // Summaries
        case .summaryReportedNoReason:
            let base = "\(p.service)显示为\(p.text("state"))，但资料中没有四类公开原因中的任何一种"
            return p.has("unknowns")
                ? base + "；可能解释原因的未知信息：\(p.text("unknowns"))。"
                : base + "；原因可能在这些信息之外（例如平台自身的风控）。"
        case .summaryReportedWithReasons:
            return "\(p.service)显示为\(p.text("state"))；可能的原因：\(p.text("reasons"))。"
        case .summaryReportedOpenAtRisk:
            return "\(p.service)目前正常，但资料显示的风险可能导致服务\(p.state("assessed") == .closed ? "关闭" : "受限")："
                + "\(p.text("reasons"))。"
        case .summaryReportedOpen:
            return "\(p.service)正常，资料中没有四类公开的关闭原因。"
        case .summaryReportedUnexplained:
            let open =
                p.has("openServices")
                ? "；而且按同样的规则至少同样严格的\(p.text("openServices"))仍然正常" : ""
            let would = p.state("assessed") == .restricted ? "只会让\(p.service)受限" : "不足以让\(p.service)\(p.text("state"))"
            return "\(p.service)显示为\(p.text("state"))，但资料中的情况（\(p.text("reasons"))）解释不了：按示意规则，"
                + "这些情况\(would)\(open)。原因只有支付宝官方审核能说明，因此不给出恢复日期。"
        case .summaryLikelyOpenWithUnknowns:
            return "从资料看\(p.service)可能正常：没有四类公开的关闭原因，但\(p.text("unknowns"))未知。"
        case .summaryLikelyOpen:
            return "\(p.service)可能正常：资料中没有四类公开的关闭原因。"
        case .summaryLikelyNotOpen:
            return "\(p.service)很可能\(p.text("assessed"))：\(p.text("reasons"))。"

        // Rules
        case .ruleStatusOpen:
            return "\(p.text("provider"))在\(p.text("date"))接受新用户申请"
        case .ruleStatusNotOpen:
            let since = p.has("since") ? "自\(p.text("since"))起" : ""
            return "\(p.text("provider"))\(since)\(p.text("state"))（查询日期\(p.text("date"))）"
        case .rulePurposeServed:
            return "可用于\(p.text("purpose"))"
        case .rulePurposeNotServed:
            return "不能用于\(p.text("purpose"))（仅限\(p.text("purposes"))）"
        case .ruleAmountWithinLimits:
            return "\(p.text("amount"))在其额度范围\(p.text("min"))至\(p.text("max"))之内"
        case .ruleAmountAboveMax:
            return "最高只借\(p.text("max"))"
        case .ruleAmountBelowMin:
            return "最低借款金额为\(p.text("min"))"
        case .ruleNoPriceForTerm:
            return "\(p.text("provider"))没有公布\(p.text("term"))个月期限的价格"
        case .ruleNoPriceOnDate:
            return "\(p.text("provider"))在\(p.text("date"))的\(p.text("term"))个月期限价格未知"
        case .rulePaymentWithinCeiling:
            return "月供\(p.text("payment"))不超过您设定的上限\(p.text("ceiling"))"
        case .rulePaymentAboveCeiling:
            return "月供\(p.text("payment"))超过您设定的上限\(p.text("ceiling"))"
        case .ruleDebtToIncome:
            return "加上这笔借款，每月还款将占收入的\(p.text("share"))（上限\(p.text("limit"))）"
        case .ruleCreditScore:
            let meets = p.count("score") >= p.count("min")
            return "信用分\(p.text("score"))\(meets ? "达到" : "低于")最低要求\(p.text("min"))分"
        case .ruleOverdueCount12m:
            return "近12个月逾期\(p.text("count"))次" + allowedZH(p, "次", none: "（要求近12个月没有逾期）")
        case .ruleOverdueCount24m:
            return "近24个月逾期\(p.text("count"))次" + allowedZH(p, "次", none: "（要求近24个月没有逾期）")
        case .ruleWorstDaysPastDue:
            return "最长逾期\(p.text("count"))天" + allowedZH(p, "天", none: "（要求从未逾期）")
        case .ruleNothingOverdue:
            return "当前没有逾期"
        case .ruleOverdueNow:
            return "当前逾期\(p.text("amount"))"
        case .ruleIdentityVerified:
            return "已完成实名认证"
        case .ruleIdentityNotVerified:
            return "身份未通过认证（\(p.text("identity"))）"
        case .ruleAge:
            return "年龄\(p.text("age"))岁，\(ageWithin(p) ? "符合" : "不符合")年龄要求（\(ageRange(p))）"
        case .ruleIncome:
            let meets = (p.money("income") ?? .zero()) >= (p.money("min") ?? .zero())
            return "月收入\(p.text("income"))\(meets ? "达到" : "低于")最低要求\(p.text("min"))"
        case .ruleAccountHeld:
            return "已有\(p.text("account"))账户"
        case .ruleAccountMissing:
            return "需要\(p.text("account"))账户"
        case .ruleNoCashOut:
            return "近12个月没有套现标记"
        case .ruleCashOutFlags:
            return "近12个月有\(p.text("count"))次套现或违规操作标记"
        case .ruleIdentityNotFlagged:
            return "身份信息没有异常标记"
        case .ruleIdentityFlagged:
            return "身份信息异常：\(p.text("identity"))"
        case .ruleSignalUnknown:
            return "\(p.text("field"))未知，无法核对\(p.text("rule"))"
        case .ruleUnlicensed:
            return "\(p.text("provider"))没有放贷牌照"
        case .ruleAboveLegalCap:
            return pricedAt(p) + "年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为"
                + "\(p.text("cap"))，来源：\(p.text("source"))）" + feesCounted(p)
        case .ruleServiceState:
            return "\(p.service)\(p.text("state"))"
        case .ruleStudentBarred:
            return "\(p.text("provider"))是\(p.text("licence"))，自\(p.text("since"))起不得向在校大学生放贷"

        case .ruleHardInquiries:
            return "近3个月有\(p.text("count"))次机构查询征信的记录，"
                + (p.count("limit") == 0 ? "该机构要求近3个月没有查询征信的记录" : "该机构最多接受\(p.text("limit"))次")
        case .ruleCustomersOnly:
            return p.int("customer") == 1
                ? "您是\(p.text("institutions"))的客户，符合其客户要求"
                : "仅向\(p.text("institutions"))的客户提供"
        case .ruleInvitationOnly:
            return p.int("invited") == 1
                ? "\(p.text("provider"))已向您发出邀请"
                : "\(p.text("provider"))只接受受邀用户的申请"
        case .ruleTermDiffers:
            return "\(p.text("provider"))没有\(p.text("asked"))个月的期限（提供\(p.text("terms"))个月），最接近的是\(p.text("term"))个月"
        // Fixes
        case .fixReopensOn: return "将于\(p.text("date"))重新开放"
        case .fixNoReopeningAnnounced: return "尚未宣布重新开放"
        case .fixUseForPurpose: return "仅可用于\(p.text("purposes"))"
        case .fixBorrowAtMost: return "借款金额不超过\(p.text("max"))"
        case .fixBorrowAtLeast: return "借款金额不低于\(p.text("min"))"
        case .fixChooseTerm: return "选择其提供的期限：\(p.text("terms"))个月"
        case .fixPricesUnknownForDate:
            var known: [String] = []
            if p.has("until") { known.append("截至\(p.text("until"))") }
            if p.has("from") { known.append("自\(p.text("from"))起") }
            let span = known.isEmpty ? "" : "目前只掌握其\(known.joined(separator: "和"))的价格；"
            return span + "请先向该机构确认\(p.text("date"))的借款条件，再参考任何数字"
        case .fixBorrowLessOrLonger: return "少借一些或选择更长的期限"
        case .fixKeepPaymentUnder: return "把月供控制在\(p.text("payment"))以内：少借一些或选择更长的期限"
        case .fixReduceDebtsBelow: return "先把现有每月还款降到\(p.text("debts"))以下"
        case .fixRaiseScore: return "信用分需提高\(p.text("points"))分，达到\(p.text("min"))分"
        case .fixWaitOverdue12m:
            return p.count("limit") == 0
                ? "按时还款，直到近12个月内不再有逾期记录（目前\(p.text("count"))次）"
                : "按时还款，直到近12个月内的逾期不超过\(p.text("limit"))次（目前\(p.text("count"))次）"
        case .fixWaitOverdue24m:
            return p.count("limit") == 0
                ? "按时还款，直到近24个月内不再有逾期记录（目前\(p.text("count"))次）"
                : "按时还款，直到近24个月内的逾期不超过\(p.text("limit"))次（目前\(p.text("count"))次）"
        case .fixCleanRecordDays:
            return p.count("limit") == 0
                ? "还款记录中不再有逾期（目前最长\(p.text("count"))天）"
                : "还款记录中不再有超过\(p.text("limit"))天的逾期（目前最长\(p.text("count"))天）"
        case .fixRepayOverdue: return "立即还清逾期的\(p.text("amount"))"
        case .fixCompleteVerification: return "用有效身份证件完成实名认证"
        case .fixWaitUntilAge: return "年满\(p.text("age"))岁后再申请"
        case .fixAboveMaximumAge: return "该机构不向\(p.text("max"))岁以上的人放贷"
        case .fixIncomeAtLeast: return "月收入至少达到\(p.text("min"))"
        case .fixOpenAccount: return "开通并认证\(p.text("account"))账户"
        case .fixCompliantUse: return "连续12个月合规使用，没有套现或涉赌资金往来"
        case .fixReverifyIdentity: return "向该机构更新身份证件并重新认证"
        case .fixUseLicensedChannel: return "无法改变：无牌照放贷机构一律不推荐，请选择持牌渠道"
        case .fixNoneAboveCap:
            let what =
                p.has("amount") && p.has("term")
                ? "其\(p.text("amount"))、\(p.text("term"))个月的借款" : "该报价"
            return "按此价格无法改变：\(what)超过\(p.text("title"))（\(p.text("cap"))），已排除" + feesCounted(p)
        case .fixNoneDocumentedLoan:
            return "无法改变：无论其宣传利率多少，它实际发放的贷款成本超过法律允许的上限；请选择公布完整价格的持牌机构"
        case .fixFollowRecoveryPlan: return "按恢复计划处理：\(p.text("reasons"))"
        case .fixContactOfficialService: return "没有公开原因能解释：请在支付宝App内联系\(p.service)官方客服"
        case .fixNotAvailable: return "无法满足本次申请"
        case .fixWaitForInquiries:
            let remain = p.count("limit") == 0 ? "近3个月不再有查询征信的记录" : "近3个月机构查询征信不超过\(p.text("limit"))次"
            return p.has("date")
                ? "不早于\(p.text("date"))申请（届时\(remain)），在此之前不要再增加查询"
                : "等到\(remain)再申请，在此之前不要再增加查询"
        case .fixBecomeCustomer:
            return "先成为\(p.text("institutions"))的客户（银行：在网点或其App开立借记卡账户；银行通常向已有往来记录的客户授信），再申请"
        case .fixWaitForInvitation:
            return "只有\(p.text("provider"))邀请的用户才能申请；邀请无法申请获得，任何声称可以付费开通的人都是骗子"
        case .fixAskExactTerm: return "选择其提供的期限"
        case .ruleUnderAge:
            return "你\(p.text("age"))岁，未满\(p.text("minAge"))岁：任何机构都不得向未成年人放贷"
        case .rulePurposeBanned:
            return "\(p.text("provider"))的贷款不得用于\(p.text("purpose"))（\(p.text("title"))\(reported(p))，"
                + "来源：\(p.text("source"))）"
        case .ruleBusinessOnly:
            return "这是经营贷：只能用于生产经营，只贷给经营者"
        case .rulePerBorrowerLimit:
            let owed = p.has("owed") ? "加上你已欠该机构的\(p.text("owed"))" : ""
            return "\(p.text("amount"))\(owed)超过\(p.text("limit"))，即这类机构对一位借款人的上限"
                + "（\(p.text("title"))\(reported(p))，来源：\(p.text("source"))）"
        case .ruleDocumentedLoanAboveCap:
            let stated = p.has("stated") ? "，报道称\(p.text("stated"))" : ""
            return "它在\(p.text("month"))发放的一笔\(p.text("amount"))贷款，按\(p.text("term"))期、每期"
                + "\(p.text("installment"))计算（按内部收益率计算\(stated)；来源：\(p.text("loanSource"))），"
                + "综合年化成本为\(p.text("apr"))，超过\(p.text("title"))（自\(p.text("since"))起为\(p.text("cap"))，"
                + "来源：\(p.text("source"))）：其公布的利率没有反映借款人实际支付的费用"
        case .ruleNoIncome:
            return "没有收入，每月\(p.text("payment"))的还款无法从收入中偿还"
        case .fixWaitUntilAdult:
            return "满\(p.text("minAge"))岁前无法借款；请找父母或监护人、学校资助部门商量，不要借贷"
        case .fixLawfulAlternative:
            return p.has("lawful") ? p.text("lawful") : "不要为\(p.text("purpose"))借款"
        case .fixBusinessLoanForBusiness:
            return "只适用于经营者为生产经营借款；用于\(p.text("purpose"))请选择消费贷款"
        case .fixWithinBorrowerLimit:
            return "向其最多借\(p.text("room"))（每位借款人上限\(p.text("limit"))）"
        case .fixNoIncome:
            return "没有收入时无法改变：现在借款只能用新的债务来还"
        case .fixNoneStudentBarred: return "在校期间无法改变：这类机构不得向在校大学生放贷"

        // Warnings
        case .highCost:
            return "\(p.text("provider"))：年化利率\(over(p, "level"))高于高成本警戒线\(p.text("level"))。"
        case .aboveCourtCeiling:
            guard p.has("lpr") else {
                return "\(p.text("provider"))：年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为"
                    + "\(p.text("cap"))，来源：\(p.text("source"))）。"
            }
            return "\(p.text("provider"))：年化利率\(over(p, "cap"))超过法院对民间借贷的保护上限，即\(capFigure(p))"
                + "（自\(p.text("since"))起，来源：\(p.text("source"))）：超出部分的利息法院不予支持。"
        case .aboveFinancialCourtLevel:
            return "\(p.text("provider"))：年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为"
                + "\(p.text("cap"))，来源：\(p.text("source"))）：借款人可请求法院调减超出部分的利息、复利、罚息、违约金和其他费用。"
        case .debtService:
            return p.has("share")
                ? "\(p.text("provider"))：每月还款\(p.text("payment"))将使还债支出占收入的\(p.text("share"))，超过\(p.text("limit"))。"
                : "\(p.text("provider"))：没有收入，每月还款\(p.text("payment"))无从负担，不予推荐。"
        case .unlicensedRefused:
            let cost = p.has("apr") ? "（本次借款年化利率\(p.text("apr"))，总成本\(p.text("totalCost"))）" : ""
            return "\(p.text("provider"))没有放贷牌照，一律不推荐\(cost)。"
        case .aboveLegalCap:
            return
                "\(p.text("provider"))：\(pricedAt(p))年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为"
                + "\(p.text("cap"))，来源：\(p.text("source"))）\(feesCounted(p))，已排除。"
        case .costIncomplete:
            return "\(p.text("provider"))：其\(p.text("fees"))为必付费用但未公布金额，所示总成本和年化利率未计入，"
                + "实际成本更高；排在成本完整的报价之后。"
        case .optionalFeePushed:
            let amount = p.has("amount") ? "（整个期限共\(p.text("amount"))）" : ""
            return "\(p.text("provider"))常推销可选的\(p.text("fee"))\(amount)：可以拒绝，所示价格未计入。"
        case .unknownSignals:
            return "资料中缺少、但有规则需要的信息（按未知处理，绝不当作良好）：\(p.text("fields"))。"
        case .providerFailed:
            return "\(p.text("provider"))未能给出结果：\(p.text("error"))"
        case .serviceAtRisk:
            return "\(p.service)目前正常，但资料显示的风险可能导致服务\(p.state("assessed") == .closed ? "关闭" : "受限")："
                + "\(p.text("reasons"))。"
        case .duplicateProvider:
            return "多个渠道使用同一标识\(p.text("provider"))，只比较最先登记的一个。"
        case .studentProtected:
            return "您是在校大学生，不向您推荐\(p.text("licences"))的贷款：自\(p.text("since"))起它们不得向在校大学生放贷"
                + "（\(p.text("title"))，来源：\(p.text("source"))）。"
        case .manyRecentInquiries:
            return "近3个月已有\(p.text("count"))次机构查询征信的记录，已达到或超过计划的上限\(p.text("budget"))次。大多数机构的每次申请或测额度都会再增加一次，"
                + "近期查询过多会被拒"
                + (p.has("date") ? "：\(p.text("date"))之前不要申请。" : "：等较早的查询超出3个月后再申请。")
        case .unrecognizedProfileFields:
            return "资料中有无法识别的字段，未被使用：\(p.text("fields"))。"
        case .minorProtected:
            return "你\(p.text("age"))岁，未满\(p.text("minAge"))岁：银行、借贷平台和任何App都不得向你放贷，"
                + "本答复不推荐任何渠道（\(p.text("title"))，来源：\(p.text("source"))）。向你提供贷款的人在违法；"
                + "请和父母、监护人或学校商量。"
        case .purposeBanned where p.int("also") == 1:
            return "同样禁止用于\(p.text("purpose"))：\(p.text("title"))\(reported(p))（自\(p.text("since"))起，"
                + "来源：\(p.text("source"))）。"
        case .purposeBanned:
            let lawful = p.has("lawful") ? p.text("lawful") : ""
            return "贷款不得用于\(p.text("purpose"))：\(p.text("title"))\(reported(p))（自\(p.text("since"))起，"
                + "来源：\(p.text("source"))）。所有渠道均不予推荐。\(lawful)"
        case .consumerCreditForBusiness:
            return "以下渠道是消费贷款，不得用于生产经营：\(p.text("providers"))。经营用款请以经营主体向银行申请经营贷。"
        case .debtRepaymentAdvice:
            return "借新还旧通常更贵，只会让债务更重。请先通过各债权机构的官方App或客服电话协商还款安排；"
                + "信用卡可向发卡银行申请个性化分期（《商业银行信用卡业务监督管理办法》第七十条）。"
                + "不要付费请任何中介代为“协商”。"
        case .noRulebook:
            return "目录中没有规则库：年龄、借款用途和每位借款人的上限均未核查。"
        case .noLegalCaps:
            return "未加载法定利率上限：报价没有按法定的借款成本上限核查。"

        // Recovery steps
        case .stepRepayOverdueNow:
            let what: String
            switch (p.has("amount"), p.has("months")) {
            case (true, true): what = "逾期的\(p.text("amount"))（\(p.text("months"))的分期）"
            case (true, false): what = "逾期的\(p.text("amount"))"
            default: what = "\(p.text("months"))未还的分期"
            }
            return "请立即还清\(what)：每家机构首先看有没有正在逾期的欠款，而且只要没还清，征信报告每个月都会继续记上逾期。"
        case .stepAskForRepaymentArrangement:
            return "如果一次还不清，请本人通过放贷机构的官方App或客服电话联系它，申请协商还款；信用卡可以向银行申请"
                + "个性化分期（《商业银行信用卡业务监督管理办法》第七十条）。不要付钱给承诺“停息挂账”或代为协商的中介。"
        case .stepReportToPolice:
            return "请马上带身份证到公安机关报案，说明以您名义开的贷款或账户情况，并保存好报案回执：放贷机构和征信中心都会要这份材料。"
        case .stepCheckCreditReport:
            let theft = p.fact.params["identity"] == .identity(.suspectedImpersonation)
            let look = theft ? "看看有没有不是您本人办理的查询记录、贷款和逾期" : "核对上面的姓名、身份证号和联系方式是否都是您本人的"
            return "请到中国人民银行征信中心查询本人的个人信用报告（www.pbccrc.org.cn或各查询网点，每年两次免费），\(look)。"
        case .stepDisputeRecords:
            return "对冒用者造成的每一条查询记录和贷款、逾期记录提出征信异议：向征信中心或报送该记录的机构提出，附上报案回执；"
                + "对方须在\(p.text("days"))日内核查并答复（今天提出则在\(p.text("by"))前；《征信业管理条例》第二十五条）。不是您本人的记录应当删除，不用等它过期。"
        case .stepAskLendersStopCollection:
            return "通过官方App或客服电话告诉冒用者借款的每一家机构：这笔贷款不是您借的，请它停止向您催收并更正报送的记录，"
                + "同时提供报案回执。不要为了让催收电话停下来而去还不是自己借的钱。"
        case .stepAppealCashOutFlag:
            let what = p.count("count") == 1 ? "这次标记" : "某次标记"
            return "如果\(what)有误（那些付款都是真实消费），请通过支付宝App内的客服（或拨打95188）申诉，并提供订单、物流记录、"
                + "付款凭证等证据。只有支付宝审核后才能取消标记。"
        case .stepCompliantUse:
            let by = p.has("until") ? "最晚到\(p.text("until"))就不再计入" : "满12个月后就不再计入"
            return (p.count("count") == 1 ? "如果这次标记没有错" : "对于没有错的标记") + "：花呗只用于真实消费，不要套现、虚假交易或与赌博有关的转账。资料里的标记只统计近12个月，"
                + "现在的标记\(by)；但支付宝是否、何时解除限制由它自己决定，没有公开的规则。"
        case .stepKeepRepaymentRecord:
            return "从现在起保持良好的还款记录：每期按时还款（可以开通自动还款）。多数机构最看重近12个月和近24个月的还款记录，"
                + "但逾期记录在还清后仍会在征信报告上保留5年。"
        case .stepOverdueRecordDates:
            let report =
                p.has("leavesReport")
                ? "已于\(p.text("settled"))还清，满5年后于\(p.text("leavesReport"))从征信报告中删除（《征信业管理条例》第十六条）"
                : "还清之日起满5年才会从征信报告中删除（若于\(p.text("ifSettledOn"))还清，则为"
                    + "\(p.text("leavesReportIfSettled"))；《征信业管理条例》第十六条）"
            var windows: [String] = []
            if p.has("leaves12m") { windows.append("自\(p.text("leaves12m"))起不在近12个月的还款记录里") }
            if p.has("leaves24m") { windows.append("自\(p.text("leaves24m"))起不在近24个月的还款记录里") }
            let lenders =
                windows.isEmpty
                ? "它已经不在多数机构看的近24个月还款记录里"
                : "它" + windows.joined(separator: "，") + "（这是估计：多数机构看这段时间的还款记录）"
            return "\(p.text("month"))的逾期（逾期\(p.text("days"))天）：" + report + "；" + lenders + "。"
        case .stepOverdueCountsUndated:
            var counted: [String] = []
            if p.has("count12m") { counted.append("近12个月逾期\(p.text("count12m"))次") }
            if p.has("count24m") { counted.append("近24个月\(p.text("count24m"))次") }
            let what = counted.isEmpty ? "逾期" : counted.joined(separator: "、")
            var windows: [String] = []
            if p.has("count12m") { windows.append("最晚\(p.text("by12m"))起不在近12个月的还款记录里") }
            windows.append("最晚\(p.text("by24m"))起不在近24个月的还款记录里")
            return "资料只给出\(what)，没有日期：它们" + windows.joined(separator: "，")
                + "（这是估计：多数机构看这段时间的还款记录）；每笔逾期还清后仍在征信报告上保留5年。补充逾期明细可得到准确日期。"
        case .stepAgeLimit:
            let young = (p.int("age") ?? 0) < (p.int("min") ?? 0)
            return young
                ? "\(p.service)只向\(p.text("min"))岁及以上用户开放：在此之前无法开通，任何人都不能提前为您开通；不要向面向未成年人放贷的渠道借款。"
                : "\(p.service)只向\(p.text("max"))岁及以下用户开放：等待不会重新开通；请使用没有此年龄限制的持牌渠道或您的开户银行。"
        case .stepBuildRecord:
            return "积累信用记录：使用一张持牌机构的信用卡，或把小额分期用于真实消费，每期按时足额还款；不要向多家机构"
                + "申请（每次申请都会在征信报告上留下一条机构查询征信的记录）。信用记录需要数月积累，无法给出日期。"
        case .stepRebuildScore:
            let assumed = p.has("score") ? "，下面的推算假设芝麻分保持\(p.text("score"))分不变" : ""
            return "让芝麻分回升的做法：按时还款，控制额度使用率，及时更新身份、联系方式和收入信息，避免短期内频繁申请贷款。"
                + "芝麻分回升的速度没有公开，所以这里不给日期\(assumed)。"
        case .stepFixIdentity:
            if p.has("days") {
                return "请到户籍所在地或居住地的公安机关换领过期的身份证：新证在\(p.text("days"))日内发放（\(p.text("by"))前；"
                    + "《居民身份证法》第十二条），等待期间可以申请临时居民身份证。拿到新证后，在支付宝App内更新证件"
                    + "（实名认证）；支付宝没有公布审核需要多久。"
            }
            let what = p.has("identity") ? "（\(p.text("identity"))）" : ""
            return "请现在用有效身份证在支付宝App内完成实名认证\(what)；支付宝没有公布审核需要多久。"
        case .stepResolveIdentityReport:
            return "身份问题（\(p.text("identity"))）只通过支付宝官方客服（App内或95188）处理：由支付宝审核决定，没有公开的"
                + "处理时限。"
        case .stepContactOfficialService:
            let state = p.state("state") == .restricted ? "受限" : "关闭"
            let why =
                p.has("reasons")
                ? "按示意规则，资料中的情况（\(p.text("reasons"))）解释不了\(state)"
                : "资料中没有任何公开的原因"
            return "在支付宝App内（或拨打95188）向\(p.service)官方客服询问\(state)原因：\(why)，只有支付宝自己的审核能说明。"
        case .stepFollowOfficialNotices:
            return "关注支付宝App内各服务的官方通知；支付宝以外没有人能让服务重新开通，不要相信付费“解封”。"
        case .stepKeepLicensedBackup:
            let see = p.has("count") ? "（见上方\(p.text("count"))个持牌备选渠道）" : ""
            return "准备一个持牌的备用渠道\(see)；不要使用评论区推广的无牌照“快速贷款”App。"
        case .stepVerifyIdentityBeforeBorrowing:
            return "身份问题解决之前不要另找借款：持牌机构必须核实借款人身份，不核实身份就放贷的不是持牌机构。"
        case .stepNoLicensedChannelNow:
            return "目前没有持牌渠道能满足本次申请：请等待下方的日期，不要转向评论区推广的无牌照“快速贷款”App。"

        // What-if assumptions
        case .assumeNothingOverdue:
            return p.has("date") ? "逾期欠款于\(p.text("date"))还清" : "当前无逾期"
        case .assumeNoLatePayments:
            return "自\(p.text("from"))起不再有新的逾期"
        case .assumeScore:
            return "芝麻分保持\(p.text("score"))分不变：这里不预测芝麻分（它依据我们看不到的数据计算，也没有公开的回升速度）"
        case .assumeNoCashOut:
            return p.has("from") ? "自\(p.text("from"))起不再有新的套现标记" : "无套现标记"
        case .assumeIdentityVerified:
            let by = p.has("by") ? "于\(p.text("by"))前" : ""
            return p.has("was") ? "\(by)重新完成实名认证（原为：\(p.text("was"))）" : "\(by)重新完成实名认证"
        case .assumeOperatorsDecide:
            return "这些日期是按示意规则估计的最早日期；是否恢复、是否批准由各机构自行审核决定"

        // Reopening
        case .reopenFrom:
            let subject = p.text("subject")
            if p.isService("subject") {
                return "\(subject)最早可能于\(p.text("date"))起恢复（前提是它像多数机构一样看近12个月和近24个月的还款记录，"
                    + "这是示意规则的估计）"
            }
            return p.raw("basis") == "published"
                ? "\(subject)最早可能于\(p.text("date"))起可以申请（按它公布的条件）"
                : "\(subject)最早可能于\(p.text("date"))起可以申请（前提是它的条件和我们的估计一致）"
        case .reopenNotPredictable:
            let latest = p.has("latest") ? "（按示意规则估计，最晚\(p.text("latest"))）" : ""
            return "\(p.text("subject"))：无法根据资料推算日期\(latest)"

        // What a reopening waits for
        case .afterOverdueRepaid: return "还清当前逾期后（\(p.text("date"))）"
        case .afterIdentityReverified: return "重新完成实名认证后（按\(p.text("by"))前完成计）"
        case .afterRecordLeavesWindow:
            return "\(p.text("month"))的逾期不在近\(p.text("months"))个月的还款记录里时（\(p.text("date"))）"
        case .afterProviderReopens: return "重新接受新用户申请时（\(p.text("date"))）"
        case .dependsOnUndatedCounts:
            return "\(p.text("fields"))没有日期：最晚\(p.text("by"))起不再计入近\(p.text("months"))个月的统计，也可能更早"
        case .dependsOnScore:
            let minimum = p.has("min") ? "，最低要求\(p.text("min"))分" : ""
            return "取决于芝麻分（\(p.text("score"))分\(minimum)），这里不预测芝麻分"
        case .dependsOnRecordBuilding:
            return "取决于积累还款记录，所需时间无法预计"
        case .dependsOnOperatorReview:
            if p.has("identity") { return "需等待支付宝审核身份问题（\(p.text("identity"))），没有公开的处理时限" }
            return p.has("reasons")
                ? "按示意规则，资料中的情况（\(p.text("reasons"))）解释不了目前的状态，只有官方审核能说明原因，因此无法给出日期"
                : "资料中没有任何公开原因，由支付宝自行审核决定"

        // Scams
        case .scamCreditRepair:
            return "付费“征信修复”是骗局：真实的不良记录任何人都无法花钱删除。只有错误的信息可以更正：本人向中国人民银行"
                + "征信中心或报送该信息的机构提出异议，对方须在20日内答复（来源：\(p.text("source"))）。"
        case .scamCampusLoanCancellation:
            return "自称要帮您“注销校园贷”账户的来电是骗局：根本没有这种操作，也没有人需要您借款并转账来“清除”记录"
                + "（来源：\(p.text("source"))）。"
        case .scamUpfrontFees:
            return "放款之前以任何理由要求转账（保证金、验证费、“解冻费”、保险费）的都是诈骗（来源：\(p.text("source"))）。"
        case .scamFakeCustomerService:
            return "打电话来并要求添加QQ或微信、或要您把钱转到指定账户的“客服”都是骗子：只通过机构自己的App联系客服，"
                + "支付宝客服电话是95188（来源：\(p.text("source"))）。"
        case .scamPaidUnblocking:
            return "付费“解冻”“提额”是骗局：放贷机构以外没有任何人能恢复服务、提高额度或解冻贷款，交多少钱都没用"
                + "（来源：\(p.text("source"))）。"
        case .scamPaidDebtAgents:
            return "承诺“停息挂账”、代为协商或“反催收”的付费中介不需要找，很多就是骗局：它们收费、拿走您的个人信息，还可能让"
                + "您的债务更重。请本人通过官方渠道免费联系放贷机构；投诉银行或消费金融公司可拨打12378（来源：\(p.text("source"))）。"
        case .scamFakePolice:
            return "自称公安、检察院或法院，说您的身份被用于洗钱、要您把钱转到“安全账户”的来电都是诈骗：公安机关从不通过"
                + "电话要求转账。请挂断电话，自己拨打110核实（来源：\(p.text("source"))）。"

        // Pricing notes
        case .notePublishedPrice:
            return "公布价格：" + priceParts(p).joined(separator: "，")
        case .noteEstimatedPrice:
            return "估算价格：" + priceParts(p).joined(separator: "，")
                + "；按其公布区间的\(rangePlace(p))定价，这是对此档案的估计"
        case .noteNearestTerm:
            return "其最接近所需\(p.text("asked"))个月的期限是\(p.text("term"))个月"
        case .noteServiceRestricted:
            return "\(p.service)受限，额度可能低于所需金额"
        case .notePromotion:
            return "已按优惠计价：\(p.text("promotion"))"
        case .notePromotionCustomerUnknown:
            return "未计入优惠：\(p.text("promotion"))（资料未说明您是否已是其客户）"
        case .noteFees:
            var parts: [String] = []
            if p.has("fees") { parts.append("价格已计入\(p.text("fees"))（各项费用共\(p.text("amount"))）") }
            if p.has("optional") { parts.append("可选、未计入：\(p.text("optional"))") }
            if p.has("unknown") { parts.append("必付但未公布：\(p.text("unknown"))") }
            return parts.joined(separator: "；")

        // Why
        case .whyLicence:
            guard p.has("funders") else { return "持牌：\(p.text("licence"))" }
            let guarantee = p.has("guarantors") ? "；担保方为\(p.text("guarantors"))" : ""
            return "\(p.text("licence"))：贷款由\(p.licencesPlural("funders"))发放\(guarantee)"
        case .whyPrice: return "年化利率\(p.text("apr"))，\(p.text("term"))个月，\(p.text("method"))"
        case .whyLikelihood: return "获批可能性\(p.text("likelihood"))"
        case .whyJustClears: return "勉强满足：\(p.text("rules"))"
        case .whyUnknown: return "未知：\(p.text("fields"))"
        case .whyOddsCurrentOverdue: return "获批可能性低：当前逾期\(p.text("amount"))"
        case .whyOddsRecentOverdue:
            return "获批可能性至多为\(p.text("cap"))：近12个月逾期\(p.text("count"))次，最长逾期\(p.text("worst"))天"
        case .whyOddsCashOut: return "获批可能性至多为中：近12个月有\(p.text("count"))次套现标记"
        case .whyOddsInquiries: return "获批可能性至多为\(p.text("cap"))：近3个月有\(p.text("count"))次机构查询征信的记录"
        case .whyOddsUnknown: return "获批可能性至多为中：缺少\(p.text("fields"))"
        case .whyOddsUnemployed: return "获批可能性低：没有工作收入"
        case .whyOddsGig: return "获批可能性至多为中：灵活就业收入不稳定"
        case .whyOddsEstimatesOnly:
            return "获批可能性至多为中：\(p.text("provider"))没有公布任何审批标准，对其标准的估计不能说明获批机会高"
        case .whyOnlyIfInvited: return "仅限受邀用户：\(p.text("provider"))只接受受邀用户申请（请查看是否向您显示入口）"
        case .whyOnlyForCustomers: return "仅限\(p.text("institutions"))的客户"
        case .whyTermDiffers: return "按\(p.text("term"))个月报价：没有\(p.text("asked"))个月的期限，不能与期限相同的报价直接比较"
        case .whyInquiry: return "申请：\(p.text("inquiry"))"
        case .whyNotIfStudent:
            return "如果你是在校大学生，则不能申请：\(p.text("title"))（来源：\(p.text("source"))）"
        case .whyEstimate: return "利率按其公布区间的\(rangePlace(p))估算" + rangeBecause(p)
        // 申请计划
        case .planUseOpenLine: return "先使用\(p.text("provider"))：您已开通，无需新的申请"
        case .planApplySoft: return "先查看\(p.text("provider"))：申请不会留下机构查询征信的记录（获批可能性\(p.text("likelihood"))）"
        case .planWaitForBetterOdds:
            let when =
                p.has("date")
                ? (p.int("atTheLatest") == 1
                    ? "等待会有更好的机会：最晚到\(p.text("date"))，未注明日期的逾期记录都已不在机构查看的期间内（这是本服务的估算，不是机构的承诺）。"
                    : "等待会有更好的机会：按下方的预测，最早从\(p.text("date"))起会有渠道的获批可能更高（这是本服务的估算，不是机构的承诺）。")
                : "目前还无法给出获批可能变高的日期：请先按下方的恢复计划处理。"
            return "你现在在各渠道的获批可能都很低：申请大多会被拒，而被拒的申请也会作为查询记录留在征信报告上，"
                + "机构会查看近2年的记录。\(when)"
        case .planApplyIfCannotWait:
            return "只有无法等待时：申请\(p.text("provider"))（获批可能性\(p.text("likelihood"))；\(p.text("inquiry"))）"
        case .planNoHardInquiries:
            return "按你的要求，不进行任何会增加查询记录的申请：有\(p.text("count"))个渠道未列入。"
        case .planSkipsCheaper:
            return "\(p.text("provider"))（获批可能性\(p.text("likelihood"))）总成本比\(p.text("chosen"))低"
                + "\(p.text("difference"))，但在此顺序中排在后面。"
        case .planApplyHard: return "申请\(p.text("provider"))（获批可能性\(p.text("likelihood"))；\(p.text("inquiry"))）"
        case .planOneAtATime:
            return "一次只申请一个渠道，按此顺序，等上一个有结果再申请下一个。每次申请或测额度都会在征信报告上增加一次查询征信的记录；"
                + "本计划在3个月内最多允许\(p.text("budget"))次（包括已有的查询）。"
        case .planLater: return "暂不申请：\(p.text("providers"))。同时申请会使3个月内机构查询征信的次数超过\(p.text("budget"))次。"
        case .planWaitUntil:
            return p.has("date")
                ? "近3个月已有\(p.text("count"))次查询征信的记录（上限\(p.text("budget"))次）：\(p.text("date"))之前不要进行任何会增加查询记录的申请。"
                : "近3个月已有\(p.text("count"))次查询征信的记录（上限\(p.text("budget"))次）：等较早的查询超出3个月后再进行会增加查询记录的申请。"
        case .planInquiriesUnknown:
            return "资料没有说明征信报告上有几次查询征信的记录，本计划按0次计算。申请前请先查询本人征信报告（中国人民银行征信中心可免费查询）。"
        case .planNothingToApply: return "本次借款目前不要向任何渠道申请：没有渠道能够满足（原因见下），每次申请只会增加一次机构查询征信的记录。"

        // Legality
        case .legalityWithinCap:
            return "年化利率\(over(p, "cap"))未超过\(p.text("title"))（自\(p.text("since"))起为\(capFigure(p))，"
                + "来源：\(p.text("source"))）。"
        case .legalityAboveCap:
            return "年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为\(capFigure(p))，"
                + "来源：\(p.text("source"))）：受其约束的机构（\(p.text("licences"))）不得以此利率放贷。"
        case .legalityAboveCourtLevel:
            let consequence = p.has("lpr") ? "超出部分的利息法院不予支持" : "超出部分的利息和费用可被法院调减或不予支持"
            return "年化利率\(over(p, "cap"))超过\(p.text("title"))（自\(p.text("since"))起为\(capFigure(p))，"
                + "来源：\(p.text("source"))）：\(consequence)。"
        case .legalityNoCap:
            let who = p.has("licence") ? p.text("licence") : "持牌机构"
            return "数据中没有在\(p.text("date"))约束\(who)的法定利率上限：年化利率\(p.text("apr"))未经上限核查。"
        case .legalityCapsUnknown:
            return "无法读取法定利率上限：年化利率\(p.text("apr"))没有按法定的借款成本上限核查。"
        }
    }

    /// `, counting its guarantee fee and insurance premium (¥1,855.00)` / `（含担保费和保险费共1,855.00元）`: the
    /// fees a capped price counts, when the fact names them.
    /// `priced at ¥10,000.00 over 12 months, the nearest loan it makes to the one asked for: ` /
    /// `按其最接近本次申请的借款（10,000.00元，12个月）计价，`: the loan a provider refused on its own rules or the request
    /// was priced at to judge it against a cap, when the fact names it (`amount`, `term`).
    fileprivate func pricedAt(_ p: Params) -> String {
        guard p.has("amount") && p.has("term") else { return "" }
        return t(
            "priced at \(p.text("amount")) over \(p.text("term")) months, the nearest loan it makes to the one asked for: ",
            "按其最接近本次申请的借款（\(p.text("amount"))，\(p.text("term"))个月）计价，"
        )
    }

    /// ` (reported)` / `（据报道）` when the rule's figure is reported rather than read in the rule's text.
    fileprivate func reported(_ p: Params) -> String {
        p.int("reported") == 1 ? t(" (reported)", "（据报道）") : ""
    }

    fileprivate func feesCounted(_ p: Params) -> String {
        guard p.has("fees") else { return "" }
        let total = p.has("feeTotal") ? " (\(p.text("feeTotal")))" : ""
        let totalZH = p.has("feeTotal") ? "共\(p.text("feeTotal"))" : ""
        return t(", counting its \(p.text("fees"))\(total)", "（含\(p.text("fees"))\(totalZH)）")
    }

    /// The rate `apr` beside a limit, with the decimals it takes to show on which side it lies: `24.004%` above
    /// `24.00%` and `23.996%` within it, never `24.00%` above (or within) `24.00%`. A rate equal to the limit (for a
    /// cap: equal at 0.001 pp) keeps two decimals.
    fileprivate func over(_ p: Params, _ limit: String) -> String {
        guard let rate = p.decimal("apr") else { return p.text("apr") }
        guard let bound = p.decimal(limit) else { return percent(rate) }
        func side(_ a: Decimal, _ b: Decimal) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        // A cap is compared to 0.001 pp (LegalCap.isAbove): the side shown is the side the gate found, so a price at
        // 24% whose instalments are rounded to the fen (24.00006%) reads "24.00%", at the cap, not above it. Other
        // levels (the high-cost level) are compared exactly.
        let compared = limit == "cap" ? rate.roundedHalfUp(scale: LegalCap.comparisonScale) : rate
        let found = side(compared, bound)
        var scale = 2
        while scale < 8 && side(rate.roundedHalfUp(scale: scale), bound.roundedHalfUp(scale: scale)) != found {
            scale += 1
        }
        return rate.fixed(scale) + "%"
    }

    /// A cap's rate, with the LPR it is 4 times when it has one: `4 × the 1-year LPR of 3.00% published 2025-05-20
    /// = 12.00%` / `2025年5月20日发布的一年期LPR 3.00%的4倍，即12.00%`.
    fileprivate func capFigure(_ p: Params) -> String {
        guard p.has("lpr") && p.has("lprDate") else { return p.text("cap") }
        return language == .zh
            ? "\(p.text("lprDate"))发布的一年期LPR \(p.text("lpr"))的4倍，即\(p.text("cap"))"
            : "4 × the 1-year LPR of \(p.text("lpr")) published \(p.text("lprDate")) = \(p.text("cap"))"
    }

    /// Where in its published range a rate sits, from the position (0 best, 1 riskiest), in words: `at the bottom`
    /// / `底部`, `near the bottom`, `in the lower half`, `in the middle`, `in the upper half`, `near the top`, `at the top`.
    fileprivate func rangePlace(_ p: Params) -> String {
        let position = p.decimal("position") ?? 0
        let places: [(Decimal, String, String)] = [
            (0, "at the bottom (its best rate)", "底部（最优利率）"),
            (Decimal(string: "0.2")!, "near the bottom", "靠近底部"),
            (Decimal(string: "0.4")!, "in the lower half", "偏低部分"),
            (Decimal(string: "0.6")!, "in the middle", "中间"),
            (Decimal(string: "0.8")!, "in the upper half", "偏高部分"),
            (Decimal(string: "0.999")!, "near the top", "靠近顶部"),
        ]
        let place = places.first { position <= $0.0 } ?? (1, "at the top (its highest rate)", "顶部（最高利率）")
        return t(place.1, place.2)
    }

    /// ` because of a credit score of 640 and 2 overdue instalments in 12 months` / `，依据：信用分640分、…`: what
    /// puts the profile there (``RiskPosition/drivers(_:)``); empty when nothing is known.
    fileprivate func rangeBecause(_ p: Params) -> String {
        guard p.has("score") else { return "" }
        var en = ["a credit score of \(p.text("score"))"]
        var zh = ["信用分\(p.text("score"))分"]
        if p.has("overdue") {
            en.append("\(p.text("overdue")) overdue \(instalments(p.count("overdue"))) in 12 months")
            zh.append("近12个月逾期\(p.text("overdue"))次")
        }
        if p.has("scoreDrop") {
            en.append("a score \(p.text("scoreDrop")) points lower than 90 days ago")
            zh.append("信用分比90天前低\(p.text("scoreDrop"))分")
        }
        if p.int("recordUnknown") == 1 {
            en.append("a repayment record Backstop does not know")
            zh.append("还款记录未知")
        }
        return t(" because of " + list(en), "，依据：" + zh.joined(separator: "、"))
    }

    fileprivate func instalments(_ count: Int) -> String { count == 1 ? "instalment" : "instalments" }

    /// `(none allowed)` when the limit is 0, else `(at most 2 allowed)`: never "at most 0".
    fileprivate func allowed(_ p: Params) -> String {
        p.count("limit") == 0 ? "(none allowed)" : "(at most \(p.text("limit")) allowed)"
    }

    /// `（要求近12个月没有逾期）` when the limit is 0, else `（最多允许2次）`: never "不超过0次".
    fileprivate func allowedZH(_ p: Params, _ unit: String, none: String) -> String {
        p.count("limit") == 0 ? none : "（最多允许\(p.text("limit"))\(unit)）"
    }

    /// The parts of a price note: interest, interest-free days, instalment fee.
    fileprivate func priceParts(_ p: Params) -> [String] {
        var parts = [p.text("interest")]
        if p.has("interestFreeDays") {
            parts.append(
                language == .zh
                    ? "免息\(p.text("interestFreeDays"))天" : "\(p.text("interestFreeDays")) interest-free days"
            )
        }
        if p.has("installmentFee") { parts.append(p.text("installmentFee")) }
        return parts
    }

    fileprivate func ageWithin(_ p: Params) -> Bool {
        let age = p.count("age")
        return (p.int("min").map { age >= $0 } ?? true) && (p.int("max").map { age <= $0 } ?? true)
    }

    /// `18 to 55` / `18至55岁`, `18 or over` / `18岁及以上`, `up to 55` / `55岁及以下`.
    fileprivate func ageRange(_ p: Params) -> String {
        switch (p.int("min"), p.int("max"), language) {
        case (let low?, let high?, .zh): "\(low)至\(high)岁"
        case (let low?, let high?, .en): "\(low) to \(high)"
        case (let low?, nil, .zh): "\(low)岁及以上"
        case (let low?, nil, .en): "\(low) or over"
        case (nil, let high?, .zh): "\(high)岁及以下"
        case (nil, let high?, .en): "up to \(high)"
        case (nil, nil, .zh): "无限制"
        case (nil, nil, .en): "none"
        }
    }
}
