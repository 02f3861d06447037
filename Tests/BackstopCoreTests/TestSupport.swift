import Foundation
import Testing

/// A seeded generator so property tests are reproducible (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The published vectors copied from shared/data (public data, sources inside).
enum Vectors {
    static func load() throws -> [[String: Any]] {
        let url = try #require(
            Bundle.module.url(forResource: "apr-vectors", withExtension: "json", subdirectory: "Fixtures")
        )
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    static func vector(_ id: String) throws -> [String: Any] {
        try #require(try load().first { $0["id"] as? String == id }, "vector \(id) missing")
    }
}

/// Test-only: decimal from the JSON's number via its shortest text form (the vectors have ≤ 2 decimals).
func dec(_ value: Any?) -> Decimal {
    switch value {
    case let number as NSNumber: Decimal(string: "\(number)")!
    case let text as String: Decimal(string: text)!
    default: 0
    }
}
