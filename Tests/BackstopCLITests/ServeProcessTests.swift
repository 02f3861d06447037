import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `backstop serve` process on a free loopback port: requests over HTTP, reloads of a bad then a good
/// catalog while requests run, a graceful stop.
struct ServeProcessTests {
    struct Server {
        let process: Process
        let port: Int
        let output: Pipe
    }

    func start(catalog: String, token: String) throws -> Server {
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = ["serve", "--port", "0", "--catalog", catalog, "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["BACKSTOP_ADMIN_TOKEN"] = token
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw RunnerError(message: "serve did not report its port: \(text)")
        }
        return Server(process: process, port: port, output: output)
    }

    func call(
        _ port: Int,
        _ method: String,
        _ path: String,
        body: String? = nil,
        token: String? = nil
    ) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return (status, json)
    }

    @Test(.timeLimit(.minutes(2)))
    func servesReloadsUnderLoadAndStopsGracefully() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backstop-serve-\(UUID().uuidString)"
        )
        try FileManager.default.copyItem(atPath: ProvidersCommandTests.catalog, toPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = UUID().uuidString
        let server = try start(catalog: directory.path, token: token)
        defer { if server.process.isRunning { server.process.terminate() } }
        let port = server.port

        let (ready, readiness) = try await call(port, "GET", "/readyz")
        #expect(ready == 200)
        let firstHash = try #require((readiness["catalog"] as? [String: Any])?["hash"] as? String)

        let profile = try String(
            contentsOfFile: ExampleProfileTests.example("profiles/late-repayment.json"),
            encoding: .utf8
        )
        let body = #"{"profile": \#(profile), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"}"#

        // Requests keep running while the catalog is broken, reloaded (refused), repaired and reloaded (accepted).
        let load = Task {
            var hashes: [String] = []
            var statuses: [Int] = []
            for _ in 0..<60 {
                let (status, json) = try await call(port, "POST", "/v1/alternatives", body: body)
                statuses.append(status)
                if let hash = (json["catalog"] as? [String: Any])?["hash"] as? String { hashes.append(hash) }
            }
            return (statuses, hashes)
        }
        let broken = directory.appendingPathComponent("jd-jintiao.xml")
        let original = try Data(contentsOf: broken)
        try Data("<provider><unclosed>".utf8).write(to: broken)
        let (refusedStatus, refused) = try await call(port, "POST", "/v1/admin/reload", token: token)
        #expect(refusedStatus == 422)
        #expect(((refused["errors"] as? [String]) ?? []).contains { $0.contains("jd-jintiao.xml") })
        #expect((refused["catalog"] as? [String: Any])?["hash"] as? String == firstHash)
        // Repaired with one provider fewer: a new valid catalog.
        try FileManager.default.removeItem(at: broken)
        _ = original
        let (acceptedStatus, accepted) = try await call(port, "POST", "/v1/admin/reload", token: token)
        #expect(acceptedStatus == 200)
        let secondHash = try #require((accepted["catalog"] as? [String: Any])?["hash"] as? String)
        #expect(secondHash != firstHash)

        let (statuses, hashes) = try await load.value
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        // Every answer came wholly from a catalog that was valid at some moment.
        #expect(Set(hashes).isSubset(of: [firstHash, secondHash]))
        let (_, after) = try await call(port, "POST", "/v1/alternatives", body: body)
        #expect((after["catalog"] as? [String: Any])?["hash"] as? String == secondHash)

        // SIGHUP reloads too: put a provider back and signal.
        try original.write(to: broken)
        kill(server.process.processIdentifier, SIGHUP)
        var thirdHash: String?
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            let (_, readiness) = try await call(port, "GET", "/readyz")
            thirdHash = (readiness["catalog"] as? [String: Any])?["hash"] as? String
            if thirdHash == firstHash { break }
        }
        #expect(thirdHash == firstHash, "SIGHUP reload did not bring back the original catalog")

        // Graceful stop on SIGTERM.
        server.process.terminate()
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
    }

    /// A hang-up while the catalog is still loading (before the reload handler exists) is ignored, not fatal.
    @Test(.timeLimit(.minutes(1)))
    func aHangUpDuringStartUpDoesNotKillTheServer() async throws {
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = ["serve", "--port", "0", "--catalog", ProvidersCommandTests.catalog, "--log-level", "info"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The moment it says it is loading the catalog, hang up on it, several times while the load runs.
        var logged = Data()
        while !String(decoding: logged, as: UTF8.self).contains("loading the catalog") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            logged.append(chunk)
        }
        for _ in 0..<3 {
            kill(process.processIdentifier, SIGHUP)
            try await Task.sleep(for: .milliseconds(2))
        }
        // Keep draining its log so that it never blocks on a full pipe.
        let drain = errors.fileHandleForReading
        drain.readabilityHandler = { _ = $0.availableData }
        defer { drain.readabilityHandler = nil }
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(text.split(separator: ":").last.flatMap { Int($0) }, "no port line: \(text)")
        #expect(process.isRunning)
        let (status, _) = try await call(port, "GET", "/readyz")
        #expect(status == 200)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func refusesToStartWithABrokenCatalog() throws {
        let result = try BinaryRunner.run([
            "serve", "--port", "0", "--catalog", ProvidersCommandTests.invalid, "--schema",
            ProvidersCommandTests.catalog + "/schema/provider-1.xsd",
        ])
        #expect(result.status == 65)
        #expect(result.stderr.contains("catalog refused"))
    }
}

/// `backstop serve` hands over to the `backstop-server` binary beside it: the same process, the same arguments, the
/// same help and exit codes, and a clear error when the server binary is not there.
struct ServeHandOffTests {
    @Test(.timeLimit(.minutes(1)))
    func serveBecomesTheServerInTheSameProcess() async throws {
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = [
            "serve", "--port", "0", "--catalog", ProvidersCommandTests.catalog, "--log-level", "error",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("backstop: listening on http://127.0.0.1:"), "\(text)")
        // The process `backstop serve` started now runs the backstop-server binary: exec, not a child.
        let running = try FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/\(process.processIdentifier)/exe"
        )
        let server = try BinaryRunner.serverExecutable().resolvingSymlinksInPath().path
        #expect(URL(fileURLWithPath: running).resolvingSymlinksInPath().path == server)
        let port = try #require(text.split(separator: ":").last.flatMap { Int($0) })
        let (status, _) = try await ServeProcessTests().call(port, "GET", "/healthz")
        #expect(status == 200)
        // SIGTERM to the pid `backstop serve` got stops the server gracefully.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func serveHelpAndErrorsAreTheServers() throws {
        let viaServe = try BinaryRunner.run(["serve", "--help"])
        let direct = try BinaryRunner.run(["--help"], executable: try BinaryRunner.serverExecutable())
        #expect(viaServe.status == 0)
        #expect(viaServe.stdout == direct.stdout)
        #expect(viaServe.stdout.contains("USAGE: backstop-server"))
        #expect(viaServe.stdout.contains("--max-connections-per-client"))
        // A bad flag: the server's usage error and exit 64, through serve as directly.
        let bad = try BinaryRunner.run(["serve", "--port", "70000", "--catalog", ProvidersCommandTests.catalog])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--port (or BACKSTOP_PORT): must be a whole number from 0 to 65535, got 70000"))
        // `backstop --help` still lists serve.
        let help = try BinaryRunner.run(["--help"])
        #expect(help.stdout.contains("\n  serve "), "\(help.stdout)")
    }

    @Test func aLinkToBackstopFindsTheServerBesideTheRealFileAndACopyAloneSaysHowToBuildIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-handoff-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A symbolic link (as /usr/local/bin/backstop to an installed tree): the server beside the real file.
        let link = directory.appendingPathComponent("linked-backstop")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: try BinaryRunner.executable())
        let linked = try BinaryRunner.run(["serve", "--help"], executable: link)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("USAGE: backstop-server"))
        // A copy with no backstop-server beside it.
        let copy = directory.appendingPathComponent("backstop")
        try FileManager.default.copyItem(at: try BinaryRunner.executable(), to: copy)
        let alone = try BinaryRunner.run(["serve", "--port", "0"], executable: copy)
        #expect(alone.status == 1)
        #expect(
            alone.stderr.contains(
                "error: backstop serve runs \(directory.resolvingSymlinksInPath().path)/backstop-server, and there is no backstop-server next to backstop"
            ),
            "\(alone.stderr)"
        )
        #expect(alone.stderr.contains("swift build -c release --product backstop-server"))
        // The rest of the CLI does not need the server.
        let version = try BinaryRunner.run(["--version"], executable: copy)
        #expect(version.status == 0)
    }
}
