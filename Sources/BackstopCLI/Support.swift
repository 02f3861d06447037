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
