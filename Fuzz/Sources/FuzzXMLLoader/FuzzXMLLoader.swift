// Fuzzes the provider XML loader through `CatalogLoader.check(data:file:schema:)`: the hostile-input-safe parse, the
// XSD validation against providers/schema/provider-1.xsd and the semantic rules L1-L9, for one document in memory.
// The schema comes from BACKSTOP_FUZZ_SCHEMA, or from this checkout.
//
// Invariants (a broken one traps, so libFuzzer saves the input):
// - a document yields a provider or issues, never both and never neither; every issue names the file, with a line
//   and column of at least 1 when it has them, and a message;
// - a provider keeps the rules the loader promises: min amount <= max amount, every offered term priced, interest
//   and fee ranges not inverted (the rate at the riskiest position is not below the best), age min <= max, status
//   periods in order without overlap;
// - a provider can be summarised (headline range with min <= max), priced over every term (`aprRange`, which quotes
//   through the cost engine) and encoded as its JSON document.
import BackstopCatalog
import BackstopCore
import CLibFuzzer
import Foundation

@main
enum FuzzXMLLoader {
    static func main() {
        exit(backstop_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
    }
}

/// No `.xml` suffix: rule L9 (id = file name) is skipped, so mutated documents can still produce a provider.
let fileName = "fuzz-input"
let schema: ProviderSchema = {
    let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..")
    let path =
        ProcessInfo.processInfo.environment["BACKSTOP_FUZZ_SCHEMA"]
        ?? checkout.appendingPathComponent("providers/schema/provider-1.xsd").standardizedFileURL.path
    do {
        return try ProviderSchema(contentsOf: path)
    } catch {
        fatalError("FuzzXMLLoader: cannot load the provider schema at \(path): \(error)")
    }
}()
let loader = CatalogLoader()
let today = CalendarDate(year: 2026, month: 11, day: 25)!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let check = loader.check(data: bytes, file: fileName, schema: schema)
    guard check.file == fileName, (check.provider == nil) != check.issues.isEmpty else {
        fail("a provider and \(check.issues.count) issue(s)", bytes)
    }
    for issue in check.issues {
        guard issue.file == fileName, !issue.message.isEmpty, (issue.line ?? 1) >= 1, (issue.column ?? 1) >= 1 else {
            fail("issue without place or message: \(issue)", bytes)
        }
    }
    if let provider = check.provider { checkProvider(provider, bytes) }
    return 0
}

func checkProvider(_ provider: ProviderDescription, _ bytes: Data) {
    guard provider.minAmount <= provider.maxAmount else {
        fail("limits \(provider.minAmount) above \(provider.maxAmount) (rule L2)", bytes)
    }
    for term in provider.terms where provider.pricingRule(forTerm: term) == nil {
        fail("the \(term)-month term has no pricing (rule L6)", bytes)
    }
    for rule in provider.pricing {
        let best = rule.pricing(atRisk: 0)
        let worst = rule.pricing(atRisk: 1)
        guard best.interest.nominalAnnual <= worst.interest.nominalAnnual else {
            fail("interest range inverted: \(best.interest) above \(worst.interest) (rule L4)", bytes)
        }
        guard feeFraction(best.installmentFee) <= feeFraction(worst.installmentFee) else {
            fail("instalment fee range inverted (rule L5)", bytes)
        }
    }
    if let low = provider.eligibility.minAge, let high = provider.eligibility.maxAge, low > high {
        fail("age \(low) above \(high) (rule L7)", bytes)
    }
    for (earlier, later) in zip(provider.status, provider.status.dropFirst()) {
        guard earlier.from < later.from, earlier.until.map({ $0 < later.from }) ?? true else {
            fail("status periods out of order or overlapping: \(earlier), \(later) (rule L8)", bytes)
        }
    }
    if let (low, high) = provider.headlineAnnualRange, low > high {
        fail("headline range \(low)...\(high)", bytes)
    }
    if let (low, high) = provider.aprRange(on: today), low > high {
        fail("APR range \(low)...\(high)", bytes)
    }
    do {
        _ = try JSONEncoder().encode(ProviderDocument(provider, on: today))
    } catch {
        fail("the provider's JSON document does not encode: \(error)", bytes)
    }
}

func feeFraction(_ fee: InstallmentFee?) -> Decimal {
    switch fee {
    case .perPeriod(let rate): rate.fraction
    case .total(let rate): rate.fraction
    case nil: 0
    }
}

func fail(_ message: String, _ input: Data) -> Never {
    let text = String(decoding: input.prefix(4000), as: UTF8.self)
    fatalError("FuzzXMLLoader invariant broken: \(message)\n  input: \(text.debugDescription)")
}
