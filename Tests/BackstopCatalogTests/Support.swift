import BackstopCatalog
import Foundation
import Testing

/// Paths of the repository (the shipped catalog and schema) and of this target's fixtures.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let providers = repository.appendingPathComponent("providers").path
    static let schema = repository.appendingPathComponent("providers/schema/provider-1.xsd").path

    static func fixture(_ relative: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent(relative).path
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the shipped catalog (providers, schema and caps) in a temporary directory.
    static func copyOfShippedCatalog() throws -> URL {
        let directory = try temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: providers)
        where name.hasSuffix(".xml") || name == "schema" || name == "caps" {
            try FileManager.default.copyItem(
                atPath: providers + "/" + name,
                toPath: directory.appendingPathComponent(name).path
            )
        }
        return directory
    }
}

extension ProviderSchema {
    static func shipped() throws -> ProviderSchema { try ProviderSchema(contentsOf: Paths.schema) }
}
