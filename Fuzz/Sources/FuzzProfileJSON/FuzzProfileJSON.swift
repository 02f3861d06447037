// Fuzzes the JSON wire decoders through their public entry point, `JSONInput.decode`: the profile and request that
// the CLI and `POST /v1/alternatives` read, the APR request of `backstop apr` and `POST /v1/apr`, and the legal-cap
// table of a catalog.
//
// Invariants (a broken one traps, so libFuzzer saves the input):
// - a decoded profile, request or cap table encodes with JSONEncoder, and that JSON decodes to an equal value;
// - a decoded APR request has flows and 0 < unitPeriodsPerYear <= 366, and any rate found for it is finite and
//   above -100% per period;
// - a refusal names its source and a path; a syntax error has both a line and a column, each at least 1, and the
//   line is within the document.
import BackstopCore
import CLibFuzzer
import Foundation

@main
enum FuzzProfileJSON {
    static func main() {
        exit(backstop_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    // A document that is not JSON fails every type the same way: decode the others only when this one was JSON.
    // A profile keeps the keys it did not know (`unrecognizedFields`, reported in answers) but never writes them: the
    // re-encoded document is the wire profile, so the comparison leaves them out.
    guard
        roundTrip(
            UserProfile.self,
            bytes,
            comparing: { profile in
                var wire = profile
                wire.unrecognizedFields = []
                return wire
            }
        )
    else { return 0 }
    _ = roundTrip(LoanRequest.self, bytes)
    _ = roundTrip(LegalCapTable.self, bytes)
    checkAPRRequest(bytes)
    return 0
}

/// Decodes, re-encodes and decodes again. Returns false when the input is not JSON at all (a syntax error).
func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ bytes: Data, comparing wire: (T) -> T = { $0 }) -> Bool {
    let value: T
    do {
        value = try JSONInput.decode(type, from: bytes, source: "fuzz")
    } catch {
        check(error, bytes)
        return error.line == nil
    }
    let encoded: Data
    do {
        encoded = try JSONEncoder().encode(value)
    } catch {
        fail("a decoded \(T.self) does not encode: \(error)", bytes)
    }
    let again: T
    do {
        again = try JSONInput.decode(type, from: encoded, source: "re-encoded")
    } catch {
        fail("a decoded \(T.self) re-encodes as JSON it refuses: \(error)\n  re-encoded: \(text(encoded))", bytes)
    }
    guard wire(again) == wire(value) else {
        fail("\(T.self) changes through JSON: \(value) became \(again)\n  re-encoded: \(text(encoded))", bytes)
    }
    return true
}

func checkAPRRequest(_ bytes: Data) {
    let document: APRRequestDocument
    do {
        document = try JSONInput.decode(APRRequestDocument.self, from: bytes, source: "fuzz")
    } catch {
        check(error, bytes)
        return
    }
    guard !document.flows.isEmpty, document.unitPeriodsPerYear > 0, document.unitPeriodsPerYear <= 366 else {
        fail("an APR request was accepted with no flows or unitPeriodsPerYear \(document.unitPeriodsPerYear)", bytes)
    }
    let calculator = APRCalculator(convention: document.convention, unitPeriodsPerYear: document.unitPeriodsPerYear)
    guard let apr = try? calculator.apr(of: document.flows) else { return }
    guard apr.periodicRate.isFinite, apr.periodicRate > -1 else {
        fail("the APR solver answered a periodic rate of \(apr.periodicRate)", bytes)
    }
}

func check(_ error: JSONInputError, _ bytes: Data) {
    guard error.source == "fuzz", !error.path.isEmpty, !error.message.isEmpty else {
        fail("a refusal without source, path or message: \(error)", bytes)
    }
    guard (error.line == nil) == (error.column == nil) else {
        fail("a refusal with a line but no column, or the reverse: \(error)", bytes)
    }
    if let line = error.line, let column = error.column {
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        guard line >= 1, column >= 1, line <= lines else {
            fail("a refusal at line \(line), column \(column) of a \(lines)-line document: \(error)", bytes)
        }
    }
}

func text(_ bytes: Data) -> String { String(decoding: bytes.prefix(2000), as: UTF8.self).debugDescription }

func fail(_ message: String, _ input: Data) -> Never {
    fatalError("FuzzProfileJSON invariant broken: \(message)\n  input: \(text(input))")
}
