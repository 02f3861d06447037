@_exported public import BackstopCatalog
@_exported public import BackstopCore
@_exported public import BackstopPresentation
@_exported public import BackstopProviders

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
