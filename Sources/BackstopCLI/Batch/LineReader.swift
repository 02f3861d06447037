import Foundation

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
    /// Unread bytes are `buffer[start...]`; the consumed prefix is dropped once per chunk read.
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var lineNumber = 0
    /// Bytes consumed so far (for progress).
    private(set) var bytesRead = 0

    init(handle: FileHandle, maximumLineBytes: Int) {
        self.handle = handle
        self.maximumLineBytes = maximumLineBytes
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
            let chunk = try handle.read(upToCount: Self.chunkBytes) ?? Data()
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            searchFrom = buffer.count
            if chunk.isEmpty {
                finished = true
            } else {
                bytesRead += chunk.count
                buffer.append(contentsOf: chunk)
            }
        }
    }

    /// The line without a trailing `\r`.
    static func text(_ bytes: ArraySlice<UInt8>) -> Data {
        Data(bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes)
    }
}
