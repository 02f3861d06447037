import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a JSON Lines input one line at a time with a fixed-size buffer, whatever the file's size.
///
/// Lines end with `\n` (a `\r` before it is dropped); the last line may lack its newline. A line longer than
/// ``maximumLineBytes`` is not held: it is returned as ``Line/Content/tooLong(_:)`` and skipped to its end.
struct LineReader {
    struct Line {
        enum Content {
            case text(Data)
            case tooLong(Int)
        }

        /// 1-based line number in the input.
        let number: Int
        let content: Content
    }

    static let chunkBytes = 256 * 1024
    let handle: FileHandle
    let maximumLineBytes: Int
    /// Bytes asked of one read(2).
    let chunkBytes: Int
    /// SHA-256 of every byte read so far, when asked for (``init(handle:maximumLineBytes:chunkBytes:hashing:)``).
    private var hasher: SHA256?
    /// Unread bytes are `buffer[start...]`; the consumed prefix is dropped once per chunk read.
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var lineNumber = 0
    /// Bytes consumed so far (for progress).
    private(set) var bytesRead = 0

    /// - Parameters:
    ///   - chunkBytes: bytes asked of one read (default ``chunkBytes``; less for many readers open at once).
    ///   - hashing: keep the SHA-256 of the input (``inputDigest``).
    init(handle: FileHandle, maximumLineBytes: Int, chunkBytes: Int = Self.chunkBytes, hashing: Bool = false) {
        self.handle = handle
        self.maximumLineBytes = maximumLineBytes
        self.chunkBytes = chunkBytes
        hasher = hashing ? SHA256() : nil
    }

    /// Lines returned so far: after the last, the input's line count.
    var linesRead: Int { lineNumber }

    /// The SHA-256 of the bytes read so far, in lowercase hex: once ``next()`` has returned nil, of the whole
    /// input. Nil unless hashing was asked for.
    var inputDigest: String? {
        hasher.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
    }

    /// The next line, or nil at the end of the input.
    /// - Throws: the read error of the underlying file.
    mutating func next() throws -> Line? {
        var skipped = 0
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                let line = buffer[start..<newline]
                start = newline + 1
                if skipped > 0 || line.count > maximumLineBytes {
                    return Line(number: lineNumber, content: .tooLong(skipped + line.count))
                }
                return Line(number: lineNumber, content: .text(Self.text(line)))
            }
            if buffer.count - start > maximumLineBytes {
                // Keep nothing of an over-long line; count it and read on to its end.
                skipped += buffer.count - start
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if finished {
                guard buffer.count > start || skipped > 0 else { return nil }
                lineNumber += 1
                let line = buffer[start...]
                start = buffer.count
                if skipped > 0 || line.count > maximumLineBytes {
                    return Line(number: lineNumber, content: .tooLong(skipped + line.count))
                }
                return Line(number: lineNumber, content: .text(Self.text(line)))
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            searchFrom = buffer.count
            let count = try readAvailable()
            if count == 0 {
                finished = true
            } else {
                bytesRead += count
            }
        }
    }

    /// Appends what one read(2) returns, at most ``chunkBytes`` (and hashes it when asked): on a pipe or a terminal the lines written so far,
    /// without waiting for a whole chunk (FileHandle's `read(upToCount:)` waits for all of it or the end, so a
    /// producer that writes a line and waits would wait forever). Returns the count, 0 at the end of the input.
    /// - Throws: the read error, as a `POSIXError`.
    private mutating func readAvailable() throws -> Int {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkBytes))
        var count = -1
        while count < 0 {
            count = buffer.withUnsafeMutableBytes { bytes in
                read(handle.fileDescriptor, bytes.baseAddress! + old, chunkBytes)
            }
            if count < 0 && errno != EINTR {
                buffer.removeSubrange(old...)
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
        buffer.removeSubrange((old + count)...)
        if var digest = hasher {
            buffer[old...].withUnsafeBytes { digest.update(bufferPointer: $0) }
            hasher = digest
        }
        return count
    }

    /// The line without a trailing `\r`.
    static func text(_ bytes: ArraySlice<UInt8>) -> Data {
        Data(bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes)
    }
}
