public import Backstop
import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the catalog on SIGHUP, for as long as the service runs.
///
/// Its description is its name alone: swift-service-lifecycle logs every service it starts and stops, and the
/// routes it holds carry the settings.
struct ReloadOnHangupService: Service, CustomStringConvertible {
    let routes: BackstopRoutes

    var description: String { "ReloadOnHangupService" }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            routes.logger.notice("SIGHUP: reloading the catalog")
            switch await routes.store.reload() {
            case .loaded(let snapshot):
                routes.metrics.recordLoaded(snapshot)
                routes.logger.notice("catalog reloaded", metadata: ["catalog.hash": "\(snapshot.catalog.hash)"])
            case .refused(let error, _):
                routes.metrics.recordLoadError()
                Bounded.logRefusal(error, logger: routes.logger)
            }
        }
    }
}

/// The parts of a running service, built once: for `backstop serve` and for tests.
public struct BackstopService: Sendable {
    public let routes: BackstopRoutes
    public let settings: ServerSettings

    /// Loads the catalog (refusing to start without a valid one) and prepares the routes.
    /// - Throws: ``CatalogError`` when the catalog is invalid.
    public init(settings: ServerSettings, logger: Logger) async throws(CatalogError) {
        let store = CatalogStore(
            directory: settings.catalogDirectory,
            schemaPath: settings.schemaPath,
            policy: AggregatorPolicy(
                highCostAPRPercent: settings.highCostAPRPercent,
                maxDebtServicePercent: settings.maxDebtServicePercent
            ),
            answerCacheBytes: settings.answerCacheBytes
        )
        let metrics = ServerMetrics()
        switch await store.reload() {
        case .loaded(let snapshot): metrics.recordLoaded(snapshot)
        case .refused(let error, _): throw error
        }
        self.settings = settings
        self.routes = BackstopRoutes(store: store, metrics: metrics, settings: settings, logger: logger)
    }

    /// The router with every route.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        routes.register(on: router)
        return router
    }

    /// The application: HTTP/1.1 on the configured address with the connection bounds of
    /// ``ServerSettings/connections``, reloading on SIGHUP, stopping gracefully on SIGTERM/SIGINT (`runService()`).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let limits = settings.connections
        return Application(
            router: makeRouter(),
            server: HTTPServerBuilder { responder in BackstopHTTPChannel(responder: responder, limits: limits) },
            configuration: ApplicationConfiguration(
                address: .hostname(settings.host, port: settings.port),
                serverName: "backstop"
            ),
            services: [ReloadOnHangupService(routes: routes)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: routes.logger
        )
    }
}
