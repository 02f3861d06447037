import Backstop
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import NIOHTTP1

/// `POST /v1/alternatives` body.
struct AlternativesBody: Decodable, Sendable {
    let profile: UserProfile
    let request: LoanRequest
    /// The date rules, caps and status are judged on (default today, UTC).
    let date: CalendarDate?
    /// Keep at most this many alternatives.
    let top: Int?
    /// Refuse offers at another term than the one asked for.
    let exactTerm: Bool?
    /// Hard inquiries the application plan allows in 3 months (default 2).
    let inquiryBudget: Int?
}

/// `POST /v1/diagnose` body.
struct DiagnoseBody: Decodable, Sendable {
    let profile: UserProfile
    /// The date the profile's dated lists are read on (default today, UTC).
    let date: CalendarDate?
}

/// Refuses a profile whose counts and dated lists disagree on `day`, naming both fields.
func checkConsistent(_ profile: UserProfile, on day: CalendarDate) throws {
    if let contradiction = profile.contradictions(on: day).first {
        throw APIError(
            .badRequest,
            "profile: \(contradiction.description)",
            path: "profile." + contradiction.fields[0],
            details: contradiction.fields.map { "profile.\($0)" }
        )
    }
}

/// `POST /v1/quote` body: the same terms as `backstop quote`.
struct QuoteBody: Decodable, Sendable {
    let amount: Money
    let termMonths: Int
    let rate: String?
    let dayCount: DayCount?
    let method: RepaymentMethod?
    let installmentFee: String?
    let interestFreeDays: Int?
    let upfrontFeePercent: Decimal?
    let upfrontFeeAmount: Money?
    let monthlyMembershipFee: Money?
    let installmentMultiple: Money?
    let startDate: CalendarDate?
    /// Typed fees in `backstop quote`'s syntax: `1.2%/month`, `1.5%/month:original-principal`, `2%/once`.
    let guaranteeFee: String?
    let insuranceFee: String?
    let serviceFee: String?
    /// The late scenario's terms: `+50%` or `0.075%/day`, and a fee in yuan once per late instalment.
    let penaltyRate: String?
    let lateFee: String?
    /// The early scenario's terms: a percentage of the prepaid principal or an amount; whether fees and interest of
    /// later periods are waived (default false and true).
    let earlyRepaymentFee: String?
    let refundsFees: Bool?
    let refundsInterest: Bool?

    /// The late and early-repayment terms of the stress costs (late: nil when neither is given).
    func stressTerms() throws -> (LateRepaymentTerms?, EarlyRepaymentTerms) {
        var late: LateRepaymentTerms?
        if penaltyRate != nil || lateFee != nil {
            late = LateRepaymentTerms(
                penalty: try penaltyRate.map {
                    PenaltyInterest(
                        rate: try specified($0, field: "penaltyRate", FeeSpec.penalty),
                        basis: .overduePrincipal,
                        status: .published
                    )
                } ?? PenaltyInterest(rate: nil, status: .none),
                fees: try lateFee.map { [try specified($0, field: "lateFee", FeeSpec.lateFee)] } ?? []
            )
        }
        var early = EarlyRepaymentTerms(
            allowed: .true,
            refundsInterest: (refundsInterest ?? true) ? .true : .false,
            refundsFees: (refundsFees ?? false) ? .true : .false
        )
        if let earlyRepaymentFee {
            early.fees = [try specified(earlyRepaymentFee, field: "earlyRepaymentFee", FeeSpec.earlyRepaymentFee)]
        }
        return (late, early)
    }

    func specified<T>(_ text: String, field: String, _ parse: (String) throws(FeeSpecError) -> T) throws -> T {
        do { return try parse(text) } catch { throw APIError(.badRequest, "\(field): \(error)", path: field) }
    }

    func terms(today: CalendarDate) throws -> LoanTerms {
        var interest = InterestPricing.none
        if let rate {
            switch try parse(rate, field: "rate") {
            case .perDay(let daily): interest = .daily(daily, dayCount: dayCount ?? .actual360)
            case .perMonth(let monthly): interest = .monthly(monthly)
            case .perYear(let annual): interest = .annual(annual)
            case .perTerm:
                throw APIError(
                    .badRequest,
                    "rate: must be per day, month or year; a total for the term is an installmentFee",
                    path: "rate"
                )
            }
        }
        var fee: InstallmentFee?
        if let installmentFee {
            switch try parse(installmentFee, field: "installmentFee") {
            case .perMonth(let monthly): fee = .perPeriod(monthly)
            case .perTerm(let total): fee = .total(total)
            case .perDay, .perYear:
                throw APIError(
                    .badRequest,
                    "installmentFee: must be per period (0.6%/month) or for the term (8.8%/term)",
                    path: "installmentFee"
                )
            }
        }
        if upfrontFeePercent != nil && upfrontFeeAmount != nil {
            throw APIError(
                .badRequest,
                "give upfrontFeePercent or upfrontFeeAmount, not both",
                path: "upfrontFeePercent"
            )
        }
        let upfront: UpfrontFee? = upfrontFeePercent.map { .percent($0) } ?? upfrontFeeAmount.map { .fixed($0) }
        var fees: [Fee] = []
        for (field, kind, text) in [
            ("guaranteeFee", FeeKind.guarantee, guaranteeFee), ("insuranceFee", .insurance, insuranceFee),
            ("serviceFee", .service, serviceFee),
        ] {
            guard let text else { continue }
            fees.append(
                try specified(text, field: field) { (text) throws(FeeSpecError) in try FeeSpec.fee(kind, text) }
            )
        }
        return LoanTerms(
            amount: amount,
            termMonths: termMonths,
            pricing: Pricing(
                interest: interest,
                installmentFee: fee,
                interestFreeDays: interestFreeDays ?? 0,
                upfrontFee: upfront,
                monthlyMembershipFee: monthlyMembershipFee,
                fees: fees
            ),
            method: method ?? .equalInstallment,
            startDate: startDate ?? today,
            installmentMultiple: installmentMultiple
        )
    }

    func parse(_ text: String, field: String) throws -> QuotedRate {
        do { return try QuotedRate(parsing: text) } catch {
            throw APIError(.badRequest, "\(field): \(error)", path: field)
        }
    }
}

/// The routes of the service. Every handler takes the current catalog snapshot once and answers from it alone.
public struct BackstopRoutes: Sendable {
    public let store: CatalogStore
    public let metrics: ServerMetrics
    public let settings: ServerSettings
    public let logger: Logger

    public init(store: CatalogStore, metrics: ServerMetrics, settings: ServerSettings, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
    }

    /// Adds every route to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        router.add(middleware: ObservabilityMiddleware(metrics: metrics))
        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        router.get("/readyz") { _, _ in try readiness() }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: metrics.text(cache: store.snapshot?.answers.statistics)))
            )
        }
        router.get("/v1/providers") { request, _ in
            let snapshot = try serving()
            let day = try date(request.uri.queryParameters.get("date"))
            return jsonResponse(try snapshot.listing.body(on: day, layout: settings.jsonLayout))
        }
        router.get("/v1/providers/{id}") { request, context in
            let snapshot = try serving()
            let id = context.parameters.get("id") ?? ""
            guard let provider = snapshot.catalog.provider(ProviderID(rawValue: id)) ?? builtIn(id) else {
                throw APIError(.notFound, "no provider \"\(id)\" in catalog \(snapshot.catalog.hash)", path: "id")
            }
            return try json(ProviderDocument(provider, on: try date(request.uri.queryParameters.get("date"))))
        }
        router.post("/v1/alternatives") { request, _ in
            let bytes = try await readBody(request)
            let snapshot = try serving()
            let language = try answerLanguage(request)
            // The key is the exact body, the language and today's date: a body without "date" is answered for today.
            let key = AnswerCache.Key(
                route: "alternatives:\(language.rawValue)",
                day: CalendarDate.utcToday,
                body: Array(bytes.readableBytesView)
            )
            let gzip = ContentCoding.acceptsGzip(request.headers[.acceptEncoding])
            if let cached = snapshot.answers.answer(for: key) {
                metrics.recordAnswer(cached: true)
                var answer = cached
                if gzip && answer.gzip == nil, let compressed = ContentCoding.gzip(answer.identity) {
                    answer = AnswerCache.Answer(identity: answer.identity, gzip: compressed)
                    snapshot.answers.store(answer, for: key)
                }
                return answerResponse(answer, gzip: gzip, cache: "hit", language: language)
            }
            let body = try decode(AlternativesBody.self, bytes)
            if let top = body.top, top < 1 {
                throw APIError(.badRequest, "top: must be at least 1, got \(top)", path: "top")
            }
            if let budget = body.inquiryBudget, !Bounds.inquiryBudget.contains(budget) {
                throw APIError(
                    .badRequest,
                    "inquiryBudget: must be \(Bounds.text(Bounds.inquiryBudget)), got \(budget)",
                    path: "inquiryBudget"
                )
            }
            var aggregator = snapshot.aggregator
            if body.top != nil || body.exactTerm != nil || body.inquiryBudget != nil {
                var policy = aggregator.policy
                policy.top = body.top ?? policy.top
                policy.exactTerm = body.exactTerm ?? policy.exactTerm
                policy.hardInquiryBudget = body.inquiryBudget ?? policy.hardInquiryBudget
                aggregator = Aggregator(
                    providers: aggregator.providers,
                    caps: aggregator.caps,
                    policy: policy,
                    catalog: aggregator.catalog
                )
            }
            let day = body.date ?? key.day
            do {
                _ = try Bounds.check(day)
            } catch {
                throw APIError(.badRequest, "date: \(error)", path: "date")
            }
            try checkConsistent(body.profile, on: day)
            let answer = await aggregator.recommend(body.profile, body.request, on: day)
            let encoded = ByteBuffer(
                bytes: try WireJSON.encode(
                    RecommendationDocument(answer, language: language),
                    layout: settings.jsonLayout
                )
            )
            let computed = AnswerCache.Answer(identity: encoded, gzip: gzip ? ContentCoding.gzip(encoded) : nil)
            snapshot.answers.store(computed, for: key)
            metrics.recordAnswer(cached: false)
            return answerResponse(computed, gzip: gzip, cache: "miss", language: language)
        }
        router.post("/v1/diagnose") { request, _ in
            let language = try answerLanguage(request)
            let body = try await decode(DiagnoseBody.self, request)
            let day = body.date ?? CalendarDate.utcToday
            do {
                _ = try Bounds.check(day)
            } catch {
                throw APIError(.badRequest, "date: \(error)", path: "date")
            }
            try checkConsistent(body.profile, on: day)
            let profile = body.profile.resolved(on: day)
            let aggregator = Aggregator(providers: BuiltInProviders.all())
            let diagnosis = aggregator.diagnose(profile)
            let plan = aggregator.recovery(profile, diagnosis: diagnosis, on: day)
            var response = try json(
                DiagnosisDocument(profile: profile, diagnosis: diagnosis, recovery: plan, language: language)
            )
            response.headers[.contentLanguage] = language.tag
            response.headers[.vary] = "Accept-Language"
            return response
        }
        router.post("/v1/quote") { request, _ in
            let body = try await decode(QuoteBody.self, request)
            do {
                let language = try answerLanguage(request)
                let licence = try licence(request.uri.queryParameters.get("licence"))
                let quote = try CostEngine.quote(try body.terms(today: CalendarDate.utcToday))
                // Judged on the disbursement date with the solver's exact rate, against the caps being served.
                let verdict = (store.snapshot?.catalog.caps ?? .none).verdict(
                    aprPercent: quote.apr.nominal(scale: 10),
                    licence: licence,
                    on: quote.terms.startDate
                )
                let (late, early) = try body.stressTerms()
                let stress = CostEngine.stress(of: quote, late: late, early: early)
                var response = try json(
                    QuoteDocument(quote, language: language, legality: verdict, stress: (stress, late != nil))
                )
                response.headers[.contentLanguage] = language.tag
                return response
            } catch let error as CostError {
                throw APIError(.badRequest, error.description, path: error.field)
            }
        }
        router.post("/v1/apr") { request, _ in
            let body = try await decode(APRRequestDocument.self, request)
            let language = try answerLanguage(request)
            let licence = try licence(request.uri.queryParameters.get("licence"))
            let day = try date(request.uri.queryParameters.get("date"))
            do {
                let apr = try APRCalculator(convention: body.convention, unitPeriodsPerYear: body.unitPeriodsPerYear)
                    .apr(of: body.flows)
                let result = APRResultDocument(
                    convention: body.convention,
                    unitPeriodsPerYear: body.unitPeriodsPerYear,
                    apr: apr
                )
                let verdict = (store.snapshot?.catalog.caps ?? .none).verdict(
                    aprPercent: result.nominalAPR,
                    licence: licence,
                    on: day
                )
                var response = try json(APRDocument(result, legality: verdict, language: language))
                response.headers[.contentLanguage] = language.tag
                return response
            } catch let error as APRError {
                throw APIError(.unprocessableContent, error.description, path: "flows")
            }
        }
        router.post("/v1/admin/reload") { request, _ in try await reload(request) }
    }

    /// An alternatives answer, gzip-compressed when the client accepts it and a compressed form exists.
    func answerResponse(_ answer: AnswerCache.Answer, gzip: Bool, cache: String, language: Language) -> Response {
        var headers: HTTPFields = [
            .answerCache: cache, .vary: "Accept-Encoding, Accept-Language", .contentLanguage: language.tag,
        ]
        if gzip, let compressed = answer.gzip {
            headers[.contentEncoding] = "gzip"
            return jsonResponse(compressed, extra: headers)
        }
        return jsonResponse(answer.identity, extra: headers)
    }

    /// JSON response in the configured layout.
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try BackstopServer.json(value, status: status, layout: settings.jsonLayout)
    }

    /// The language of an answer: `?lang=` wins (an unsupported value is a 400 naming the supported ones), then
    /// `Accept-Language` with its q-values; English when neither names a supported language (the answer's
    /// `Content-Language` says which was used).
    func answerLanguage(_ request: Request) throws -> Language {
        if let value = request.uri.queryParameters.get("lang") {
            guard let language = Language(tag: value) else {
                throw APIError(
                    .badRequest,
                    "lang: must be one of \(Language.supportedValues), got \"\(value.prefix(40))\"",
                    path: "lang"
                )
            }
            return language
        }
        return request.headers[.acceptLanguage].flatMap(Language.negotiate(acceptLanguage:)) ?? .en
    }

    func serving() throws -> CatalogStore.Snapshot {
        guard let snapshot = store.snapshot else { throw APIError(.serviceUnavailable, "no catalog is loaded yet") }
        return snapshot
    }

    func builtIn(_ id: String) -> ProviderDescription? {
        BuiltInProviders.all().first { $0.id.rawValue == id }?.details
    }

    func readiness() throws -> Response {
        guard let snapshot = store.snapshot else {
            return try json(["status": "not ready", "reason": "no catalog is loaded yet"], status: .serviceUnavailable)
        }
        return try json(ReadyBody(snapshot))
    }

    func reload(_ request: Request) async throws -> Response {
        guard let token = settings.adminToken else {
            throw APIError(.notFound, "the admin endpoint is off: set BACKSTOP_ADMIN_TOKEN to enable it")
        }
        guard token.matches(authorization: request.headers[.authorization]) else {
            throw APIError(.unauthorized, "a valid bearer token is required")
        }
        switch await store.reload() {
        case .loaded(let snapshot):
            metrics.recordLoaded(snapshot)
            logger.notice(
                "catalog reloaded",
                metadata: [
                    "catalog.hash": "\(snapshot.catalog.hash)", "catalog.providers": "\(snapshot.catalog.count)",
                ]
            )
            return try json(ReloadBody(status: "reloaded", catalog: CatalogBody(snapshot), errors: []))
        case .refused(let error, let keeping):
            metrics.recordLoadError()
            Bounded.logRefusal(error, logger: logger)
            let (listed, omitted) = Bounded.issues(error)
            return try json(
                ReloadBody(
                    status: "refused",
                    catalog: keeping.map(CatalogBody.init),
                    errors: listed,
                    errorCount: error.issues.count,
                    omittedErrors: omitted
                ),
                status: .unprocessableContent
            )
        }
    }

    /// Reads and decodes a JSON body: 415 for another content type, 413 beyond the size limit, 400 naming the path.
    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try decode(type, try await readBody(request))
    }

    /// Reads a JSON body: 415 for another content type, 413 beyond the size limit, 400 for a malformed body (a bad
    /// chunk size, a body cut short).
    func readBody(_ request: Request) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "send application/json, not \(contentType)")
        }
        var request = request
        do {
            return try await request.collectBody(upTo: settings.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is over the \(settings.maxBodyBytes)-byte limit")
        } catch let error as HTTPParserError {
            throw APIError(.badRequest, "the body is not valid HTTP/1.1 framing: \(error)")
        }
    }

    /// Decodes a JSON body: 400 naming the path and the rule.
    func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        do {
            return try JSONInput.decode(type, from: Data(buffer.readableBytesView), source: "body")
        } catch {
            let message =
                error.line != nil
                ? error.message + " (line \(error.line ?? 0), column \(error.column ?? 0))"
                : "\(error.path): \(error.message)"
            throw APIError(.badRequest, message, path: error.path)
        }
    }

    /// `?licence=KIND`: nil when absent; an unknown kind is a 400 naming the kinds.
    func licence(_ text: String?) throws -> LicenceKind? {
        guard let text else { return nil }
        guard let kind = LicenceKind(rawValue: text) else {
            throw APIError(
                .badRequest,
                "licence: must be one of \(LicenceKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(40))\"",
                path: "licence"
            )
        }
        return kind
    }

    func date(_ text: String?) throws -> CalendarDate {
        guard let text else { return CalendarDate.utcToday }
        do { return try Bounds.date(text) } catch { throw APIError(.badRequest, "date: \(error)", path: "date") }
    }
}

/// JSON response with the wire format's encoder; an error body (status 400 and up) is made ``markupFree(_:)``.
func json(
    _ value: some Encodable,
    status: HTTPResponse.Status = .ok,
    layout: WireJSON.Layout = .compact
) throws -> Response {
    let encoded = try WireJSON.encode(value, layout: layout)
    return jsonResponse(status.code >= 400 ? markupFree(encoded) : ByteBuffer(bytes: encoded), status: status)
}

/// A response carrying already encoded JSON.
func jsonResponse(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
    var headers = extra
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: body))
}

extension HTTPField.Name {
    /// `hit` when an answer came from the snapshot's ``AnswerCache``, `miss` when it was computed.
    static let answerCache = HTTPField.Name("Backstop-Answer-Cache")!
}

struct CatalogBody: Encodable {
    let hash: String
    let providers: Int
    let loadedAt: String

    init(_ snapshot: CatalogStore.Snapshot) {
        hash = snapshot.catalog.hash
        providers = snapshot.catalog.count
        loadedAt = ISO8601DateFormatter().string(from: snapshot.loadedAt)
    }
}

struct ReadyBody: Encodable {
    let status = "ready"
    let catalog: CatalogBody
    /// Legal caps in the serving catalog; 0 is said loudly in `warnings` (every answer also warns `no-legal-caps`).
    let legalCaps: Int
    let warnings: [String]

    init(_ snapshot: CatalogStore.Snapshot) {
        catalog = CatalogBody(snapshot)
        legalCaps = snapshot.catalog.legalCapCount
        warnings =
            legalCaps == 0
            ? ["no legal caps are loaded (caps/legal-caps.json): offers are not checked against the legal limits"] : []
    }
}

struct ReloadBody: Encodable {
    let status: String
    let catalog: CatalogBody?
    /// At most ``Bounded/listedIssues`` issues, each cut to ``Bounded/messageCharacters`` characters.
    let errors: [String]
    /// Every issue of a refused catalog, listed or not (absent when reloaded).
    var errorCount: Int? = nil
    /// Issues not listed in `errors` (absent when reloaded).
    var omittedErrors: Int? = nil
}

extension CalendarDate {
    /// Today in UTC.
    static var utcToday: CalendarDate { todayUTC() }
}
