import Synchronization

/// Counts the open connections, in all and per client address, and refuses one over either cap.
///
/// One limiter belongs to one server; a connection takes a slot when it is accepted and gives it back when it closes,
/// whichever event loop it runs on.
final class ConnectionLimiter: Sendable {
    /// Why a connection was refused.
    enum Refusal: Equatable, Sendable, CustomStringConvertible {
        case serverFull(limit: Int)
        case clientFull(limit: Int)

        var description: String {
            switch self {
            case .serverFull(let limit): "the server has \(limit) connections open (the maximum)"
            case .clientFull(let limit): "this client address has \(limit) connections open (the maximum)"
            }
        }
    }

    private struct State {
        var total = 0
        var perClient: [String: Int] = [:]
    }

    let maxConnections: Int
    /// 0: no per-client cap.
    let maxPerClient: Int
    private let state = Mutex(State())

    init(maxConnections: Int, maxPerClient: Int) {
        self.maxConnections = maxConnections
        self.maxPerClient = maxPerClient
    }

    /// Takes a slot for a connection from `client` (its address without the port; nil when unknown, which counts
    /// towards the total only), or says why not.
    func open(client: String?) -> Refusal? {
        state.withLock { state in
            guard state.total < maxConnections else { return .serverFull(limit: maxConnections) }
            if let client, maxPerClient > 0 {
                let count = state.perClient[client, default: 0]
                guard count < maxPerClient else { return .clientFull(limit: maxPerClient) }
                state.perClient[client] = count + 1
            }
            state.total += 1
            return nil
        }
    }

    /// Gives back the slot `open(client:)` took.
    func close(client: String?) {
        state.withLock { state in
            state.total -= 1
            if let client, maxPerClient > 0, let count = state.perClient[client] {
                state.perClient[client] = count > 1 ? count - 1 : nil
            }
        }
    }

    /// Connections open now, in all.
    var open: Int { state.withLock { $0.total } }
}
