/// The bearer token of `POST /v1/admin/reload`: a secret that never prints.
///
/// Every way Swift turns a value into text (`description`, `debugDescription`, `String(reflecting:)`, `dump`, and
/// tools that walk a value's `Mirror`, such as swift-custom-dump) shows `AdminToken(<redacted>)`, so a token held in
/// ``ServerSettings`` cannot reach a log through a struct that holds it (swift-service-lifecycle logs its services at
/// debug level, and they hold the settings). The only way to read it is ``matches(authorization:)``.
public struct AdminToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let secret: String

    /// A token; nil when `secret` is empty (an empty token would turn the endpoint on for an empty bearer).
    public init?(_ secret: String) {
        guard !secret.isEmpty else { return nil }
        self.secret = secret
    }

    /// Whether an `Authorization` header value is `Bearer <token>`, compared without an early exit so that timing
    /// does not show how much of the token a guess got right (only the length can show).
    public func matches(authorization: String?) -> Bool {
        constantTimeEquals(authorization ?? "", "Bearer " + secret)
    }

    public var description: String { "AdminToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Compares secrets without an early exit that would leak their common prefix through timing.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for index in 0..<max(x.count, y.count) {
        difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
    }
    return difference == 0
}
