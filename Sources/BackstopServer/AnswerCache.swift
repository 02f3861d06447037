public import Backstop
public import NIOCore
import Synchronization

/// Encoded answers of one catalog snapshot, keyed by the route, the day the answer is for and the exact request
/// body, bounded in bytes.
///
/// An answer is a pure function of the catalog, the body and the day (the service's policy is fixed for its
/// lifetime), so a cached answer is byte for byte the answer a fresh evaluation would give. Each cache belongs to
/// one ``CatalogStore/Snapshot`` and dies with it: a reload starts an empty cache, and no answer can outlive or mix
/// catalogs. Only 200 answers are stored. When the entries pass the byte budget, the least recently used quarter is
/// dropped (amortised O(log n) per insert, no list to maintain).
public final class AnswerCache: Sendable {
    /// What an answer is looked up by.
    public struct Key: Hashable, Sendable {
        public let route: String
        public let day: CalendarDate
        public let body: [UInt8]

        public init(route: String, day: CalendarDate, body: [UInt8]) {
            self.route = route
            self.day = day
            self.body = body
        }

        /// Bytes charged for holding the key.
        var cost: Int { body.count + route.utf8.count + 64 }
    }

    /// Counts since the cache was made.
    public struct Statistics: Sendable, Hashable {
        public var hits = 0
        public var misses = 0
        public var evictions = 0
        public var entries = 0
        public var bytes = 0
    }

    /// One encoded answer: the JSON, and its gzip form once a client asked for it.
    public struct Answer: Sendable {
        public let identity: ByteBuffer
        public let gzip: ByteBuffer?

        public init(identity: ByteBuffer, gzip: ByteBuffer? = nil) {
            self.identity = identity
            self.gzip = gzip
        }

        var bytes: Int { identity.readableBytes + (gzip?.readableBytes ?? 0) }
    }

    private struct Entry {
        let answer: Answer
        var lastUse: UInt64
        let cost: Int
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
        var statistics = Statistics()
    }

    /// The byte budget (keys and answers); 0 turns the cache off.
    public let capacityBytes: Int
    private let state = Mutex(State())

    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The stored answer for `key`, counting a hit or a miss.
    public func answer(for key: Key) -> Answer? {
        guard capacityBytes > 0 else { return nil }
        return state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[key] else {
                state.statistics.misses += 1
                return nil
            }
            entry.lastUse = state.clock
            state.entries[key] = entry
            state.statistics.hits += 1
            return entry.answer
        }
    }

    /// Stores `answer` for `key` (replacing what was there) unless it alone is over a quarter of the budget; evicts
    /// the least recently used quarter of the entries when the budget is passed.
    public func store(_ answer: Answer, for key: Key) {
        let cost = answer.bytes + key.cost
        guard capacityBytes > 0, cost <= capacityBytes / 4 else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue(Entry(answer: answer, lastUse: state.clock, cost: cost), forKey: key)
            {
                state.statistics.bytes -= old.cost
            }
            state.statistics.bytes += cost
            if state.statistics.bytes > capacityBytes {
                let byAge = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }
                for (oldKey, entry) in byAge.prefix(max(1, byAge.count / 4)) {
                    state.entries[oldKey] = nil
                    state.statistics.bytes -= entry.cost
                    state.statistics.evictions += 1
                }
                // One very large entry among small ones: keep going until the budget holds.
                for (oldKey, entry) in byAge.dropFirst(max(1, byAge.count / 4))
                where state.statistics.bytes > capacityBytes {
                    state.entries[oldKey] = nil
                    state.statistics.bytes -= entry.cost
                    state.statistics.evictions += 1
                }
            }
            state.statistics.entries = state.entries.count
        }
    }

    /// Hits, misses, evictions, entries and bytes held.
    public var statistics: Statistics { state.withLock { $0.statistics } }
}
