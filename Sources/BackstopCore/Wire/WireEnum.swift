import Foundation

/// A closed set of wire-format strings. Decoding an unknown value is an error that lists the allowed ones:
/// `identity: must be one of verified, unverified, …, got "ok"`.
public protocol WireEnum: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "must be one of \(Self.allValues), got \"\(text)\""
            )
        }
        self = value
    }

    /// `a, b, c`.
    public static var allValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension APRConvention: WireEnum {}
extension ServiceState: WireEnum {}
extension IdentityStatus: WireEnum {}
extension LoanPurpose: WireEnum {}
extension RankingPreference: WireEnum {}
extension RepaymentMethod: WireEnum {}
extension DayCount: WireEnum {}
