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
    /// Bearer token for `POST /v1/admin/reload`; nil turns the endpoint off (404).
    public var adminToken: String?
    /// Offers above this nominal APR are flagged `high-cost`.
    public var highCostAPRPercent: Decimal
    /// Debt service above this share of income is flagged `debt-service`.
    public var maxDebtServicePercent: Decimal
    /// Byte budget of each catalog snapshot's answer cache (default 64 MiB; 0 turns it off). See ``AnswerCache``.
    public var answerCacheBytes: Int
    /// Whitespace of JSON answers (default compact; the document is the same either way).
    public var jsonLayout: WireJSON.Layout

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        catalogDirectory: String,
        schemaPath: String? = nil,
        maxBodyBytes: Int = 256 * 1024,
        adminToken: String? = nil,
        highCostAPRPercent: Decimal = 20,
        maxDebtServicePercent: Decimal = 50,
        answerCacheBytes: Int = 64 << 20,
        jsonLayout: WireJSON.Layout = .compact
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
    }
}
