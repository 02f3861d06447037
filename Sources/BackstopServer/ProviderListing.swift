public import Backstop
import Foundation
import NIOCore
import Synchronization

/// The answer of `GET /v1/providers` for one catalog snapshot: every provider's document is computed and encoded
/// once, when the snapshot is loaded, so that a listing request only writes each provider's state for its date
/// between bytes encoded beforehand.
///
/// A provider's `aprMin`/`aprMax` quote the sample loan over every term it offers, twice (best and riskiest price):
/// a provider offering all 360 terms costs 720 schedules of up to 360 rows, and 500 of them took 80 s when every
/// listing request quoted them again. Here they are quoted once per snapshot, with the catalog load (off the request
/// threads), for a loan starting on the day the snapshot was loaded (``aprDate``, written in each entry as `aprDate`);
/// a listing for another `date` changes only `state` and `stateDate`. A reload on the same day reuses the documents
/// of the providers that did not change. `GET /v1/providers/{id}?date=` still quotes its one provider for the date
/// asked.
///
/// In the compact layout (the default) a listing is spliced: each entry's keys before `state` and after `stateDate`
/// (the keys are sorted) were encoded at load, so a request costs a copy of the bytes, linear in the listing's size.
/// The pretty layout encodes the whole listing; either way the last ``daysKept`` dates' bodies are kept.
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

    /// One entry encoded compactly around its date-dependent keys: `head` is `{"aprDate":…,"sources":[…]` (no
    /// closing brace), `tail` is `"status":[…],"terms":[…]}` (no opening brace).
    private struct Fragments: Sendable {
        let head: [UInt8]
        let tail: [UInt8]
    }

    private struct Encoded {
        var bodies: [Key: ByteBuffer] = [:]
        var order: [Key] = []
    }

    private struct Key: Hashable {
        let day: CalendarDate
        let layout: WireJSON.Layout
    }

    private let fragments: [Fragments]
    private let catalogJSON: [UInt8]
    private let encoded = Mutex(Encoded())

    /// Quotes every provider that `previous` (a listing of the same day) did not already quote, and encodes each
    /// entry's fixed part: call it off the request threads (it is linear in providers × terms × term length).
    init(
        providers: [ProviderDescription],
        catalog: CatalogInfo,
        aprDate: CalendarDate,
        reusing previous: ProviderListing? = nil
    ) throws {
        var known: [ProviderDescription: ProviderDocument] = [:]
        if let previous, previous.aprDate == aprDate {
            known = Dictionary(zip(previous.providers, previous.documents)) { first, _ in first }
        }
        self.providers = providers
        self.documents = providers.map { known[$0] ?? ProviderDocument($0, on: aprDate) }
        self.catalog = catalog
        self.aprDate = aprDate
        self.catalogJSON = Array(try WireJSON.encode(catalog, layout: .compact))
        self.fragments = try documents.map { document in
            let head = try WireJSON.encode(ProviderListHead(document, aprDate: aprDate), layout: .compact)
            let tail = try WireJSON.encode(
                ProviderListTail(status: document.status, terms: document.terms),
                layout: .compact
            )
            return Fragments(head: Array(head.dropLast()), tail: Array(tail.dropFirst()))
        }
    }

    /// The listing for `day`, encoded in `layout`.
    func body(on day: CalendarDate, layout: WireJSON.Layout) throws -> ByteBuffer {
        let key = Key(day: day, layout: layout)
        if let body = encoded.withLock({ $0.bodies[key] }) { return body }
        let body = layout == .compact ? try spliced(on: day) : try whole(on: day, layout: layout)
        encoded.withLock { encoded in
            if encoded.bodies.updateValue(body, forKey: key) == nil { encoded.order.append(key) }
            while encoded.order.count > Self.daysKept { encoded.bodies[encoded.order.removeFirst()] = nil }
        }
        return body
    }

    /// The listing encoded whole, as a straight encoding of ``ProviderListBody``.
    func whole(on day: CalendarDate, layout: WireJSON.Layout) throws -> ByteBuffer {
        let list = ProviderListBody(
            catalog: catalog,
            providers: zip(providers, documents).map { provider, document in
                ProviderListEntry(document, state: provider.state(on: day), on: day, aprDate: aprDate)
            }
        )
        return ByteBuffer(bytes: try WireJSON.encode(list, layout: layout))
    }

    /// The compact listing from the fragments: the same bytes as ``whole(on:layout:)`` in the compact layout.
    func spliced(on day: CalendarDate) throws -> ByteBuffer {
        let dayJSON = try WireJSON.encode(day, layout: .compact)
        var states: [ProviderState: [UInt8]] = [:]
        var buffer = ByteBuffer()
        buffer.reserveCapacity(fragments.reduce(64 + catalogJSON.count) { $0 + $1.head.count + $1.tail.count + 48 })
        buffer.writeString(#"{"catalog":"#)
        buffer.writeBytes(catalogJSON)
        buffer.writeString(#","providers":["#)
        for (index, (provider, fragment)) in zip(providers, fragments).enumerated() {
            let state = provider.state(on: day)
            if states[state] == nil { states[state] = Array(try WireJSON.encode(state, layout: .compact)) }
            if index > 0 { buffer.writeString(",") }
            buffer.writeBytes(fragment.head)
            buffer.writeString(#","state":"#)
            buffer.writeBytes(states[state] ?? [])
            buffer.writeString(#","stateDate":"#)
            buffer.writeBytes(dayJSON)
            buffer.writeString(",")
            buffer.writeBytes(fragment.tail)
        }
        buffer.writeString("]}")
        return buffer
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
    let access: ProviderDocument.AccessDocument
    let inquiries: ProviderDocument.InquiriesDocument
    let status: [StatusPeriod]
    let state: ProviderState
    let stateDate: CalendarDate
    let aprMin: Decimal?
    let aprMax: Decimal?
    let aprDate: CalendarDate
    let sources: [SourceReference]
    let figureSources: [String: String]
    let notes: String
    /// Provider XML v2, each absent when the document has none (as in ``ProviderDocument``).
    let fundedBy: [ProviderDocument.FunderDocument]?
    let guarantors: [String]?
    let repaymentTerms: ProviderDocument.TermsDocument?
    let disclosure: ProviderDocument.DisclosureDocument?
    let representativeExamples: [ProviderDocument.ExampleDocument]?
    let documentedLoans: [ProviderDocument.DocumentedLoanDocument]?

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
        access = document.access
        inquiries = document.inquiries
        status = document.status
        self.state = state
        stateDate = day
        aprMin = document.aprMin
        aprMax = document.aprMax
        self.aprDate = aprDate
        sources = document.sources
        figureSources = document.figureSources
        notes = document.notes
        fundedBy = document.fundedBy
        guarantors = document.guarantors
        repaymentTerms = document.repaymentTerms
        disclosure = document.disclosure
        representativeExamples = document.representativeExamples
        documentedLoans = document.documentedLoans
    }
}

/// The keys of a listing entry that sort before `state` (all but `state`, `stateDate`, `status` and `terms`).
private struct ProviderListHead: Encodable {
    let id: String
    let name: ProviderDocument.Names
    let `operator`: String
    let licence: Licence
    let licensed: Bool
    let channel: String
    let product: String
    let purposes: [LoanPurpose]
    let limits: ProviderDocument.Limits
    let pricing: [ProviderDocument.PricingDocument]
    let repayment: [RepaymentMethod]
    let eligibility: ProviderDocument.EligibilityDocument
    let access: ProviderDocument.AccessDocument
    let inquiries: ProviderDocument.InquiriesDocument
    let aprMin: Decimal?
    let aprMax: Decimal?
    let aprDate: CalendarDate
    let sources: [SourceReference]
    let figureSources: [String: String]
    let notes: String
    let fundedBy: [ProviderDocument.FunderDocument]?
    let guarantors: [String]?
    let repaymentTerms: ProviderDocument.TermsDocument?
    let disclosure: ProviderDocument.DisclosureDocument?
    let representativeExamples: [ProviderDocument.ExampleDocument]?
    let documentedLoans: [ProviderDocument.DocumentedLoanDocument]?

    init(_ document: ProviderDocument, aprDate: CalendarDate) {
        id = document.id
        name = document.name
        self.operator = document.operator
        licence = document.licence
        licensed = document.licensed
        channel = document.channel
        product = document.product
        purposes = document.purposes
        limits = document.limits
        pricing = document.pricing
        repayment = document.repayment
        eligibility = document.eligibility
        access = document.access
        inquiries = document.inquiries
        aprMin = document.aprMin
        aprMax = document.aprMax
        self.aprDate = aprDate
        sources = document.sources
        figureSources = document.figureSources
        notes = document.notes
        fundedBy = document.fundedBy
        guarantors = document.guarantors
        repaymentTerms = document.repaymentTerms
        disclosure = document.disclosure
        representativeExamples = document.representativeExamples
        documentedLoans = document.documentedLoans
    }
}

/// The keys of a listing entry that sort after `stateDate`.
private struct ProviderListTail: Encodable {
    let status: [StatusPeriod]
    let terms: [Int]
}
