// Fuzzes the parsers of text a person types: rates (`0.05%/day`), amounts (`¥1,234.56`) and dates (`2026-11-25`).
//
// Invariants (a broken one traps, so libFuzzer saves the input):
// - an accepted rate prints as text that parses back to the same rate, and prints the same again;
// - an accepted rate is within the bounds its period allows, and its number was a plain decimal (sign, digits,
//   optional point and digits: no exponent, no leading point, nothing after the number) read exactly;
// - an accepted amount prints (`plainString`, and `formatted` when not negative) as text that parses back to it,
//   and its number was a plain decimal, read exactly, once `¥`/`￥`, spaces and `,` are removed;
// - an accepted date prints as the very text it was parsed from;
// - a refused rate names the text it refused.
import BackstopCore
import CLibFuzzer
import Foundation

@main
enum FuzzRateParser {
    static func main() {
        exit(backstop_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    checkRate(text)
    checkMoney(text)
    checkDate(text)
    return 0
}

func checkRate(_ text: String) {
    let rate: QuotedRate
    do {
        rate = try QuotedRate(parsing: text)
    } catch {
        guard error.text == text, !error.problem.isEmpty else { fail("rate refusal does not name its text", text) }
        return
    }
    let number = numberPart(ofRate: text)
    guard isPlainDecimal(number) else { fail("rate accepted a number that is not a plain decimal: \(number)", text) }
    let printed = rate.description
    guard canonical(number) == canonical(numberPart(ofRate: printed)) else {
        fail("rate \(number)% was read inexactly, as \(printed)", text)
    }
    let again: QuotedRate
    do {
        again = try QuotedRate(parsing: printed)
    } catch {
        fail("rate \(printed) does not parse back: \(error)", text)
    }
    guard again == rate else { fail("rate \(printed) parses back as \(again), not \(rate)", text) }
    guard again.description == printed else { fail("rate prints \(printed), then \(again.description)", text) }
    let (fraction, limit): (Decimal, Decimal) =
        switch rate {
        case .perDay(let r): (r.fraction, Decimal(string: "0.01")!)
        case .perMonth(let r): (r.fraction, Decimal(string: "0.3")!)
        case .perYear(let r): (r.fraction, 10)
        case .perTerm(let r): (r.fraction, 10)
        }
    guard fraction.isFinite, fraction >= 0, fraction <= limit else {
        fail("rate \(printed) is outside [0, \(limit)] as a fraction: \(fraction)", text)
    }
}

func checkMoney(_ text: String) {
    let money: Money
    do {
        money = try Money(parsing: text)
    } catch {
        // The refusal names the text, or the decimal value read from it (`MoneyError.text`).
        guard !error.description.isEmpty else { fail("amount refusal says nothing", text) }
        return
    }
    var cleaned = text.trimmingCharacters(in: .whitespaces)
    if cleaned.hasPrefix("¥") || cleaned.hasPrefix("￥") { cleaned.removeFirst() }
    cleaned = cleaned.replacingOccurrences(of: ",", with: "")
    guard isPlainDecimal(Substring(cleaned)) else {
        fail("amount accepted a number that is not a plain decimal: \(cleaned)", text)
    }
    guard canonical(Substring(cleaned)) == canonical(Substring(money.plainString)) else {
        fail("amount \(cleaned) was read inexactly, as \(money.plainString)", text)
    }
    var printed = [money.plainString]
    if money.minorUnits >= 0 { printed.append(money.formatted) }
    for form in printed {
        guard let again = try? Money(parsing: form), again == money else {
            fail("amount \(money.minorUnits) fen prints as \(form), which does not parse back to it", text)
        }
    }
}

func checkDate(_ text: String) {
    guard let date = CalendarDate(iso: text) else { return }
    guard date.description == text else { fail("date \(text) prints as \(date.description)", text) }
    guard CalendarDate(daysSinceEpoch: date.daysSinceEpoch) == date else {
        fail("date \(date) does not survive days since the epoch", text)
    }
}

/// The number of a rate as QuotedRate reads it: before the first `/`, without spaces and the `%`.
func numberPart(ofRate text: String) -> Substring {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let head = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    var number = head.trimmingCharacters(in: .whitespaces)
    if number.hasSuffix("%") { number.removeLast() }
    return Substring(number.trimmingCharacters(in: .whitespaces))
}

/// The documented plain-decimal grammar: an optional sign, at least one ASCII digit, then optionally a point and
/// more digits. `1e3`, `.5`, `1,5`, `0x10` and anything after the number are not plain decimals.
func isPlainDecimal(_ text: Substring) -> Bool {
    var bytes = text.utf8[...]
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
    let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    let whole = bytes.prefix(while: isDigit)
    guard !whole.isEmpty else { return false }
    bytes = bytes.dropFirst(whole.count)
    if bytes.first == UInt8(ascii: ".") { bytes = bytes.dropFirst().drop(while: isDigit) }
    return bytes.isEmpty
}

/// A plain decimal's value as text: no sign on zero, no leading zeros, no trailing fraction zeros, no lone point.
func canonical(_ text: Substring) -> String {
    var bytes = text.utf8[...]
    var negative = false
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        negative = first == UInt8(ascii: "-")
        bytes = bytes.dropFirst()
    }
    let point = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
    let whole = bytes[..<point].drop { $0 == UInt8(ascii: "0") }
    var fraction = point < bytes.endIndex ? bytes[bytes.index(after: point)...] : bytes[bytes.endIndex...]
    while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
    if whole.isEmpty && fraction.isEmpty { return "0" }
    let body =
        (whole.isEmpty ? "0" : String(decoding: whole, as: UTF8.self))
        + (fraction.isEmpty ? "" : "." + String(decoding: fraction, as: UTF8.self))
    return (negative ? "-" : "") + body
}

func fail(_ message: String, _ input: String) -> Never {
    fatalError("FuzzRateParser invariant broken: \(message)\n  input: \(input.debugDescription)")
}
