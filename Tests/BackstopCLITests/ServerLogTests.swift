import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the real `backstop-server` writes to its log, read whole: never the admin token, and a bounded account of a
/// refused reload however broken the catalog is.
struct ServerLogTests {
    /// A catalog copied from the repository's, with `broken` extra files that are not valid XML.
    func catalog(broken: Int = 0) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backstop-log-\(UUID().uuidString)"
        )
        try FileManager.default.copyItem(atPath: ProvidersCommandTests.catalog, toPath: directory.path)
        for index in 0..<broken {
            try Data("<provider><unclosed>".utf8).write(to: directory.appendingPathComponent("broken-\(index).xml"))
        }
        return directory
    }

    @Test(.timeLimit(.minutes(1)))
    func theAdminTokenIsInNoLogLineAtTraceLevel() throws {
        let token = "tok-\(UUID().uuidString)-secret"
        let directory = try catalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try ServerProcess.start(
            ["--log-level", "trace"],
            catalog: directory.path,
            environment: ["BACKSTOP_ADMIN_TOKEN": token]
        )
        var stopped = false
        defer { if !stopped { server.stop() } }

        let reload = "POST /v1/admin/reload HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer "
        let (accepted, _) = try RawConnection(port: server.port).exchange(reload + token + "\r\n\r\n")
        #expect(String(decoding: accepted, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        let (refused, _) = try RawConnection(port: server.port).exchange(reload + token + "x\r\n\r\n")
        #expect(String(decoding: refused, as: UTF8.self).hasPrefix("HTTP/1.1 401"))
        // A refused catalog, reloaded by the token holder and by SIGHUP.
        try Data("<provider><unclosed>".utf8).write(to: directory.appendingPathComponent("broken.xml"))
        let (unprocessable, _) = try RawConnection(port: server.port).exchange(reload + token + "\r\n\r\n")
        #expect(String(decoding: unprocessable, as: UTF8.self).hasPrefix("HTTP/1.1 422"))
        kill(server.process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)

        server.process.terminate()
        server.process.waitUntilExit()
        stopped = true
        let log = server.output()
        server.stop()
        // The log is there and at trace level (the lifecycle logs its services at debug level).
        #expect(log.contains("Starting service"), "\(log.prefix(2000))")
        #expect(log.contains("catalog reload refused"))
        #expect(!log.contains(token), "the admin token appears in the log")
        #expect(!log.contains(String(token.dropFirst(4).prefix(12))), "part of the admin token appears in the log")
    }

    @Test(.timeLimit(.minutes(1)))
    func aRefusedReloadListsAndLogsAtMostTwentyIssues() throws {
        let token = UUID().uuidString
        let directory = try catalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try ServerProcess.start([], catalog: directory.path, environment: ["BACKSTOP_ADMIN_TOKEN": token])
        defer { server.stop() }
        for index in 0..<45 {
            try Data("<provider><unclosed>".utf8).write(to: directory.appendingPathComponent("broken-\(index).xml"))
        }
        let (answer, _) = try RawConnection(port: server.port).exchange(
            "POST /v1/admin/reload HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n\r\n"
        )
        let text = String(decoding: answer, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 422"), "\(text.prefix(300))")
        let body = try #require(text.range(of: "\r\n\r\n").map { text[$0.upperBound...] })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let errors = try #require(json["errors"] as? [String])
        #expect(errors.count == 20, "\(errors.count) issues listed")
        #expect(json["errorCount"] as? Int == 45)
        #expect(json["omittedErrors"] as? Int == 25)
        #expect(errors.allSatisfy { $0.count <= 360 })

        // The log: one line per listed issue and one counting the rest, not one per issue.
        Thread.sleep(forTimeInterval: 0.2)
        let lines = server.output().split(separator: "\n")
        #expect(lines.filter { $0.hasSuffix("catalog issue") }.count == 20, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("more catalog issues not logged") && $0.contains("issues.omitted=25") })
    }
}
