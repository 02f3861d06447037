import ArgumentParser
import BackstopCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit codes (see ``BackstopCommand``).
enum Exit {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    /// EX_CANTCREAT: an output file cannot be created or written.
    static let cantCreate: Int32 = 73
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

/// Writes `text` to `path` atomically: into a temporary file in the same directory, then renamed over `path`, so a
/// reader sees the old file or the whole new one, never half of it.
/// - Parameters:
///   - text: the content, written as UTF-8.
///   - path: the file to create or replace.
///   - what: what the file is, for the error message (`the chart`).
/// - Throws: ``Exit/cantCreate`` (73) after printing which path could not be written and why.
func writeOutputAtomically(_ text: String, to path: String, what: String) throws {
    func fail(_ step: String, _ code: Int32) -> ExitCode {
        failure("cannot write \(what) to \(path): \(step): \(String(cString: strerror(code)))", code: Exit.cantCreate)
    }
    let bytes = Array(text.utf8)
    // A device, FIFO or socket (/dev/stdout, /dev/null, a named pipe) is written in place: renaming a file over it
    // would replace the device itself when running as root.
    var status = stat()
    if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail("cannot open it", errno) }
        let writeError = writeAll(bytes, to: descriptor)
        if close(descriptor) != 0, writeError == nil { throw fail("write failed", errno) }
        if let writeError { throw fail("write failed", writeError) }
        return
    }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = directory + ".\(name).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
        throw fail("cannot create a file in \(directory.isEmpty ? "./" : directory)", errno)
    }
    var writeError = writeAll(bytes, to: descriptor)
    if writeError == nil, fsync(descriptor) != 0 { writeError = errno }
    if close(descriptor) != 0, writeError == nil { writeError = errno }
    if let writeError {
        unlink(temporary)
        throw fail("write failed", writeError)
    }
    guard rename(temporary, path) == 0 else {
        let renameError = errno
        unlink(temporary)
        throw fail("cannot replace it", renameError)
    }
}

/// Writes every byte to `descriptor`, retrying on EINTR; the errno of a failed write, or nil.
func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { buffer in
            write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if count >= 0 {
            offset += count
        } else if errno != EINTR {
            return errno
        }
    }
    return nil
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
