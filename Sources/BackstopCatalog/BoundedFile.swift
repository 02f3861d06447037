import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a catalog file that must be a regular file of bounded size, without blocking and without reading more than
/// the limit: the type is checked on the open descriptor (a FIFO swapped in after a `stat` is still refused, and is
/// opened without blocking), and the size both before reading and while reading (a file growing meanwhile).
enum BoundedFile {
    /// Why a file was not read.
    enum Refusal: Error, Equatable {
        /// Nothing at the path.
        case missing
        /// A directory, FIFO, socket or device: what it is.
        case notRegular(String)
        /// Larger than the limit: its size in bytes (or the limit + 1 when it grew while read).
        case tooLarge(Int)
        /// The system's reason (permission denied, an I/O error).
        case unreadable(String)
    }

    static func read(_ path: String, limit: Int) -> Result<Data, Refusal> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            return .failure(code == ENOENT ? .missing : .unreadable(String(cString: strerror(code))))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else { return .failure(.notRegular(describe(kind))) }
        guard Int(status.st_size) <= limit else { return .failure(.tooLarge(Int(status.st_size))) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count <= limit {
            let wanted = min(chunk.count, limit + 1 - data.count)
            let count = chunk.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress, wanted) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(String(cString: strerror(errno))))
            }
            data.append(contentsOf: chunk[..<count])
        }
        guard data.count <= limit else { return .failure(.tooLarge(data.count)) }
        return .success(data)
    }

    /// Whether something is at `path`, and whether it is a directory (links followed; a link to nothing is
    /// something, and no directory).
    static func kind(of path: String) -> (exists: Bool, isDirectory: Bool) {
        var status = stat()
        guard stat(path, &status) == 0 else { return (lstat(path, &status) == 0, false) }
        return (true, status.st_mode & S_IFMT == S_IFDIR)
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }
}

private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
