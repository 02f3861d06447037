import Foundation

/// Foundation's decoder refuses a number that its field's type cannot hold (12.5 or 1e30 for an `Int`, 1e999 for a
/// `Decimal`) with "The given data was not valid JSON." and no coding path. ``TrackingDecoder`` decodes through
/// Foundation's decoder and puts the path back: each number read is read through it, and a refusal without a path
/// becomes a `DecodingError.dataCorrupted` at the field's own path, carrying this marker as its underlying error.
/// ``JSONInput`` then finds the number's text and place in the document, once, for the error it reports.
struct UnreadableNumber: Error {
    enum Expected {
        /// A whole number within these bounds.
        case wholeNumber(min: String, max: String)
        /// A number a `Decimal` (or a `Double`) holds.
        case number
    }

    let expected: Expected
}

/// Decodes `T` through ``TrackingDecoder``: the type given to `JSONDecoder` when a first, plain decode was refused
/// without a path.
struct Tracked<T: Decodable>: Decodable {
    let value: T

    init(from decoder: any Decoder) throws {
        value = try TrackingDecoder.decode(T.self, from: decoder)
    }
}

/// A decoder that forwards everything to Foundation's JSON decoder and names the field of a number it refuses.
struct TrackingDecoder: Decoder {
    let base: any Decoder

    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(TrackingKeyedContainer(base: try base.container(keyedBy: type)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        TrackingUnkeyedContainer(base: try base.unkeyedContainer())
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TrackingSingleValueContainer(base: try base.singleValueContainer(), decoder: base)
    }

    /// Types Foundation's JSON decoder reads itself rather than through their `init(from:)`: they are decoded by the
    /// wrapped container, never through a tracking decoder.
    static func isReadByFoundation(_ type: Any.Type) -> Bool {
        type == Decimal.self || type == Date.self || type == Data.self || type == URL.self
    }

    /// Decodes a value of any type from `decoder`, tracking its numbers.
    static func decode<T: Decodable>(_ type: T.Type, from decoder: any Decoder) throws -> T {
        if isReadByFoundation(type) { return try decoder.singleValueContainer().decode(type) }
        return try T(from: TrackingDecoder(base: decoder))
    }

    /// Runs a number's decode; a refusal without the path becomes one at `path`, marked as ``UnreadableNumber``.
    static func number<T>(
        _ type: T.Type,
        at path: @autoclosure () -> [any CodingKey],
        _ read: () throws -> T
    ) throws -> T {
        do {
            return try read()
        } catch let error as DecodingError {
            guard case .dataCorrupted(let context) = error, context.codingPath.count < path().count else { throw error }
            throw unreadable(type, at: path())
        } catch {
            // Not a DecodingError: Foundation's own, which its `decode` turns into "not valid JSON" without a path.
            throw unreadable(type, at: path())
        }
    }

    private static func unreadable<T>(_ type: T.Type, at path: [any CodingKey]) -> DecodingError {
        let expected: UnreadableNumber.Expected
        if let integer = type as? any FixedWidthInteger.Type {
            expected = .wholeNumber(min: "\(integer.minimumValue)", max: "\(integer.maximumValue)")
        } else {
            expected = .number
        }
        return DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: path,
                debugDescription: "the number cannot be read as \(type)",
                underlyingError: UnreadableNumber(expected: expected)
            )
        )
    }
}

extension FixedWidthInteger {
    fileprivate static var minimumValue: Self { .min }
    fileprivate static var maximumValue: Self { .max }
}

private struct TrackingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let base: KeyedDecodingContainer<Key>

    var codingPath: [any CodingKey] { base.codingPath }
    var allKeys: [Key] { base.allKeys }

    func contains(_ key: Key) -> Bool { base.contains(key) }
    func decodeNil(forKey key: Key) throws -> Bool { try base.decodeNil(forKey: key) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try base.decode(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try base.decode(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try number(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try number(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try number(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try number(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try number(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try number(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try number(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try number(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try number(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try number(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try number(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try number(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if TrackingDecoder.isReadByFoundation(type) { return try number(type, key) }
        // A missing key is refused by the wrapped container, with its own error (keyNotFound).
        guard base.contains(key) else { return try base.decode(type, forKey: key) }
        return try T(from: TrackingDecoder(base: try base.superDecoder(forKey: key)))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(
            TrackingKeyedContainer<NestedKey>(base: try base.nestedContainer(keyedBy: type, forKey: key))
        )
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        TrackingUnkeyedContainer(base: try base.nestedUnkeyedContainer(forKey: key))
    }

    func superDecoder() throws -> any Decoder { TrackingDecoder(base: try base.superDecoder()) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        TrackingDecoder(base: try base.superDecoder(forKey: key))
    }

    private func number<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try TrackingDecoder.number(type, at: codingPath + [key]) { try base.decode(type, forKey: key) }
    }
}

private struct TrackingUnkeyedContainer: UnkeyedDecodingContainer {
    var base: any UnkeyedDecodingContainer

    var codingPath: [any CodingKey] { base.codingPath }
    var count: Int? { base.count }
    var isAtEnd: Bool { base.isAtEnd }
    var currentIndex: Int { base.currentIndex }

    mutating func decodeNil() throws -> Bool { try base.decodeNil() }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try base.decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try base.decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try number(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try number(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try number(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try number(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try number(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try number(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try number(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try number(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try number(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try number(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try number(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try number(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if TrackingDecoder.isReadByFoundation(type) { return try number(type) }
        // At the end, the wrapped container refuses with its own error (valueNotFound).
        guard !base.isAtEnd else { return try base.decode(type) }
        return try T(from: TrackingDecoder(base: try base.superDecoder()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(TrackingKeyedContainer<NestedKey>(base: try base.nestedContainer(keyedBy: type)))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        TrackingUnkeyedContainer(base: try base.nestedUnkeyedContainer())
    }

    mutating func superDecoder() throws -> any Decoder { TrackingDecoder(base: try base.superDecoder()) }

    private mutating func number<T: Decodable>(_ type: T.Type) throws -> T {
        let path = codingPath + [JSONIndexKey(currentIndex)]
        return try TrackingDecoder.number(type, at: path) { try base.decode(type) }
    }
}

private struct TrackingSingleValueContainer: SingleValueDecodingContainer {
    let base: any SingleValueDecodingContainer
    /// The decoder the container came from: a value with its own `init(from:)` is decoded from it, as Foundation's
    /// decoder does.
    let decoder: any Decoder

    var codingPath: [any CodingKey] { base.codingPath }

    func decodeNil() -> Bool { base.decodeNil() }
    func decode(_ type: Bool.Type) throws -> Bool { try base.decode(type) }
    func decode(_ type: String.Type) throws -> String { try base.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try number(type) }
    func decode(_ type: Float.Type) throws -> Float { try number(type) }
    func decode(_ type: Int.Type) throws -> Int { try number(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try number(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try number(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try number(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try number(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try number(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try number(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try number(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try number(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try number(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if TrackingDecoder.isReadByFoundation(type) { return try number(type) }
        return try T(from: TrackingDecoder(base: decoder))
    }

    private func number<T: Decodable>(_ type: T.Type) throws -> T {
        // The path of a single value is its container's; an error at a shorter path lost it.
        try TrackingDecoder.number(type, at: codingPath) { try base.decode(type) }
    }
}

/// An array index in a coding path.
struct JSONIndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String

    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }

    init?(intValue: Int) { self.init(intValue) }
    init?(stringValue: String) { nil }
}
