public import Backstop
public import Foundation

/// How `backstop serve` runs. Every field has a flag and an environment variable (see docs/http.md); the admin token
/// comes only from the environment (`BACKSTOP_ADMIN_TOKEN`), so it never shows in a process listing.
public struct ServerSettings: Sendable, Hashable {
    /// Address to bind (default 127.0.0.1: loopback only).
    public var host: String
    /// Port to bind (default 8080; 0 picks a free one).
    public var port: Int
    /// The provider catalog directory.
    public var catalogDirectory: String
    /// The provider XSD (default: `<catalog>/schema/provider-1.xsd`).
    public var schemaPath: String?
    /// Largest request body accepted, in bytes (default 256 KiB); larger bodies get 413.
    public var maxBodyBytes: Int
    /// Bearer token for `POST /v1/admin/reload`; nil turns the endpoint off (404). It never prints (see
    /// ``AdminToken``).
    public var adminToken: AdminToken?
    /// Offers above this nominal APR are flagged `high-cost`.
    public var highCostAPRPercent: Decimal
    /// Debt service above this share of income is flagged `debt-service`.
    public var maxDebtServicePercent: Decimal
    /// Byte budget of each catalog snapshot's answer cache (default 64 MiB; 0 turns it off). See ``AnswerCache``.
    public var answerCacheBytes: Int
    /// Whitespace of JSON answers (default compact; the document is the same either way).
    public var jsonLayout: WireJSON.Layout
    /// The connection limits and timeouts (see ``ConnectionLimits``).
    public var connections: ConnectionLimits

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        catalogDirectory: String,
        schemaPath: String? = nil,
        maxBodyBytes: Int = 256 * 1024,
        adminToken: AdminToken? = nil,
        highCostAPRPercent: Decimal = 20,
        maxDebtServicePercent: Decimal = 50,
        answerCacheBytes: Int = 64 << 20,
        jsonLayout: WireJSON.Layout = .compact,
        connections: ConnectionLimits = ConnectionLimits()
    ) {
        self.host = host
        self.port = port
        self.catalogDirectory = catalogDirectory
        self.schemaPath = schemaPath
        self.maxBodyBytes = maxBodyBytes
        self.adminToken = adminToken
        self.highCostAPRPercent = highCostAPRPercent
        self.maxDebtServicePercent = maxDebtServicePercent
        self.answerCacheBytes = answerCacheBytes
        self.jsonLayout = jsonLayout
        self.connections = connections
    }
}

/// What one connection may hold and for how long: the bounds that keep slow or idle clients from holding descriptors
/// (docs/security.md, "Connections").
///
/// The timeouts are phases of a connection, each with its own clock: waiting for a request's head (from the first byte
/// of the request, or from the accept for a new connection), reading its body (from the end of the head), and sitting
/// idle between a response and the next request. A connection that passes one is closed. The server's own time to
/// answer is not bounded here.
public struct ConnectionLimits: Sendable, Hashable {
    /// Longest time to receive a request's whole head: from the accept for a new connection, from the first byte of
    /// the next request on a kept-alive one (default 10 s). A client that trickles its header lines (slowloris) is
    /// closed when it passes.
    public var headerTimeout: Duration
    /// Longest time to receive a request's whole body after its head (default 30 s). Also bounds how long a closing
    /// connection is kept to let the client finish sending and read the answer.
    public var requestBodyTimeout: Duration
    /// Longest time a kept-alive connection may wait, between a response and the first byte of the next request
    /// (default 30 s).
    public var idleTimeout: Duration
    /// Connections open at once, over every client (default 512). A connection over the cap is closed as soon as it
    /// is accepted.
    public var maxConnections: Int
    /// Connections open at once from one client address (default 128; 0 lifts this cap, e.g. behind a proxy, where
    /// every connection comes from the proxy's address).
    public var maxConnectionsPerClient: Int
    /// Body bytes read and thrown away after an answer that did not read the whole request (413, a body that was not
    /// needed) so that a client which only reads once it has sent everything still gets the answer (default 1 MiB).
    /// Past this the connection is closed at once.
    public var maxDiscardBytes: Int

    public init(
        headerTimeout: Duration = .seconds(10),
        requestBodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 512,
        maxConnectionsPerClient: Int = 128,
        maxDiscardBytes: Int = 1 << 20
    ) {
        self.headerTimeout = headerTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.maxDiscardBytes = maxDiscardBytes
    }
}
