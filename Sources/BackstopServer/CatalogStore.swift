public import Backstop
import Dispatch
public import Foundation
import Synchronization

/// The catalog snapshot the service answers from, replaced atomically on reload.
///
/// A request takes the current snapshot once and answers wholly from it, so it sees either the old or the new
/// catalog, never a mix. A reload loads the whole catalog off the request threads; only a valid catalog replaces the
/// current one (the last good catalog keeps serving when the new one is refused).
public final class CatalogStore: Sendable {
    /// One loaded catalog and the aggregator built on it.
    public struct Snapshot: Sendable {
        public let catalog: Catalog
        public let aggregator: Aggregator
        public let loadedAt: Date
        /// Answers computed from this snapshot (empty at load; gone with the snapshot).
        public let answers: AnswerCache
        /// The provider listing, computed at most once for this snapshot (see ``ProviderListing``).
        public let listing: ProviderListing
    }

    /// What a reload did.
    public enum ReloadOutcome: Sendable {
        case loaded(Snapshot)
        case refused(CatalogError, keeping: Snapshot?)
    }

    private let current = Mutex<Snapshot?>(nil)
    private let counters = Mutex<(loads: Int, failures: Int)>((0, 0))
    public let directory: String
    public let schemaPath: String?
    public let policy: AggregatorPolicy
    /// Byte budget of each snapshot's answer cache (0: no caching).
    public let answerCacheBytes: Int

    public init(directory: String, schemaPath: String?, policy: AggregatorPolicy, answerCacheBytes: Int = 0) {
        self.directory = directory
        self.schemaPath = schemaPath
        self.policy = policy
        self.answerCacheBytes = answerCacheBytes
    }

    /// The snapshot serving now, or nil before the first successful load.
    public var snapshot: Snapshot? { current.withLock { $0 } }

    /// How many reloads succeeded and failed since the start.
    public var loadCounts: (loads: Int, failures: Int) { counters.withLock { $0 } }

    /// Loads the catalog afresh and prices its provider listing (on a dispatch thread, not the cooperative pool), and
    /// swaps it in when it is valid.
    public func reload() async -> ReloadOutcome {
        let directory = self.directory
        let schemaPath = self.schemaPath
        let previous = snapshot?.listing
        // A catalog that had legal caps keeps them: a reload that lost its caps directory is refused, not served
        // without its most important gate.
        let requiresCaps = snapshot?.catalog.hasLegalCaps ?? false
        let result: Result<(Catalog, ProviderListing), CatalogError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let result = Result { () throws(CatalogError) -> (Catalog, ProviderListing) in
                    let catalog = try CatalogLoader(requiresLegalCaps: requiresCaps)
                        .load(directory: directory, schemaPath: schemaPath)
                    do {
                        let listing = try ProviderListing(
                            providers: BuiltInProviders.all().map(\.details) + catalog.providers,
                            catalog: CatalogInfo(hash: catalog.hash, providers: catalog.count),
                            aprDate: CalendarDate.utcToday,
                            reusing: previous
                        )
                        return (catalog, listing)
                    } catch {
                        throw CatalogError(issues: [
                            CatalogIssue(
                                file: directory,
                                line: nil,
                                column: nil,
                                rule: .catalog,
                                message: "the provider listing could not be encoded: \(error)"
                            )
                        ])
                    }
                }
                continuation.resume(returning: result)
            }
        }
        switch result {
        case .success(let (catalog, listing)):
            let snapshot = Snapshot(
                catalog: catalog,
                aggregator: Aggregator.standard(catalog: catalog, policy: policy),
                loadedAt: Date(),
                answers: AnswerCache(capacityBytes: answerCacheBytes),
                listing: listing
            )
            current.withLock { $0 = snapshot }
            counters.withLock { $0.loads += 1 }
            return .loaded(snapshot)
        case .failure(let error):
            counters.withLock { $0.failures += 1 }
            return .refused(error, keeping: snapshot)
        }
    }
}
