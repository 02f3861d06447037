/// SHA-256 (FIPS 180-4, §6.2) of bytes fed in pieces: the fingerprints Backstop writes — the catalog hash of every
/// answer and the input digest of a sharded batch. Not used to keep secrets or to check signatures.
///
/// Backstop used swift-crypto's `SHA256` for these until building it (the whole of BoringSSL, about 60% of the CPU
/// time of a fresh build of `backstop`) kept the README's main command from answering within 2 minutes of a fresh
/// clone (issue 16, Benchmarks/README.md "Fresh clone, first answer"). Tests check it against the FIPS 180-2
/// appendix examples, NIST's long-message vector and Python's `hashlib` over lengths around every block boundary,
/// fed in one piece and in random pieces.
package struct SHA256Hasher: Sendable {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// H0…H7.
    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    /// Bytes of an incomplete block (fewer than 64).
    private var pending: [UInt8] = []
    /// Bytes fed so far.
    private var length: UInt64 = 0

    package init() { pending.reserveCapacity(64) }

    /// The digest of `bytes`, in one call.
    package static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Feeds more bytes.
    package mutating func update(_ bytes: some Collection<UInt8>) {
        length &+= UInt64(bytes.count)
        var rest = bytes[...]
        if !pending.isEmpty {
            let taken = rest.prefix(64 - pending.count)
            pending += taken
            rest = rest[taken.endIndex...]
            guard pending.count == 64 else { return }
            Self.compress(&state, pending[...])
            pending.removeAll(keepingCapacity: true)
        }
        // Whole blocks straight from the input; contiguous inputs (arrays, Data) without a copy.
        let consumed: Int? = rest.withContiguousStorageIfAvailable { buffer in
            let whole = buffer.count / 64 * 64
            var offset = 0
            while offset < whole {
                Self.compress(&state, UnsafeBufferPointer(rebasing: buffer[offset..<offset + 64]))
                offset += 64
            }
            return whole
        }
        if let consumed {
            rest = rest.dropFirst(consumed)
        } else {
            while rest.count >= 64 {
                let block = Array(rest.prefix(64))
                Self.compress(&state, block[...])
                rest = rest.dropFirst(64)
            }
        }
        pending += rest
    }

    /// The digest (32 bytes) of everything fed; the hasher itself is left as it was.
    package func finalize() -> [UInt8] {
        var copy = self
        let bits = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        var offset = 0
        while offset < tail.count {
            Self.compress(&copy.state, tail[offset..<offset + 64])
            offset += 64
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in copy.state {
            digest += [
                UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                UInt8(truncatingIfNeeded: word),
            ]
        }
        return digest
    }

    /// One 64-byte block into the state (FIPS 180-4 §6.2.2).
    private static func compress<Block: Collection<UInt8>>(_ state: inout [UInt32], _ block: Block)
    where Block.Index == Int {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            var index = block.startIndex
            for t in 0..<16 {
                w[t] =
                    UInt32(block[index]) << 24 | UInt32(block[index + 1]) << 16 | UInt32(block[index + 2]) << 8
                    | UInt32(block[index + 3])
                index += 4
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = state[0]
            var b = state[1]
            var c = state[2]
            var d = state[3]
            var e = state[4]
            var f = state[5]
            var g = state[6]
            var h = state[7]
            for t in 0..<64 {
                let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let choose = (e & f) ^ (~e & g)
                let temp1 = h &+ sum1 &+ choose &+ roundConstants[t] &+ w[t]
                let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let temp2 = sum0 &+ majority
                h = g
                g = f
                f = e
                e = d &+ temp1
                d = c
                c = b
                b = a
                a = temp1 &+ temp2
            }
            state[0] &+= a
            state[1] &+= b
            state[2] &+= c
            state[3] &+= d
            state[4] &+= e
            state[5] &+= f
            state[6] &+= g
            state[7] &+= h
        }
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

extension Collection<UInt8> {
    /// Lowercase hexadecimal, two digits a byte.
    package var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
