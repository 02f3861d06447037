import ArgumentParser
import Backstop
import BackstopCLI
import BackstopServer
import Foundation
import Hummingbird
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backstop-server` (also run as `backstop serve`, which hands its arguments to this binary): the HTTP service.
///
/// Its own executable so that the `backstop` CLI links no web stack (Hummingbird, NIO, Prometheus): a fresh clone's
/// `swift run backstop …` builds only what the CLI needs.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backstop-server",
        abstract: "Run the HTTP JSON API (see docs/http.md and docs/openapi.yaml); `backstop serve` runs this.",
        discussion: """
            Every option can also come from the environment: BACKSTOP_HOST, BACKSTOP_PORT, BACKSTOP_CATALOG,
            BACKSTOP_SCHEMA, BACKSTOP_MAX_BODY_BYTES, BACKSTOP_HIGH_COST_APR, BACKSTOP_MAX_DEBT_SERVICE,
            BACKSTOP_ANSWER_CACHE_BYTES, BACKSTOP_JSON_LAYOUT, BACKSTOP_LOG_LEVEL, BACKSTOP_HEADER_TIMEOUT,
            BACKSTOP_BODY_TIMEOUT, BACKSTOP_IDLE_TIMEOUT, BACKSTOP_MAX_CONNECTIONS,
            BACKSTOP_MAX_CONNECTIONS_PER_CLIENT, BACKSTOP_MAX_DISCARD_BYTES. A flag wins over the environment.
            The admin token for POST /v1/admin/reload comes only from BACKSTOP_ADMIN_TOKEN (never a flag, so it
            stays out of process listings); without it the endpoint is off. SIGHUP reloads the catalog;
            SIGTERM and SIGINT stop the server gracefully.
            """,
        version: BackstopCommand.configuration.version
    )

    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 8080; 0 picks a free port, printed at start).") var port: Int?
    @OptionGroup var catalog: CatalogOptions
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body in bytes (default 262144).")
    var maxBodyBytes: Int?
    @Option(name: .customLong("high-cost-apr"), help: "Flag offers above this nominal APR, percent (default 20).")
    var highCostAPR: String?
    @Option(
        name: .customLong("max-debt-service"),
        help: "Flag debt service above this share of income, percent (default 50)."
    )
    var maxDebtService: String?
    @Option(
        name: .customLong("answer-cache-bytes"),
        help: "Byte budget of the answer cache of each catalog snapshot (default 67108864 = 64 MiB; 0 turns it off)."
    )
    var answerCacheBytes: Int?
    @Option(
        name: .customLong("json-layout"),
        help: "compact (default) or pretty: whitespace of JSON answers; the document is the same."
    )
    var jsonLayout: String?
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds to receive a request's whole head, from the first byte or the accept (default 10)."
    )
    var headerTimeout: String?
    @Option(
        name: .customLong("body-timeout"),
        help: "Seconds to receive a request's whole body after its head (default 30)."
    )
    var bodyTimeout: String?
    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a kept-alive connection may wait for its next request (default 30)."
    )
    var idleTimeout: String?
    @Option(name: .customLong("max-connections"), help: "Connections open at once, in all (default 512).")
    var maxConnections: Int?
    @Option(
        name: .customLong("max-connections-per-client"),
        help: "Connections open at once from one client address (default 128; 0: no per-client cap)."
    )
    var maxConnectionsPerClient: Int?
    @Option(
        name: .customLong("max-discard-bytes"),
        help: "Bytes of an unread body read and dropped so the client sees its answer (default 1048576)."
    )
    var maxDiscardBytes: Int?
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (default info)."
    )
    var logLevel: String?

    func run() async throws {
        // A hang-up before the reload handler is installed (it is, once the catalog has loaded) must not stop the
        // process with the default action; until then it is ignored (the catalog being loaded is read afresh).
        signal(SIGHUP, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ name: String) -> String? {
            flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func integer(
            _ flag: Int?,
            _ name: String,
            _ label: String,
            _ range: ClosedRange<Int>,
            _ fallback: Int
        ) throws -> Int {
            let text = flag.map(String.init) ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
            guard let text else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError(
                    "\(label) (or \(name)): must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(text)"
                )
            }
            return value
        }
        func percent(_ flag: String?, _ name: String, _ label: String, _ fallback: Decimal) throws -> Decimal {
            guard let text = setting(flag, name) else { return fallback }
            guard let value = Decimal.parseStrict(text), value > 0, value <= 1000 else {
                throw ValidationError("\(label) (or \(name)): must be a percentage above 0, got \(text)")
            }
            return value
        }
        func seconds(_ flag: String?, _ name: String, _ label: String, _ fallback: Duration) throws -> Duration {
            guard let text = setting(flag, name) else { return fallback }
            guard let value = Decimal.parseStrict(text), value >= Decimal(string: "0.01")!, value <= 86_400 else {
                throw ValidationError(
                    "\(label) (or \(name)): must be a number of seconds from 0.01 to 86400, got \(text)"
                )
            }
            return .milliseconds(Int64(truncating: NSDecimalNumber(decimal: value * 1000)))
        }
        let levelText = setting(logLevel, "BACKSTOP_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level (or BACKSTOP_LOG_LEVEL): unknown level \(levelText)")
        }
        let layoutText = setting(jsonLayout, "BACKSTOP_JSON_LAYOUT") ?? "compact"
        guard let layout = WireJSON.Layout(rawValue: layoutText) else {
            throw ValidationError("--json-layout (or BACKSTOP_JSON_LAYOUT): compact or pretty, got \(layoutText)")
        }
        let directory =
            try catalog.catalog ?? environment["BACKSTOP_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? catalog.directory()
        let settings = ServerSettings(
            host: setting(host, "BACKSTOP_HOST") ?? "127.0.0.1",
            port: try integer(port, "BACKSTOP_PORT", "--port", 0...65_535, 8080),
            catalogDirectory: directory,
            schemaPath: setting(catalog.schema, "BACKSTOP_SCHEMA"),
            maxBodyBytes: try integer(
                maxBodyBytes,
                "BACKSTOP_MAX_BODY_BYTES",
                "--max-body-bytes",
                1024...(64 << 20),
                256 * 1024
            ),
            adminToken: environment["BACKSTOP_ADMIN_TOKEN"].flatMap(AdminToken.init),
            highCostAPRPercent: try percent(highCostAPR, "BACKSTOP_HIGH_COST_APR", "--high-cost-apr", 20),
            maxDebtServicePercent: try percent(maxDebtService, "BACKSTOP_MAX_DEBT_SERVICE", "--max-debt-service", 50),
            answerCacheBytes: try integer(
                answerCacheBytes,
                "BACKSTOP_ANSWER_CACHE_BYTES",
                "--answer-cache-bytes",
                0...(1 << 40),
                64 << 20
            ),
            jsonLayout: layout,
            connections: ConnectionLimits(
                headerTimeout: try seconds(headerTimeout, "BACKSTOP_HEADER_TIMEOUT", "--header-timeout", .seconds(10)),
                requestBodyTimeout: try seconds(bodyTimeout, "BACKSTOP_BODY_TIMEOUT", "--body-timeout", .seconds(30)),
                idleTimeout: try seconds(idleTimeout, "BACKSTOP_IDLE_TIMEOUT", "--idle-timeout", .seconds(30)),
                maxConnections: try integer(
                    maxConnections,
                    "BACKSTOP_MAX_CONNECTIONS",
                    "--max-connections",
                    1...1_000_000,
                    512
                ),
                maxConnectionsPerClient: try integer(
                    maxConnectionsPerClient,
                    "BACKSTOP_MAX_CONNECTIONS_PER_CLIENT",
                    "--max-connections-per-client",
                    0...1_000_000,
                    128
                ),
                maxDiscardBytes: try integer(
                    maxDiscardBytes,
                    "BACKSTOP_MAX_DISCARD_BYTES",
                    "--max-discard-bytes",
                    0...(1 << 30),
                    1 << 20
                )
            )
        )
        var logger = Logger(label: "backstop")
        logger.logLevel = level
        logger.info("loading the catalog", metadata: ["catalog.directory": "\(settings.catalogDirectory)"])
        let service: BackstopService
        do {
            service = try await BackstopService(settings: settings, logger: logger)
        } catch {
            throw failure(error.description, code: Exit.dataError)
        }
        let app = service.makeApplication { port in
            // Unbuffered, so a supervisor or a test reading the pipe sees it at once.
            FileHandle.standardOutput.write(Data("backstop: listening on http://\(settings.host):\(port)\n".utf8))
        }
        try await app.runService()
    }
}
