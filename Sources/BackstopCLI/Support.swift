package import ArgumentParser
import BackstopCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit codes (see ``BackstopCommand``).
package enum Exit {
    package static let usage: Int32 = 64
    package static let dataError: Int32 = 65
    package static let noInput: Int32 = 66
    /// EX_CANTCREAT: an output file cannot be created or written.
    package static let cantCreate: Int32 = 73
}

extension BackstopCommand {
    /// Runs `backstop` (``CommandLineRun/main(_:)``). `backstop serve …` hands over to the `backstop-server` binary
    /// before anything is parsed, so that binary sees the arguments exactly as given (`--help` included).
    public static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == ServeCommand.configuration.commandName {
            ServerHandOff.exec(arguments: Array(arguments.dropFirst()))
        }
        await CommandLineRun.main(Self.self)
    }
}

/// The one place a command line of this package ends (`backstop`, `backstop-server`), so every command keeps the
/// same promises:
/// - output: whatever a command printed is flushed here; a write that failed (a full disk, `> /dev/full`) is
///   reported on standard error and the exit code is 74 (EX_IOERR) instead of 0;
/// - errors: every message printed here and by ``failure(_:code:)`` has its control characters escaped and its
///   lines cut (``printableMessage(_:)``), since messages quote arguments and input.
package enum CommandLineRun {
    /// Parses the process's arguments with `root`, runs the command, then makes sure standard output was written
    /// whole, and exits.
    package static func main<Root: ParsableCommand>(_ root: Root.Type) async -> Never {
        var code: Int32 = 0
        do {
            var command = try await asyncParseAsRoot(root)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            code = root.exitCode(for: error).rawValue
            let message = root.fullMessage(for: error)
            if code == 0 {
                // --help and --version: a clean exit, its text on standard output.
                if !message.isEmpty { print(message) }
            } else {
                _ = flushStandardOutput()
                if !message.isEmpty { writeToStandardError(printableMessage(message)) }
            }
        }
        if let problem = flushStandardOutput() {
            writeToStandardError(printableMessage("error: cannot write to standard output: \(problem)"))
            if code == 0 { code = Exit.ioError }
        }
        terminate(code)
    }

    /// `root.asyncParseAsRoot()` for an async root, else `root.parseAsRoot()`.
    private static func asyncParseAsRoot<Root: ParsableCommand>(_ root: Root.Type) async throws -> any ParsableCommand {
        if let asyncRoot = root as? any AsyncParsableCommand.Type { return try await asyncRoot.asyncParseAsRoot() }
        return try root.parseAsRoot()
    }
}

/// Flushes everything printed; the reason when a write to standard output failed (now or earlier: the C library
/// keeps unwritten output buffered, so flushing it again fails again).
private func flushStandardOutput() -> String? {
    guard fflush(nil) != 0 else { return nil }
    return String(cString: strerror(errno))
}

private func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

private func terminate(_ code: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(code)
    #else
    Darwin.exit(code)
    #endif
}

/// Prints `error: message` to standard error and returns the exit code to throw. The message is made printable
/// (``printableMessage(_:)``): it may quote arguments and input.
package func failure(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data(printableMessage("error: \(message)").utf8 + [UInt8(ascii: "\n")]))
    return ExitCode(code)
}

/// The longest line of an error message, in characters; longer lines are cut. Quoted input is cut to 300 characters
/// where it is quoted (``quoted(_:)``, ``JSONInput``); this bounds what is left (a long path before such a message).
let maximumMessageLineCharacters = 400

/// `text` made safe for a terminal or a log: every control and format character but the line breaks is escaped
/// (`\u{1B}`), so an argument or a document cannot send escape sequences; a line over
/// ``maximumMessageLineCharacters`` is cut, saying how long it was.
package func printableMessage(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        var escaped = ""
        var count = 0
        var total = 0
        for scalar in line.unicodeScalars {
            var piece = String(scalar)
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse:
                piece = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: break
            }
            total += piece.unicodeScalars.count
            if count < maximumMessageLineCharacters || line.hasPrefix("Usage: ") {
                escaped += piece
                count += piece.unicodeScalars.count
            }
        }
        return total > count ? escaped + "… (cut: \(total) characters in all)" : escaped
    }.joined(separator: "\n")
}

/// A value from the command line or the environment, for a message: escaped and cut to 300 characters.
func quoted(_ text: String) -> String { JSONInput.printable(text) }

/// The largest input document read whole: a profile, a request, an APR cash-flow document, from a file or standard
/// input (1 MiB, as a line of `batch`; a profile is under 1 KiB).
let maximumInputBytes = 1 << 20

/// Reads a file argument, or standard input for `-` or no argument, refusing more than `limit` bytes: a regular
/// file's size is checked before it is read, and a pipe, a FIFO or a device is read up to one byte past the limit.
/// - Throws: exit 66 (after saying why) when the input cannot be read or is a directory; exit 65 when it is over the
///   limit.
func readInput(_ path: String?, limit: Int = maximumInputBytes) throws -> Data {
    let isStandardInput = path == nil || path == "-"
    let name = isStandardInput ? "<stdin>" : quoted(path ?? "")
    let descriptor: Int32
    if isStandardInput {
        descriptor = STDIN_FILENO
    } else {
        descriptor = open(path ?? "", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure("cannot read \(name): \(String(cString: strerror(errno)))", code: Exit.noInput)
        }
    }
    defer { if !isStandardInput { close(descriptor) } }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
        throw failure("cannot read \(name): \(String(cString: strerror(errno)))", code: Exit.noInput)
    }
    let kind = status.st_mode & S_IFMT
    if kind == S_IFDIR { throw failure("cannot read \(name): it is a directory", code: Exit.noInput) }
    if kind == S_IFREG, Int(status.st_size) > limit {
        throw failure(
            "\(name) is \(status.st_size) bytes, over the \(limit)-byte limit for an input document",
            code: Exit.dataError
        )
    }
    var data = Data()
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while data.count <= limit {
        let wanted = min(chunk.count, limit + 1 - data.count)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw failure("cannot read \(name): \(String(cString: strerror(errno)))", code: Exit.noInput)
        }
        data.append(contentsOf: chunk[..<count])
    }
    guard data.count <= limit else {
        throw failure(
            "\(name) holds more than \(limit) bytes, over the limit for an input document",
            code: Exit.dataError
        )
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
        failure(
            "cannot write \(what) to \(quoted(path)): \(step): \(String(cString: strerror(code)))",
            code: Exit.cantCreate
        )
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
