// The embedder's surface: what `import Backstop` brings. It is chosen, as Hummingbird's Exports.swift chooses, not
// three whole modules passed through:
//
// - BackstopCore, whole: the domain every answer is made of (profile and request, money, rates and dates, the
//   aggregator and its results, `CreditProvider` and the description, rules and cost engine a plugin reuses, legal
//   caps, errors). Its types are the aggregator's own API, and a scoped import cannot carry it: Swift finds a type's
//   own operators only through a whole-module import (`Money + Money` does not compile through
//   `import struct BackstopCore.Money`). It also holds `WireJSON` and `JSONInput`, which read and write the v1
//   documents.
// - BackstopPresentation, whole: `Renderer` and `Language` (the core answers with typed facts; an embedder renders
//   them in zh-Hans or English) and the wire documents that carry the words (`RecommendationDocument`, …).
// - From BackstopCatalog, loading only: `CatalogLoader`, the `Catalog` snapshot it returns, its errors and limits.
//   Catalog maintenance (`CatalogLinter`, `CatalogDiff`, `ProviderSchema`, `FileCheck`) is what `backstop providers
//   lint|diff|validate` run; a tool that wants it imports BackstopCatalog (a product of its own).
// - From BackstopProviders, the built-in Huabei and Jiebei adapters, for a line-up of one's own
//   (`BuiltInProviders.all()`); their closure thresholds and rule machinery stay in BackstopProviders.
// - `Aggregator.standard`, below: the standard line-up in one call.
//
// Sources/Backstop/Backstop.docc/Backstop.md ("What the import brings") documents the same choice, and
// Tests/BackstopTests/UmbrellaSurfaceTests.swift names what an embedder needs (every scoped symbol below, the core
// types of a request and its answer, Money's operators) through `import Backstop` alone, so a symbol dropped by
// mistake fails the build. Add a scoped symbol here only when an embedder must name it.
@_exported public import BackstopCore
// The words: every fact rendered in Simplified Chinese or English, and the wire documents that carry them.
@_exported public import BackstopPresentation

// Loading a catalog, and its errors.
@_exported public import struct BackstopCatalog.Catalog
@_exported public import struct BackstopCatalog.CatalogError
@_exported public import struct BackstopCatalog.CatalogIssue
@_exported public import struct BackstopCatalog.CatalogLoader
@_exported public import struct BackstopCatalog.XMLLimits
// The built-in adapters.
@_exported public import enum BackstopProviders.BuiltInProviders
@_exported public import struct BackstopProviders.HuabeiProvider
@_exported public import struct BackstopProviders.JiebeiProvider

extension Aggregator {
    /// The standard line-up: the built-in Huabei and Jiebei adapters, every provider of a catalog snapshot, and any
    /// plugins of the caller's own, compared under the catalog's legal caps.
    ///
    /// ```swift
    /// import Backstop
    ///
    /// let catalog = try CatalogLoader().load(directory: "providers")
    /// let aggregator = Aggregator.standard(catalog: catalog)
    /// let answer = await aggregator.recommend(profile, request, on: CalendarDate(iso: "2026-11-25")!)
    /// ```
    /// - Parameters:
    ///   - catalog: a loaded catalog snapshot.
    ///   - plugins: extra providers (anything conforming to ``CreditProvider``).
    ///   - policy: high-cost level, debt-service share, how many alternatives to keep.
    public static func standard(
        catalog: Catalog,
        plugins: [any CreditProvider] = [],
        policy: AggregatorPolicy = AggregatorPolicy()
    ) -> Aggregator {
        let described: [any CreditProvider] = catalog.providers.map { DescribedProvider($0) }
        return Aggregator(
            providers: BuiltInProviders.all() + described + plugins,
            caps: catalog.caps,
            policy: policy,
            catalog: CatalogInfo(hash: catalog.hash, providers: catalog.count)
        )
    }

    /// Loads a catalog directory and builds the standard line-up (see ``standard(catalog:plugins:policy:)``).
    /// - Throws: ``CatalogError`` listing every issue when the catalog is invalid.
    public static func standard(
        catalogDirectory: String,
        plugins: [any CreditProvider] = [],
        policy: AggregatorPolicy = AggregatorPolicy()
    ) throws(CatalogError) -> Aggregator {
        standard(catalog: try CatalogLoader().load(directory: catalogDirectory), plugins: plugins, policy: policy)
    }
}
