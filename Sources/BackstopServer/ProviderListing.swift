public import Backstop
import Foundation
import NIOCore
import Synchronization

/// The answer of `GET /v1/providers` for one catalog snapshot: every provider's document is computed once, when the
/// snapshot is loaded, and each day's encoded listing is kept, so a listing request costs at most one encoding.
///
/// A provider's `aprMin`/`aprMax` quote the sample loan over every term it offers, twice (best and riskiest price):
/// a provider offering all 360 terms costs 720 schedules of up to 360 rows, and 500 of them took 80 s when every
/// listing request quoted them again. Here they are quoted once per snapshot, with the catalog load (off the request
/// threads), for a loan starting on the day the snapshot was loaded (``aprDate``, written in each entry as `aprDate`);
/// a listing for another `date` changes only `state` and `stateDate`. `GET /v1/providers/{id}?date=` still quotes its
/// one provider for the date asked.
public final class ProviderListing: Sendable {
    /// Built-ins first, then the catalog.
    let providers: [ProviderDescription]
    /// Each provider's document for ``aprDate``, in the order of ``providers``.
    let documents: [ProviderDocument]
    let catalog: CatalogInfo
    /// The start day of the sample loans that `aprMin`/`aprMax` quote.
    public let aprDate: CalendarDate
    /// Encoded listings kept per day (the most recent days asked).
    static let daysKept = 8

    private struct Encoded {
        var bodies: [CalendarDate: ByteBuffer] = [:]
        var order: [CalendarDate] = []
    }

    private let encoded = Mutex(Encoded())

    /// Quotes every provider: call it off the request threads (it is linear in providers × terms × term length).
    init(providers: [ProviderDescription], catalog: CatalogInfo, aprDate: CalendarDate) {
        self.providers = providers
        self.documents = providers.map { ProviderDocument($0, on: aprDate) }
        self.catalog = catalog
        self.aprDate = aprDate
    }

    /// The listing for `day`, encoded in `layout`.
    func body(on day: CalendarDate, layout: WireJSON.Layout) throws -> ByteBuffer {
        if let body = encoded.withLock({ $0.bodies[day] }) { return body }
        let list = ProviderListBody(
            catalog: catalog,
            providers: zip(providers, documents).map { provider, document in
                ProviderListEntry(document, state: provider.state(on: day), on: day, aprDate: aprDate)
            }
        )
        let body = ByteBuffer(bytes: try WireJSON.encode(list, layout: layout))
        encoded.withLock { encoded in
            if encoded.bodies.updateValue(body, forKey: day) == nil { encoded.order.append(day) }
            while encoded.order.count > Self.daysKept { encoded.bodies[encoded.order.removeFirst()] = nil }
        }
        return body
    }
}

/// `GET /v1/providers`.
struct ProviderListBody: Encodable {
    let catalog: CatalogInfo
    let providers: [ProviderListEntry]
}

/// One provider of the listing: its ``ProviderDocument`` field for field, with `state` and `stateDate` for the day
/// asked, and `aprDate`, the start day of the sample loans that `aprMin` and `aprMax` quote.
///
/// `ProviderListingTests` checks that the entry has every key of a ``ProviderDocument`` (plus `aprDate`), so a field
/// added to the document cannot be missing here.
struct ProviderListEntry: Encodable {
    let id: String
    let name: ProviderDocument.Names
    let `operator`: String
    let licence: Licence
    let licensed: Bool
    let channel: String
    let product: String
    let purposes: [LoanPurpose]
    let limits: ProviderDocument.Limits
    let terms: [Int]
    let pricing: [ProviderDocument.PricingDocument]
    let repayment: [RepaymentMethod]
    let eligibility: ProviderDocument.EligibilityDocument
    let status: [StatusPeriod]
    let state: ProviderState
    let stateDate: CalendarDate
    let aprMin: Decimal?
    let aprMax: Decimal?
    let aprDate: CalendarDate
    let sources: [SourceReference]
    let figureSources: [String: String]
    let notes: String

    init(_ document: ProviderDocument, state: ProviderState, on day: CalendarDate, aprDate: CalendarDate) {
        id = document.id
        name = document.name
        self.operator = document.operator
        licence = document.licence
        licensed = document.licensed
        channel = document.channel
        product = document.product
        purposes = document.purposes
        limits = document.limits
        terms = document.terms
        pricing = document.pricing
        repayment = document.repayment
        eligibility = document.eligibility
        status = document.status
        self.state = state
        stateDate = day
        aprMin = document.aprMin
        aprMax = document.aprMax
        self.aprDate = aprDate
        sources = document.sources
        figureSources = document.figureSources
        notes = document.notes
    }
}
