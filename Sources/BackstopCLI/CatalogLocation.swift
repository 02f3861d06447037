package import ArgumentParser
package import BackstopCatalog
import BackstopCore
import BackstopPresentation
import Foundation

/// `--catalog` and `--schema`, shared by every command that reads the provider catalog.
package struct CatalogOptions: ParsableArguments {
    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp(
            "The provider catalog directory.",
            discussion: "Default: $BACKSTOP_CATALOG, else ./providers, else share/backstop/providers next to the "
                + "binary's prefix, else the nearest providers/ above the binary (a source checkout)."
        )
    )
    package var catalog: String?

    @Option(name: .customLong("schema"), help: "The provider XSD (default: <catalog>/schema/provider-1.xsd).")
    package var schema: String?

    package init() {}

    /// The catalog directory to use.
    package func directory() throws -> String {
        if let catalog { return catalog }
        if let found = CatalogLocator.locate() { return found }
        throw failure(
            "no provider catalog found: pass --catalog DIR or set BACKSTOP_CATALOG (see backstop help providers)",
            code: Exit.noInput
        )
    }

    /// Loads the catalog, or exits 65 listing every issue.
    package func load() throws -> Catalog {
        let directory = try directory()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("cannot read the catalog \(directory): no such directory", code: Exit.noInput)
        }
        do {
            return try CatalogLoader().load(directory: directory, schemaPath: schema)
        } catch {
            throw failure(error.description, code: Exit.dataError)
        }
    }
}

/// `--catalog` and `--licence` for the commands that judge one rate against the legal caps (`quote`, `apr`): they read
/// only the catalog's `caps/legal-caps.json`, found as every other command finds the catalog.
struct LegalityOptions: ParsableArguments {
    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp(
            "The provider catalog directory whose caps/legal-caps.json judges the rate.",
            discussion: "Default: found as for alternatives. Without caps the verdict says the rate is not checked."
        )
    )
    var catalog: String?

    @Option(name: .customLong("licence"), help: "Judge the rate for one kind of lender (default: every licensed kind).")
    var licence: Choice<LicenceKind>?

    /// The legal caps, or none: then why is said on standard error, and the verdict says the rate is not checked.
    func caps() -> LegalCapTable {
        func note(_ message: String) -> LegalCapTable {
            FileHandle.standardError.write(Data((printableMessage("note: \(message)") + "\n").utf8))
            return .none
        }
        guard let directory = catalog ?? CatalogLocator.locate() else {
            return note(
                "no provider catalog found (pass --catalog DIR or set BACKSTOP_CATALOG): the rate is not checked against "
                    + "the legal caps"
            )
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return note(
                "cannot read the catalog \(directory): no such directory; the rate is not checked against the legal caps"
            )
        }
        let table: LegalCapTable
        do {
            table = try CatalogLoader().legalCaps(directory: directory)
        } catch {
            return note("\(error.description)\nthe rate is not checked against the legal caps")
        }
        guard !table.caps.isEmpty else {
            return note(
                "the catalog \(directory) has no caps/legal-caps.json: the rate is not checked against the legal caps"
            )
        }
        return table
    }
}

/// Finds the shipped catalog when `--catalog` is not given.
enum CatalogLocator {
    static func isCatalog(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: CatalogLoader.defaultSchemaPath(for: path))
    }

    /// `$BACKSTOP_CATALOG`, `./providers`, `<prefix>/share/backstop/providers` for an installed `<prefix>/bin/backstop`,
    /// then the nearest `providers/` in the binary's parent directories (a build inside a source checkout).
    static func locate() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["BACKSTOP_CATALOG"], !configured.isEmpty { return configured }
        let local = FileManager.default.currentDirectoryPath + "/providers"
        if isCatalog(local) { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        let installed = directory.deletingLastPathComponent().appendingPathComponent("share/backstop/providers").path
        if isCatalog(installed) { return installed }
        for _ in 0..<8 {
            let candidate = directory.appendingPathComponent("providers").path
            if isCatalog(candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

/// Today's date (UTC), or the date given with `--date`.
struct DateOption: ParsableArguments {
    @Option(help: "The date rules and status are judged on (YYYY-MM-DD; default today, UTC).")
    var date: String?

    func value() throws -> CalendarDate {
        guard let date else { return CalendarDate.today }
        do { return try Bounds.date(date) } catch { throw ValidationError("--date: \(quoted(error.message))") }
    }
}

extension CalendarDate {
    /// Today in UTC.
    static var today: CalendarDate { todayUTC() }
}

/// `--lang zh|en`: the language of every message; default from `LC_ALL`, `LC_MESSAGES`, `LANG` (zh for `zh_*`).
struct LanguageOption: ParsableArguments {
    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp(
            "Language of the answer: zh (简体中文) or en (default: from LC_ALL/LC_MESSAGES/LANG).",
            valueName: "lang"
        )
    )
    var language: String?

    func validate() throws {
        if let language, Language(tag: language) == nil {
            throw ValidationError("--lang: must be one of \(Language.supportedValues), got \(quoted(language))")
        }
    }

    /// The chosen language.
    var value: Language {
        language.flatMap(Language.init(tag:)) ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    var renderer: Renderer { Renderer(value) }
}
