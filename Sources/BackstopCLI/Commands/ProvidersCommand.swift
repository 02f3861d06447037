import ArgumentParser
import BackstopCatalog
import BackstopCore
import BackstopPresentation
import Foundation

/// `backstop providers`: the catalog maintainers' tools.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List, show, validate, lint, diff and migrate the provider catalog.",
        discussion: """
            The catalog is a directory of provider XML files (one per provider, <id>.xml) with its schema in
            schema/provider-1.xsd and legal caps in caps/legal-caps.json. See docs/provider-xml.md.
            """,
        subcommands: [List.self, Show.self, Validate.self, Lint.self, Diff.self, Migrate.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per provider: id, name, kind, licence, status, APR range."
        )
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var date: DateOption
        @OptionGroup var lang: LanguageOption
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loaded = try catalog.load()
            let day = try date.value()
            let documents = loaded.providers.map { ProviderDocument($0, on: day) }
            let r = lang.renderer
            switch format {
            case .json:
                print(try encodeJSON(ProviderListDocument(catalog: loaded, providers: documents)))
            case .table:
                var table = TextTable(headers: [
                    "id", r.t("name", "名称"), r.t("kind", "产品"), r.t("licence", "牌照"), r.t("status", "状态"),
                    r.t("APR range", "年化利率区间"),
                ])
                table.leftAligned = [0, 1, 2, 3, 4]
                for (d, p) in zip(documents, loaded.providers) {
                    let range = d.aprMin.map { "\($0.fixed(2))–\((d.aprMax ?? $0).fixed(2))%" } ?? r.t("n/a", "无")
                    table.rows.append([
                        d.id, r.language == .zh ? "\(d.name.zh) \(d.name.en)" : "\(d.name.en) \(d.name.zh)",
                        r.productKind(p.productKind),
                        d.licensed ? r.licence(d.licence.kind) : r.t("UNLICENSED", "无牌照"),
                        r.providerState(d.state), range,
                    ])
                }
                print(table.render())
                print(
                    r.t(
                        "\n\(loaded.count) providers, catalog \(loaded.hash), status on \(day); APR: nominal, "
                            + "¥10,000 sample, fees included",
                        "\n\(loaded.count)个渠道，目录 \(loaded.hash)，状态日期\(r.date(day))；年化利率：名义年化，"
                            + "以借款10,000元为例，含费用"
                    )
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything the catalog says about one provider.")
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var date: DateOption
        @OptionGroup var lang: LanguageOption
        @Argument(help: "The provider id, e.g. wechat-weilidai.") var id: String
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loaded = try catalog.load()
            guard let provider = loaded.provider(ProviderID(rawValue: id)) else {
                throw failure(
                    "no provider \"\(quoted(id))\" in \(loaded.directory); known: \(loaded.providers.map(\.id.rawValue).joined(separator: ", "))",
                    code: Exit.dataError
                )
            }
            let d = ProviderDocument(provider, on: try date.value())
            switch format {
            case .json: print(try encodeJSON(d))
            case .table: print(render(provider, d, lang.renderer))
            }
        }

        /// Catalog data (operator, source titles, notes) is shown as the catalog writes it; labels, states,
        /// licences, rates and rules follow the language.
        func render(_ p: ProviderDescription, _ d: ProviderDocument, _ r: Renderer) -> String {
            let width = r.language == .zh ? 10 : 13
            func label(_ en: String, _ zh: String) -> String {
                let text = r.t(en, zh)
                return text + String(repeating: " ", count: max(1, width - text.displayWidth))
            }
            let period = p.status.map { status in
                r.providerState(status.state)
                    + r.t(" from \(r.date(status.from))", "，自\(r.date(status.from))起")
                    + (status.until.map { r.t(" until \(r.date($0))", "至\(r.date($0))") } ?? "")
            }
            var lines = [
                "\(r.bothNames(p.name))  [\(d.id)]",
                label("Operator", "运营方") + d.operator,
                label("Licence", "牌照")
                    + (d.licensed
                        ? r.licence(d.licence.kind) : r.t("NONE — unlicensed, never recommended", "无——无牌照，从不推荐"))
                    + (d.licence.regulator.map { r.t(", ", "，") + $0 } ?? "")
                    + (d.licence.number.map { " \($0)" } ?? ""),
                label("Channel", "渠道") + d.channel + r.t("; product ", "；产品：") + r.productKind(p.productKind)
                    + r.t("; purposes ", "；用途：") + r.list(p.purposes.map(r.purpose)),
                label("Limits", "额度") + "\(r.money(d.limits.min)) – \(r.money(d.limits.max))",
                label("Terms", "期限")
                    + r.t(
                        "\(d.terms.map(String.init).joined(separator: ", ")) months; ",
                        "\(d.terms.map(String.init).joined(separator: "、"))个月；"
                    ) + r.list(p.methods.map(r.method)),
                label("Status", "状态") + r.providerState(d.state)
                    + r.t(" on \(r.date(d.stateDate))", "（\(r.date(d.stateDate))）") + "  ("
                    + period.joined(separator: "; ")
                    + ")",
                label("APR range", "年化利率")
                    + (d.aprMin.map {
                        "\($0.fixed(2))% – \((d.aprMax ?? $0).fixed(2))%"
                            + r.t(" nominal (¥10,000 sample, fees included)", "，名义年化（以借款10,000元为例，含费用）")
                    } ?? r.t("n/a", "无")),
                r.t("Pricing", "价格"),
            ]
            for rule in p.pricing {
                var scope =
                    rule.terms.map {
                        "  "
                            + r.t(
                                "\($0.map(String.init).joined(separator: ", ")) months",
                                "\($0.map(String.init).joined(separator: "、"))个月"
                            )
                    }
                    ?? "  " + r.t("every other term", "其他期限")
                switch (rule.from, rule.until) {
                case (let from?, let until?):
                    scope += r.t(", \(r.date(from)) to \(r.date(until))", "（\(r.date(from))至\(r.date(until))）")
                case (let from?, nil): scope += r.t(", from \(r.date(from))", "（自\(r.date(from))起）")
                case (nil, let until?): scope += r.t(", until \(r.date(until))", "（截至\(r.date(until))）")
                case (nil, nil): break
                }
                scope += r.t(": ", "：")
                var parts = [r.interestQuote(rule.interest)]
                if let fee = rule.installmentFee { parts.append(r.installmentFeeQuote(fee)) }
                if rule.interestFreeDays > 0 {
                    parts.append(
                        r.t("up to \(rule.interestFreeDays) interest-free days", "最长免息\(rule.interestFreeDays)天")
                    )
                }
                switch rule.upfrontFee {
                case .percent(let value): parts.append(r.t("upfront fee \(value)%", "放款手续费\(value)%"))
                case .fixed(let money): parts.append(r.t("upfront fee ", "放款手续费") + r.money(money))
                case nil: break
                }
                if let fee = rule.monthlyMembershipFee {
                    parts.append(r.t("membership \(r.money(fee))/month", "会员费每月\(r.money(fee))"))
                }
                // Version 2: typed fees (ranges at their top), tiers and promotions.
                for fee in rule.fees {
                    let shown = fee.fee(atRisk: 1)
                    let text =
                        fee.status == .none ? r.t("no \(r.fee(fee.kind))", "无\(r.fee(fee.kind))") : r.feeTerms(shown)
                    parts.append(text + (fee.pushed ? r.t(" (pushed)", "（常被推销）") : ""))
                }
                for tier in rule.tiers {
                    let band = [
                        tier.terms.map {
                            r.t(
                                "\($0.map(String.init).joined(separator: ", ")) months",
                                "\($0.map(String.init).joined(separator: "、"))个月"
                            )
                        },
                        (tier.minAmount != nil || tier.maxAmount != nil)
                            ? "\(tier.minAmount.map(r.money) ?? "")–\(tier.maxAmount.map(r.money) ?? "")" : nil,
                        (tier.minScore != nil || tier.maxScore != nil)
                            ? r.t("score ", "信用分") + "\(tier.minScore ?? 350)–\(tier.maxScore ?? 950)" : nil,
                    ].compactMap { $0 }.joined(separator: r.t(", ", "，"))
                    parts.append(
                        r.t("tier", "档位") + (tier.grade.map { " \($0)" } ?? "") + " (\(band)) "
                            + r.interestQuote(rule.interest.withRange(min: tier.minPercent, max: tier.maxPercent))
                    )
                }
                for promotion in rule.promotions { parts.append(r.t("promotion: ", "优惠：") + r.name(promotion.name)) }
                lines.append(scope + parts.joined(separator: r.t("; ", "；")))
            }
            lines.append(r.t("Eligibility", "申请条件"))
            let e = p.eligibility
            var rules: [String] = []
            if let v = e.minCreditScore { rules.append(r.t("credit score ≥ \(v)", "信用分 ≥ \(v)")) }
            if let v = e.maxOverdueCount12m { rules.append(r.t("≤ \(v) overdue in 12 months", "近12个月逾期 ≤ \(v)次")) }
            if let v = e.maxOverdueCount24m { rules.append(r.t("≤ \(v) overdue in 24 months", "近24个月逾期 ≤ \(v)次")) }
            if let v = e.maxDaysPastDue {
                rules.append(r.t("never more than \(v) days past due", "逾期从未超过\(v)天"))
            }
            if e.noCurrentOverdue { rules.append(r.t("nothing overdue now", "当前无逾期")) }
            if e.identityVerified { rules.append(r.t("verified identity", "已实名认证")) }
            if e.minAge != nil || e.maxAge != nil {
                let range = "\(e.minAge.map(String.init) ?? "")–\(e.maxAge.map(String.init) ?? "")"
                rules.append(r.t("age \(range)", "年龄\(range)岁"))
            }
            if let v = e.minMonthlyIncome { rules.append(r.t("income ≥ \(r.money(v))/month", "月收入 ≥ \(r.money(v))")) }
            if let v = e.maxDebtToIncomePercent { rules.append(r.t("debt-to-income ≤ \(v)%", "负债收入比 ≤ \(v)%")) }
            for account in e.requiredAccounts {
                rules.append(r.t("an account with ", "需要") + r.account(account) + r.t("", "账户"))
            }
            for flag in e.excludedWhen { rules.append(r.t("not: ", "不能有：") + r.exclusion(flag)) }
            lines += rules.map { "  - " + $0 }
            var access: [String] = []
            if p.access.invitationOnly {
                access.append(r.t("by invitation only (the channel invites users)", "仅限受邀用户（由渠道邀请）"))
            }
            if !p.access.customersOf.isEmpty {
                let ids = p.access.customersOf.map(\.rawValue)
                access.append(
                    r.t("only customers of \(ids.joined(separator: ", "))", "仅限\(ids.joined(separator: "、"))的客户")
                )
            }
            lines.append(
                label("Access", "申请资格")
                    + (access.isEmpty ? r.t("anyone eligible", "符合条件者均可申请") : access.joined(separator: r.t("; ", "；")))
                    + (p.figureSources["access"].map { " [\($0)]" } ?? "")
            )
            func inquiry(_ kind: InquiryKind) -> String {
                switch kind {
                case .hard: r.t("hard inquiry", "硬查询")
                case .soft: r.t("no hard inquiry", "不产生硬查询")
                case .unknown: r.t("unknown (counted as a hard inquiry)", "未知（按硬查询计）")
                }
            }
            let q = p.inquiries
            var inquiries = [
                r.t("applying: ", "申请：") + inquiry(q.application),
                r.t("limit check: ", "测额度：") + inquiry(q.limitCheck),
            ]
            if let most = q.maxHardInquiries3m {
                inquiries.append(r.t("accepts at most \(most) in 3 months", "近3个月至多接受\(most)次"))
            }
            lines.append(
                label("Inquiries", "征信查询") + inquiries.joined(separator: r.t("; ", "；"))
                    + (q.source.map { " [\($0)]" } ?? "")
            )
            lines.append(r.t("Sources", "来源"))
            lines += p.sources.map {
                "  [\($0.id)] \($0.title) <\($0.url)>"
                    + ($0.retrieved.map { r.t(" (retrieved \($0))", "（获取于\($0)）") } ?? "")
            }
            lines.append(label("Notes", "说明") + p.notes)
            lines.append(label("Defined in", "定义于") + p.origin)
            return lines.joined(separator: "\n")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate provider files; exit 65 listing every error when any file is invalid.",
            discussion: """
                PATHs may be files or directories (their *.xml files); default: the catalog directory. The schema is \
                --schema, else that of --catalog, else the first directory PATH's own schema/provider-1.xsd, else \
                that of the catalog found as for every command.
                """
        )
        @OptionGroup var catalog: CatalogOptions
        @Argument(help: "Files or directories to validate.") var paths: [String] = []
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loader = CatalogLoader()
            let directory = paths.isEmpty ? try catalog.directory() : nil
            var files: [String] = []
            var capsChecks: [FileCheck] = []
            for path in paths.isEmpty ? [directory ?? "."] : paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw failure("cannot read \(path): no such file or directory", code: Exit.noInput)
                }
                if isDirectory.boolValue {
                    do { files += try loader.xmlFiles(in: path) } catch {
                        throw failure(error.description, code: Exit.dataError)
                    }
                    // The legal caps are part of a catalog directory (CatalogLoader's rule).
                    capsChecks += loader.checkLegalCaps(directory: path).map { [$0] } ?? []
                } else {
                    files.append(path)
                }
            }
            // A directory brings its own schema (a catalog checked outside a checkout); --schema and --catalog win.
            let ownSchema = paths.lazy.map(CatalogLoader.defaultSchemaPath(for:)).first {
                FileManager.default.fileExists(atPath: $0)
            }
            let schemaPath =
                try catalog.schema
                ?? (catalog.catalog == nil ? ownSchema : nil)
                ?? CatalogLoader.defaultSchemaPath(for: catalog.directory())
            let schema: ProviderSchema
            do { schema = try ProviderSchema(contentsOf: schemaPath) } catch {
                throw failure(error.description, code: Exit.dataError)
            }
            let checks = loader.check(files: files, schema: schema) + capsChecks
            let invalid = checks.filter { !$0.issues.isEmpty }
            switch format {
            case .json:
                print(try encodeJSON(ValidationDocument(checks: checks)))
            case .table:
                for check in checks {
                    if check.issues.isEmpty {
                        print("ok       \(check.file)")
                    } else {
                        print("INVALID  \(check.file)")
                        for issue in check.issues { print("  \(issue)") }
                    }
                }
                print("\n\(checks.count - invalid.count) of \(checks.count) files valid against \(schemaPath)")
            }
            if !invalid.isEmpty { throw ExitCode(Exit.dataError) }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite version-1 provider files as version 2 (same providers, same text and comments).",
            discussion: """
                A FILE is written to standard output, or over itself with --in-place. A DIR's *.xml files are \
                listed (dry run), or rewritten with --in-place. Version-2 files are left as they are, so running it \
                twice changes nothing. Every input must be a valid provider and every output must load as the same \
                provider, or nothing is written (exit 65). The schema is found as for validate; provider-2.xsd must \
                sit next to it. See docs/provider-xml.md §14.9.
                """
        )
        @OptionGroup var catalog: CatalogOptions
        @Argument(help: "A provider file or a catalog directory.") var path: String
        @Flag(help: "Rewrite the files in place (atomically).") var inPlace = false

        func run() throws {
            let loader = CatalogLoader()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw failure("cannot read \(path): no such file or directory", code: Exit.noInput)
            }
            let files: [String]
            if isDirectory.boolValue {
                do { files = try loader.xmlFiles(in: path) } catch {
                    throw failure(error.description, code: Exit.dataError)
                }
            } else {
                files = [path]
            }
            let ownSchema = isDirectory.boolValue ? CatalogLoader.defaultSchemaPath(for: path) : nil
            let schemaPath =
                try catalog.schema
                ?? (catalog.catalog == nil
                    ? ownSchema.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil } : nil)
                ?? CatalogLoader.defaultSchemaPath(for: catalog.directory())
            let schema: ProviderSchema
            do { schema = try ProviderSchema(contentsOf: schemaPath) } catch {
                throw failure(error.description, code: Exit.dataError)
            }
            guard schema.version2Path != nil else {
                throw failure(
                    "no provider-2.xsd next to \(schemaPath): cannot check the migrated files",
                    code: Exit.dataError
                )
            }
            let migration = ProviderMigration(loader: loader, schema: schema)
            var outcomes: [ProviderMigration.Outcome] = []
            var problems: [String] = []
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    problems.append("\(file): cannot read the file")
                    continue
                }
                do { outcomes.append(try migration.migrate(data: data, file: file)) } catch {
                    problems += error.issues.map(\.description)
                }
            }
            guard problems.isEmpty else {
                throw failure(
                    "nothing written: \(problems.count) problem(s)\n"
                        + problems.map { "  " + $0 }.joined(separator: "\n"),
                    code: Exit.dataError
                )
            }
            if !isDirectory.boolValue && !inPlace, let outcome = outcomes.first {
                FileHandle.standardOutput.write(outcome.data)
                return
            }
            for outcome in outcomes {
                if inPlace && outcome.changed {
                    do { try outcome.data.write(to: URL(fileURLWithPath: outcome.file), options: .atomic) } catch {
                        throw failure(
                            "cannot write \(outcome.file): \(error.localizedDescription)",
                            code: Exit.cantCreate
                        )
                    }
                }
                let verb = outcome.changed ? (inPlace ? "migrated " : "would migrate ") : "already v2 "
                print("\(verb)\(outcome.file)")
            }
            let changed = outcomes.filter(\.changed).count
            print(
                "\n\(changed) of \(outcomes.count) file(s) \(inPlace ? "migrated" : "to migrate (dry run: add --in-place)") to format version 2"
            )
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the catalog for legal caps, licences, sources, status dates and unservable terms.",
            discussion: "Exit 65 when there is any error (with --strict, any warning too)."
        )
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var date: DateOption
        @Flag(help: "Fail on warnings too.") var strict = false
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let directory = try catalog.directory()
            let findings = CatalogLinter(date: try date.value()).lint(directory: directory, schemaPath: catalog.schema)
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.filter { $0.severity == .warning }.count
            switch format {
            case .json:
                print(try encodeJSON(LintDocument(findings: findings, errors: errors, warnings: warnings)))
            case .table:
                for finding in findings { print(finding) }
                print(
                    "\n\(errors) error(s), \(warnings) warning(s), \(findings.count - errors - warnings) note(s) in \(directory)"
                )
            }
            if errors > 0 || (strict && warnings > 0) { throw ExitCode(Exit.dataError) }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Providers added, removed and changed (field by field) between two catalog directories.",
            discussion: "Exit 0 when identical, 1 when they differ (like diff(1)), 65 when either catalog is invalid."
        )
        @Argument(help: "The old catalog directory.") var old: String
        @Argument(help: "The new catalog directory.") var new: String
        @Option(help: "Schema for both (default: each directory's schema/provider-1.xsd).") var schema: String?
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loader = CatalogLoader()
            let before: Catalog
            let after: Catalog
            do {
                before = try loader.load(directory: old, schemaPath: schema)
                after = try loader.load(directory: new, schemaPath: schema)
            } catch {
                throw failure(error.description, code: Exit.dataError)
            }
            let diff = CatalogDiff(old: before.providers, new: after.providers)
            switch format {
            case .json:
                print(try encodeJSON(DiffDocument(old: before.hash, new: after.hash, diff: diff)))
            case .table:
                if diff.isEmpty { print("no differences (\(before.hash) → \(after.hash))") }
                for id in diff.added { print("+ \(id): added") }
                for id in diff.removed { print("- \(id): removed") }
                for change in diff.changed {
                    for field in change.changes { print("~ \(change.provider): \(field)") }
                }
            }
            if !diff.isEmpty { throw ExitCode(1) }
        }
    }
}

struct ProviderListDocument: Encodable {
    let catalog: CatalogSummary
    let providers: [ProviderDocument]

    init(catalog: Catalog, providers: [ProviderDocument]) {
        self.catalog = CatalogSummary(hash: catalog.hash, providers: catalog.count)
        self.providers = providers
    }
}

/// `{"hash": "...", "providers": 14}`: the wire format's `catalog` object.
struct CatalogSummary: Encodable {
    let hash: String
    let providers: Int
}

struct ValidationDocument: Encodable {
    struct File: Encodable {
        let file: String
        let valid: Bool
        let provider: String?
        let issues: [CatalogIssue]
    }

    let valid: Bool
    let files: [File]

    init(checks: [FileCheck]) {
        files = checks.map {
            File(file: $0.file, valid: $0.issues.isEmpty, provider: $0.provider?.id.rawValue, issues: $0.issues)
        }
        valid = files.allSatisfy(\.valid)
    }
}

struct LintDocument: Encodable {
    let findings: [LintFinding]
    let errors: Int
    let warnings: Int
}

struct DiffDocument: Encodable {
    let old: String
    let new: String
    let added: [String]
    let removed: [String]
    let changed: [CatalogDiff.ProviderChange]

    init(old: String, new: String, diff: CatalogDiff) {
        self.old = old
        self.new = new
        added = diff.added
        removed = diff.removed
        changed = diff.changed
    }
}
