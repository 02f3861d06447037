import ArgumentParser
import BackstopCatalog
import BackstopCore
import Foundation

/// `backstop providers`: the catalog maintainers' tools.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List, show, validate, lint and diff the provider catalog.",
        discussion: """
            The catalog is a directory of provider XML files (one per provider, <id>.xml) with its schema in
            schema/provider-1.xsd and legal caps in caps/legal-caps.json. See docs/provider-xml.md.
            """,
        subcommands: [List.self, Show.self, Validate.self, Lint.self, Diff.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per provider: id, name, kind, licence, status, APR range."
        )
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var date: DateOption
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loaded = try catalog.load()
            let day = try date.value()
            let documents = loaded.providers.map { ProviderDocument($0, on: day) }
            switch format {
            case .json:
                print(try encodeJSON(ProviderListDocument(catalog: loaded, providers: documents)))
            case .table:
                var table = TextTable(headers: ["id", "name", "kind", "licence", "status", "APR range"])
                table.leftAligned = [0, 1, 2, 3, 4]
                for d in documents {
                    let range = d.aprMin.map { "\($0.fixed(2))–\((d.aprMax ?? $0).fixed(2))%" } ?? "n/a"
                    table.rows.append([
                        d.id, "\(d.name.en) \(d.name.zh)", d.product,
                        d.licensed ? d.licence.kind.rawValue : "UNLICENSED",
                        d.state.rawValue, range,
                    ])
                }
                print(table.render())
                print(
                    "\n\(loaded.count) providers, catalog \(loaded.hash), status on \(day); APR: nominal, ¥10,000 sample, fees included"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything the catalog says about one provider.")
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var date: DateOption
        @Argument(help: "The provider id, e.g. wechat-weilidai.") var id: String
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() throws {
            let loaded = try catalog.load()
            guard let provider = loaded.provider(ProviderID(rawValue: id)) else {
                throw failure(
                    "no provider \"\(id)\" in \(loaded.directory); known: \(loaded.providers.map(\.id.rawValue).joined(separator: ", "))",
                    code: Exit.dataError
                )
            }
            let d = ProviderDocument(provider, on: try date.value())
            switch format {
            case .json: print(try encodeJSON(d))
            case .table: print(render(provider, d))
            }
        }

        func render(_ p: ProviderDescription, _ d: ProviderDocument) -> String {
            var lines = [
                "\(d.name.en) (\(d.name.zh))  [\(d.id)]",
                "Operator     \(d.operator)",
                "Licence      \(d.licensed ? d.licence.kind.rawValue : "NONE — unlicensed, never recommended")"
                    + (d.licence.regulator.map { ", \($0)" } ?? "") + (d.licence.number.map { " \($0)" } ?? ""),
                "Channel      \(d.channel); product \(d.product); purposes \(d.purposes.map(\.rawValue).joined(separator: ", "))",
                "Limits       \(d.limits.min.formatted) – \(d.limits.max.formatted)",
                "Terms        \(d.terms.map(String.init).joined(separator: ", ")) months; \(d.repayment.map(\.rawValue).joined(separator: ", "))",
                "Status       \(d.state.rawValue) on \(d.stateDate)  ("
                    + p.status.map { "\($0.state.rawValue) from \($0.from)" + ($0.until.map { " until \($0)" } ?? "") }
                    .joined(separator: "; ") + ")",
                "APR range    "
                    + (d.aprMin.map {
                        "\($0.fixed(2))% – \((d.aprMax ?? $0).fixed(2))% nominal (¥10,000 sample, fees included)"
                    } ?? "n/a"),
                "Pricing",
            ]
            for rule in p.pricing {
                let scope =
                    rule.terms.map { "  \($0.map(String.init).joined(separator: ", ")) months: " }
                    ?? "  every other term: "
                var parts = ["interest \(rule.interest.text)"]
                if let fee = rule.installmentFee { parts.append("instalment fee \(fee.text)") }
                if rule.interestFreeDays > 0 { parts.append("up to \(rule.interestFreeDays) interest-free days") }
                switch rule.upfrontFee {
                case .percent(let value): parts.append("upfront fee \(value)%")
                case .fixed(let money): parts.append("upfront fee \(money.formatted)")
                case nil: break
                }
                if let fee = rule.monthlyMembershipFee { parts.append("membership \(fee.formatted)/month") }
                lines.append(scope + parts.joined(separator: "; "))
            }
            lines.append("Eligibility")
            let e = p.eligibility
            var rules: [String] = []
            if let v = e.minCreditScore { rules.append("credit score ≥ \(v)") }
            if let v = e.maxOverdueCount12m { rules.append("≤ \(v) overdue in 12 months") }
            if let v = e.maxOverdueCount24m { rules.append("≤ \(v) overdue in 24 months") }
            if let v = e.maxDaysPastDue { rules.append("never more than \(v) days past due") }
            if e.noCurrentOverdue { rules.append("nothing overdue now") }
            if e.identityVerified { rules.append("verified identity") }
            if e.minAge != nil || e.maxAge != nil {
                rules.append("age \(e.minAge.map(String.init) ?? "")–\(e.maxAge.map(String.init) ?? "")")
            }
            if let v = e.minMonthlyIncome { rules.append("income ≥ \(v.formatted)/month") }
            if let v = e.maxDebtToIncomePercent { rules.append("debt-to-income ≤ \(v)%") }
            for account in e.requiredAccounts { rules.append("\(account) account") }
            for flag in e.excludedWhen { rules.append("not \(flag.rawValue)") }
            lines += rules.map { "  - " + $0 }
            lines.append("Sources")
            lines += p.sources.map {
                "  [\($0.id)] \($0.title) <\($0.url)>" + ($0.retrieved.map { " (retrieved \($0))" } ?? "")
            }
            lines.append("Notes        \(p.notes)")
            lines.append("Defined in   \(p.origin)")
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
            for path in paths.isEmpty ? [directory ?? "."] : paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw failure("cannot read \(path): no such file or directory", code: Exit.noInput)
                }
                if isDirectory.boolValue {
                    do { files += try loader.xmlFiles(in: path) } catch {
                        throw failure(error.description, code: Exit.dataError)
                    }
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
            let checks = loader.check(files: files, schema: schema)
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
