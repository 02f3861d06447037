import Backstop
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Synchronization

/// The service's Prometheus metrics: requests by route, method and status; a latency histogram; the catalog's hash,
/// size, load time and load errors. Held by the application, never in a global registry.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let catalogInfo = Mutex<(hash: String, gauge: Gauge?)>(("", nil))
    private let latency: DurationHistogram
    private let reloads: Counter
    private let loadErrors: Counter
    private let providers: Gauge
    private let loadedAt: Gauge
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let cacheEntries: Gauge
    private let cacheBytes: Gauge

    /// `backstop_<subsystem>_<metric>_<unit>`.
    static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "backstop",
            subsystem: subsystem,
            metricName: metric,
            unitName: unit,
            helpText: help
        )
    }

    public init() {
        latency = registry.makeDurationHistogram(
            descriptor: Self.name("http", "request_duration", "seconds", "Time to answer a request"),
            buckets: [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            ]
        )
        reloads = registry.makeCounter(
            descriptor: Self.name("catalog", "reloads", "total", "Catalog loads that succeeded")
        )
        loadErrors = registry.makeCounter(
            descriptor: Self.name("catalog", "load_errors", "total", "Catalog loads refused")
        )
        providers = registry.makeGauge(
            descriptor: Self.name("catalog", "providers", "count", "Providers in the serving catalog")
        )
        loadedAt = registry.makeGauge(
            descriptor: Self.name(
                "catalog",
                "loaded_timestamp",
                "seconds",
                "When the serving catalog was loaded (Unix time)"
            )
        )
        cacheHits = registry.makeCounter(
            descriptor: Self.name("answer_cache", "hits", "total", "Answers served from the snapshot's answer cache")
        )
        cacheMisses = registry.makeCounter(
            descriptor: Self.name("answer_cache", "misses", "total", "Answers computed (not in the cache)")
        )
        cacheEntries = registry.makeGauge(
            descriptor: Self.name("answer_cache", "entries", "count", "Answers held for the serving catalog")
        )
        cacheBytes = registry.makeGauge(
            descriptor: Self.name("answer_cache", "size", "bytes", "Bytes held by the serving catalog's answer cache")
        )
    }

    func recordAnswer(cached: Bool) {
        (cached ? cacheHits : cacheMisses).increment()
    }

    func recordRequest(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http", "requests", "total", "Requests answered"),
            labels: [("route", route), ("method", method.rawValue), ("status", String(status.code))]
        ).increment()
        latency.record(duration)
    }

    func recordLoaded(_ snapshot: CatalogStore.Snapshot) {
        reloads.increment()
        providers.set(to: Double(snapshot.catalog.count))
        loadedAt.set(to: snapshot.loadedAt.timeIntervalSince1970)
        catalogInfo.withLock { info in
            guard info.hash != snapshot.catalog.hash else { return }
            if let old = info.gauge { registry.unregisterGauge(old) }
            let gauge = registry.makeGauge(
                descriptor: Self.name("catalog", "info", "", "The serving catalog's content hash (value 1)"),
                labels: [("hash", snapshot.catalog.hash)]
            )
            gauge.set(to: 1)
            info = (snapshot.catalog.hash, gauge)
        }
    }

    func recordLoadError() { loadErrors.increment() }

    /// The Prometheus text exposition, with the serving snapshot's cache figures read now.
    func text(cache: AnswerCache.Statistics?) -> String {
        cacheEntries.set(to: Double(cache?.entries ?? 0))
        cacheBytes.set(to: Double(cache?.bytes ?? 0))
        return registry.emitToString()
    }
}

/// Records every request in the metrics and logs it with its request id, never its body (profiles carry personal
/// data: identity, income, scores).
struct ObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    @concurrent
    func handle(
        _ request: Request,
        context: Context,
        next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await next(request, context)
            finish(request, context, response.status, clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            if status == .internalServerError {
                context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            }
            finish(request, context, status, clock.now - start)
            throw error
        }
    }

    func finish(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, _ duration: Duration) {
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method, status: status, duration: duration)
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method)",
                "http.route": "\(route)",
                "http.status": "\(status.code)",
                "duration.ms":
                    "\(Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)",
            ]
        )
    }
}
