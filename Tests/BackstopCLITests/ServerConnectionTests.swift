import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `backstop-server` process under clients that misbehave at the connection level: bodies over the limit
/// from a client that reads only once it has written everything, HTTP/1.0, malformed chunked bodies, slow and idle
/// connections, too many connections. Each test starts its own server with small timeouts, talks to it over raw
/// loopback sockets, and stops it.
struct ServerConnectionTests {
    /// A generous bound on how long a client waits for something the server must do at once (answer, close); the
    /// tests' timeouts are far shorter, so passing it means the server did not do it.
    static let patience: Double = 20

    @Test(.timeLimit(.minutes(2)))
    func oversizedBodiesFromClientsThatWriteFirstGetTheir413AndLeaveNoDescriptor() throws {
        // The body is far larger than what the loopback socket buffers absorb (a few MiB), so a server that stops
        // reading leaves the client blocked in its write; it is within what the server reads and throws away.
        let server = try ServerProcess.start(["--max-body-bytes", "65536", "--max-discard-bytes", "8388608"])
        defer { server.stop() }
        // Warm up (the first connection creates the event loop's lazily made descriptors), then count.
        _ = try RawConnection(port: server.port).exchange(
            "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        let before = try server.descriptors()

        let body = Array(repeating: UInt8(ascii: "7"), count: 6_000_000)
        let head =
            "POST /v1/apr HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        for index in 0..<100 {
            // Like Python's urllib: the whole request is written before anything is read.
            let connection = try RawConnection(port: server.port)
            try connection.send(Array(head.utf8) + body, what: "request \(index)")
            let (answer, end) = connection.receiveAll()
            connection.close()
            let text = String(decoding: answer, as: UTF8.self)
            #expect(
                text.hasPrefix("HTTP/1.1 413"),
                "request \(index): expected a 413, got \(text.prefix(200)) (\(end))"
            )
            #expect(end == .closed, "request \(index): the server should close after the 413, got \(end)")
            if !text.hasPrefix("HTTP/1.1 413") { break }
        }
        // Every connection was closed by both sides; give the server's event loop a moment to finish closing.
        var after = try server.descriptors()
        let deadline = Date().addingTimeInterval(Self.patience)
        while after > before && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            after = try server.descriptors()
        }
        #expect(after <= before, "the server held \(before) descriptors before 100 oversized requests, \(after) after")
    }

    @Test(.timeLimit(.minutes(1)))
    func anHTTP10RequestWithoutKeepAliveIsClosedAfterItsAnswer() throws {
        let server = try ServerProcess.start(["--idle-timeout", "600", "--header-timeout", "600"])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        let (answer, end) = try connection.exchange("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(end == .closed, "HTTP/1.0 without keep-alive must be closed after the answer, got \(end)")

        // With keep-alive it stays open, says so, and answers a second request.
        let kept = try RawConnection(port: server.port, timeout: 2)
        try kept.send(Array("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8), what: "first request")
        let first = String(decoding: kept.receive(until: "{\"status\":\"ok\"}"), as: UTF8.self)
        #expect(first.lowercased().contains("connection: keep-alive"), "\(first)")
        let (second, secondEnd) = try kept.exchange("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(String(decoding: second, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(secondEnd == .closed)
    }

    @Test(.timeLimit(.minutes(1)))
    func aMalformedChunkedBodyIsA400AndIsCountedAsOne() throws {
        let server = try ServerProcess.start([])
        defer { server.stop() }
        let request =
            "POST /v1/apr HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz\r\n{}\r\n0\r\n\r\n"
        let (answer, end) = try RawConnection(port: server.port).exchange(request)
        let text = String(decoding: answer, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400"), "\(text)")
        #expect(text.contains("not valid HTTP/1.1 framing"), "\(text)")
        #expect(end == .closed, "the connection cannot be read further after a malformed body, got \(end)")

        let (metrics, _) = try RawConnection(port: server.port).exchange(
            "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        let exposition = String(decoding: metrics, as: UTF8.self)
        #expect(exposition.contains(#"route="/v1/apr",method="POST",status="400"} 1"#), "\(exposition)")
        #expect(!exposition.contains(#"status="413""#))
    }

    @Test(.timeLimit(.minutes(1)))
    func aClientTricklingItsHeadIsClosedAfterTheHeaderTimeout() throws {
        let server = try ServerProcess.start([
            "--header-timeout", "0.5", "--idle-timeout", "600", "--body-timeout", "600",
        ])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port, timeout: 1)
        try connection.send(Array("GET /healthz HTTP/1.1\r\n".utf8), what: "request line")
        // One header line every 100 ms, for at most `patience` seconds: the head never completes.
        var closed = false
        let deadline = Date().addingTimeInterval(Self.patience)
        var lines = 0
        while Date() < deadline {
            if (try? connection.send(Array("X-Slow-\(lines): 1\r\n".utf8), what: "header line")) == nil
                || connection.isClosedByPeer()
            {
                closed = true
                break
            }
            lines += 1
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(closed, "a head trickled for \(Self.patience) s (\(lines) lines) was not cut off by a 0.5 s timeout")
    }

    @Test(.timeLimit(.minutes(1)))
    func anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try ServerProcess.start(["--idle-timeout", "0.5", "--header-timeout", "600"])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port, timeout: Self.patience)
        try connection.send(Array("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".utf8), what: "request")
        // The answer comes, then nothing is sent: the server must end the connection by itself.
        let (answer, end) = connection.receiveAll()
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(end == .closed, "an idle kept-alive connection was not closed (0.5 s idle timeout): \(end)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aBodyThatStopsArrivingIsCutOffAfterTheBodyTimeout() throws {
        let server = try ServerProcess.start([
            "--body-timeout", "0.5", "--idle-timeout", "600", "--header-timeout", "600",
        ])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port, timeout: Self.patience)
        try connection.send(
            Array(
                "POST /v1/apr HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                    .utf8
            ),
            what: "request"
        )
        let (answer, end) = connection.receiveAll()
        #expect(end == .closed, "a body stalled at 1 of 100 bytes was not cut off (0.5 s body timeout): \(end)")
        #expect(
            answer.isEmpty,
            "no answer is owed to a request that never arrived: \(String(decoding: answer, as: UTF8.self))"
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func connectionsOverThePerClientCapAreClosedWhileAnotherClientIsServed() throws {
        let server = try ServerProcess.start([
            "--max-connections-per-client", "2", "--header-timeout", "600", "--idle-timeout", "600",
        ])
        defer { server.stop() }
        // 127.0.0.2 is loopback too: a second client address on the same machine.
        let held = try (0..<2).map { _ in try RawConnection(port: server.port, from: "127.0.0.2") }
        // The server counts a connection when it accepts it; make sure both were accepted first.
        for connection in held { #expect(try connection.isServed(), "a connection under the cap must be served") }
        let over = try RawConnection(port: server.port, from: "127.0.0.2", timeout: Self.patience)
        let (answer, end) = over.receiveAll()
        #expect(end == .closed && answer.isEmpty, "the third connection from 127.0.0.2 should be closed, got \(end)")

        let (other, _) = try RawConnection(port: server.port, from: "127.0.0.1").exchange(
            "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        #expect(String(decoding: other, as: UTF8.self).hasPrefix("HTTP/1.1 200"), "another client must be served")

        // A slot given back is a slot to take.
        held[0].close()
        var servedAgain = false
        let deadline = Date().addingTimeInterval(Self.patience)
        while !servedAgain && Date() < deadline {
            servedAgain = (try? RawConnection(port: server.port, from: "127.0.0.2", timeout: 2).isServed()) ?? false
        }
        #expect(servedAgain, "127.0.0.2 was not served again after closing one of its connections")
        held[1].close()
    }

    @Test(.timeLimit(.minutes(1)))
    func connectionsOverTheServersCapAreClosed() throws {
        let server = try ServerProcess.start([
            "--max-connections", "2", "--header-timeout", "600", "--idle-timeout", "600",
        ])
        defer { server.stop() }
        let held = try (0..<2).map { index in try RawConnection(port: server.port, from: "127.0.0.\(index + 2)") }
        for connection in held { #expect(try connection.isServed()) }
        let over = try RawConnection(port: server.port, from: "127.0.0.9", timeout: Self.patience)
        let (_, end) = over.receiveAll()
        #expect(end == .closed, "a third connection over a cap of 2 should be closed, got \(end)")
        for connection in held { connection.close() }
    }

    @Test(arguments: [
        (["--header-timeout", "0"], "--header-timeout (or BACKSTOP_HEADER_TIMEOUT): must be a number of seconds"),
        (["--idle-timeout", "soon"], "--idle-timeout (or BACKSTOP_IDLE_TIMEOUT): must be a number of seconds"),
        (["--max-connections", "0"], "--max-connections (or BACKSTOP_MAX_CONNECTIONS): must be a whole number from 1"),
        (["--max-connections-per-client", "2000000"], "must be a whole number from 0 to 1000000, got 2000000"),
    ])
    func badConnectionSettingsAreRefusedBeforeTheServerStarts(arguments: [String], message: String) throws {
        let result = try BinaryRunner.run(
            ["serve", "--port", "0", "--catalog", ProvidersCommandTests.catalog] + arguments
        )
        #expect(result.status == 64, "\(arguments): exit \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
}

/// The real `backstop-server` (what `backstop serve` runs) on a free loopback port, its standard output and error in
/// one file.
final class ServerProcess {
    let process: Process
    let port: Int
    let log: URL

    /// Starts `backstop-server --port 0 --catalog <the repository's providers> arguments…` and waits for its port.
    static func start(
        _ arguments: [String],
        catalog: String = ProvidersCommandTests.catalog,
        environment extra: [String: String] = [:]
    ) throws -> ServerProcess {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backstop-serve-\(UUID().uuidString).log"
        )
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw RunnerError(message: "cannot create \(log.path)")
        }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = try BinaryRunner.serverExecutable()
        process.arguments = ["--port", "0", "--catalog", catalog] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "BACKSTOP_ADMIN_TOKEN")
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("backstop: listening on ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return ServerProcess(process: process, port: port, log: log)
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw RunnerError(
            message: "serve did not report its port: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")"
        )
    }

    private init(process: Process, port: Int, log: URL) {
        self.process = process
        self.port = port
        self.log = log
    }

    /// The descriptors the server holds now (entries of /proc/<pid>/fd).
    func descriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count
    }

    /// Everything the server wrote to standard output and error so far.
    func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, and waits for the exit.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }
}

/// A blocking TCP client on a raw socket, so that a test controls exactly when it writes and reads.
final class RawConnection {
    enum End: Equatable, CustomStringConvertible {
        /// The server closed the connection (end of file).
        case closed
        /// The server reset the connection.
        case reset
        /// Nothing more came within the timeout; the connection is still open.
        case timedOut

        var description: String {
            switch self {
            case .closed: "closed by the server"
            case .reset: "reset by the server"
            case .timedOut: "still open when the client gave up waiting"
            }
        }
    }

    private let descriptor: Int32
    private var isOpen = true

    /// Connects to 127.0.0.1:`port`, from the address `source` when given; `timeout` bounds every send and receive.
    init(port: Int, from source: String? = nil, timeout: Double = ServerConnectionTests.patience) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RunnerError(message: "socket: errno \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                Glibc.close(descriptor)
                throw RunnerError(message: "bind to \(source): errno \(errno)")
            }
        }
        var remote = Self.address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw RunnerError(message: "connect to port \(port): errno \(errno)")
        }
    }

    deinit { close() }

    static func address(_ text: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, text, &address.sin_addr)
        return address
    }

    /// Writes all of `bytes`; throws when the server stops reading for longer than the timeout or closed.
    func send(_ bytes: [UInt8], what: String) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                throw RunnerError(
                    message: "\(what): sending stopped after \(offset) of \(bytes.count) bytes (errno \(errno))"
                )
            }
            offset += sent
        }
    }

    /// Reads until the server closes, resets, or sends nothing for the timeout.
    func receiveAll() -> (bytes: [UInt8], end: End) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes += chunk[0..<count]
            } else if count == 0 {
                return (bytes, .closed)
            } else {
                return (bytes, errno == ECONNRESET ? .reset : .timedOut)
            }
        }
    }

    /// Reads until `marker` has arrived (or the connection ends or times out).
    func receive(until marker: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !String(decoding: bytes, as: UTF8.self).contains(marker) {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Sends `request` and reads everything until the connection ends.
    func exchange(_ request: String) throws -> (bytes: [UInt8], end: End) {
        try send(Array(request.utf8), what: "request")
        return receiveAll()
    }

    /// Whether the server answers `GET /healthz` on this kept-alive connection.
    func isServed() throws -> Bool {
        try send(Array("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".utf8), what: "request")
        return String(decoding: receive(until: "{\"status\":\"ok\"}"), as: UTF8.self).hasPrefix("HTTP/1.1 200")
    }

    /// Whether the server has closed or reset the connection (checked without waiting).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(descriptor)
    }
}
