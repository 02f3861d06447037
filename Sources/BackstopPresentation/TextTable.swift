import Foundation

/// A plain text table: a header row and right-aligned columns, except those listed as left-aligned. Widths count
/// terminal columns, so Chinese text lines up.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]] = []
    public var leftAligned: Set<Int> = [0]

    public init(headers: [String]) { self.headers = headers }

    public func render() -> String {
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
    public var displayWidth: Int {
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
