import ArgumentParser
import BackstopCore
import Foundation

/// Exit codes (see ``BackstopCommand``).
enum Exit {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
}

/// Prints `error: message` to standard error and returns the exit code to throw.
func failure(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}

/// Reads a file argument, or standard input for `-` or no argument.
func readInput(_ path: String?) throws -> Data {
    if path == nil || path == "-" {
        return FileHandle.standardInput.readDataToEndOfFile()
    }
    guard let path else { return Data() }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw failure("cannot read \(path): no such file or not readable", code: Exit.noInput)
    }
    return data
}

/// The wire format's JSON (one encoder for every command and the HTTP service: ``WireJSON``).
func encodeJSON(_ value: some Encodable) throws -> String { try WireJSON.string(value) }

/// A plain text table: a header row and right-aligned columns, except those listed as left-aligned.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    var leftAligned: Set<Int> = [0]

    func render() -> String {
        var widths = headers.map(\.displayWidth)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.displayWidth)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.displayWidth))
                return leftAligned.contains(index) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }
}

extension String {
    /// Terminal columns: CJK characters take two.
    var displayWidth: Int {
        unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                0xFFE0...0xFFE6:
                width + 2
            default: width + 1
            }
        }
    }
}

extension Decimal {
    /// `15.86%`.
    var percentText: String { fixed(2) + "%" }

    /// Exactly `scale` decimals, rounded half-up: `12.00`.
    func fixed(_ scale: Int) -> String {
        let text = roundedHalfUp(scale: scale).description
        guard scale > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, scale - fraction.count))
    }
}
