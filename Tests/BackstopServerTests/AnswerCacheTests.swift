import Backstop
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BackstopServer

/// The answer cache: byte-identical answers, one cache per catalog snapshot, the byte budget.
struct AnswerCacheTests {
    static let profile = RouteTests.profile

    func request(id: String = "u-late") -> ByteBuffer {
        let profile = Self.profile.replacingOccurrences(of: #""id": "u-1001""#, with: #""id": "\#(id)""#)
        return ByteBuffer(
            string:
                #"{"profile": \#(profile), "request": {"amount": 5000, "termMonths": 12, "purpose": "cash"}, "date": "2026-11-25"}"#
        )
    }

    /// POSTs `body` and returns the cache header, the status and the body.
    func post(
        _ client: some TestClientProtocol,
        _ body: ByteBuffer,
        acceptEncoding: String? = nil
    ) async throws -> (cache: String?, status: HTTPResponse.Status, body: ByteBuffer, encoding: String?) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let acceptEncoding { headers[.acceptEncoding] = acceptEncoding }
        return try await client.execute(uri: "/v1/alternatives", method: .post, headers: headers, body: body) {
            response in
            (
                response.headers[HTTPField.Name("Backstop-Answer-Cache")!], response.status, response.body,
                response.headers[.contentEncoding]
            )
        }
    }

    @Test func gzipWhenAskedForTheSameAnswer() async throws {
        let service = try await BackstopService(
            settings: ServerSettings(catalogDirectory: RouteTests.catalog),
            logger: Logger(label: "test")
        )
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            let plain = try await post(client, request())
            #expect(plain.encoding == nil)
            // The first gzip client of a cached answer compresses it once; the next gets the stored form.
            for expected in ["hit", "hit"] {
                let zipped = try await post(client, request(), acceptEncoding: "deflate, gzip;q=0.8")
                #expect(zipped.cache == expected)
                #expect(zipped.encoding == "gzip")
                #expect(zipped.body.readableBytes * 4 < plain.body.readableBytes)
                var compressed = zipped.body
                #expect(try compressed.decompress(with: .gzip()) == plain.body)
            }
            // A miss for a gzip client is computed, compressed and the same document.
            let fresh = try await post(client, request(id: "gz"), acceptEncoding: "gzip")
            #expect(fresh.cache == "miss" && fresh.encoding == "gzip")
            var compressed = fresh.body
            #expect(String(buffer: try compressed.decompress(with: .gzip())).contains(#""gz""#))
            #expect(try await post(client, request(), acceptEncoding: "gzip;q=0, *").encoding == nil)
        }
    }

    @Test(
        arguments: [
            (nil, false), ("gzip", true), ("GZip", true), ("x-gzip", true), ("deflate, gzip;q=0.5", true),
            ("gzip;q=0", false), ("gzip; q=0.0", false), ("*", true), ("*;q=0", false), ("br, *;q=0.1", true),
            ("gzip;q=0, *", false), ("identity", false), ("", false), ("br", false),
        ] as [(String?, Bool)]
    )
    func acceptEncodingFollowsTheQValues(header: String?, accepted: Bool) {
        #expect(ContentCoding.acceptsGzip(header) == accepted)
    }

    @Test func aRepeatedBodyIsAnsweredFromTheCacheByteForByte() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-cache-\(UUID())")
        try FileManager.default.copyItem(atPath: RouteTests.catalog, toPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await BackstopService(
            settings: ServerSettings(catalogDirectory: directory.path, adminToken: AdminToken("t")),
            logger: Logger(label: "test")
        )
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            let first = try await post(client, request())
            let second = try await post(client, request())
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.cache == "miss")
            #expect(second.cache == "hit")
            #expect(first.body == second.body)
            // Another body (here only the profile id differs) is computed afresh.
            let other = try await post(client, request(id: "someone-else"))
            #expect(other.cache == "miss")
            #expect(String(buffer: other.body).contains("someone-else"))
            // A bad body is never cached: the same error twice.
            let bad = ByteBuffer(string: #"{"profile": {"id": "x"}, "request": {"amount": -1, "termMonths": 12}}"#)
            #expect(try await post(client, bad).status == .badRequest)
            #expect(try await post(client, bad).status == .badRequest)

            // A reload starts an empty cache: the next answer is computed from, and names, the new catalog.
            let before = try #require(service.routes.store.snapshot?.catalog.hash)
            try FileManager.default.removeItem(at: directory.appendingPathComponent("ccb-kuaidai.xml"))
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer t"]) {
                #expect($0.status == .ok)
            }
            let after = try await post(client, request())
            #expect(after.cache == "miss")
            let text = String(buffer: after.body)
            #expect(!text.contains(before))
            #expect(text.contains(try #require(service.routes.store.snapshot?.catalog.hash)))
            #expect(!text.contains("ccb-kuaidai"))
            #expect(try await post(client, request()).cache == "hit")

            try await client.execute(uri: "/metrics", method: .get) { response in
                let metrics = String(buffer: response.body)
                #expect(metrics.contains("backstop_answer_cache_hits_total 2"))
                #expect(metrics.contains("backstop_answer_cache_misses_total 3"))
                #expect(metrics.contains("backstop_answer_cache_entries_count 1"))
            }
        }
    }

    @Test func aZeroBudgetTurnsTheCacheOff() async throws {
        let service = try await BackstopService(
            settings: ServerSettings(catalogDirectory: RouteTests.catalog, answerCacheBytes: 0),
            logger: Logger(label: "test")
        )
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            let first = try await post(client, request())
            let second = try await post(client, request())
            #expect(first.cache == "miss" && second.cache == "miss")
            #expect(first.body == second.body)
        }
    }

    @Test func theBudgetHoldsAndTheLeastRecentlyUsedGoFirst() {
        let cache = AnswerCache(capacityBytes: 10_000)
        func key(_ n: Int) -> AnswerCache.Key {
            AnswerCache.Key(route: "r", day: CalendarDate(year: 2026, month: 11, day: 25)!, body: Array("\(n)".utf8))
        }
        let answer = AnswerCache.Answer(identity: ByteBuffer(repeating: 0x20, count: 900))
        for n in 0..<8 { cache.store(answer, for: key(n)) }
        #expect(cache.statistics.entries == 8)
        // Touch 0 so that it is the most recently used, then overflow the budget.
        #expect(cache.answer(for: key(0))?.identity == answer.identity)
        for n in 8..<40 {
            cache.store(answer, for: key(n))
            #expect(cache.statistics.bytes <= 10_000)
        }
        #expect(cache.answer(for: key(1)) == nil)
        #expect(cache.answer(for: key(39))?.identity == answer.identity)
        #expect(cache.statistics.evictions > 0)
        // An answer over a quarter of the budget is not stored at all.
        cache.store(AnswerCache.Answer(identity: ByteBuffer(repeating: 0x20, count: 3_000)), for: key(99))
        #expect(cache.answer(for: key(99)) == nil)
        #expect(AnswerCache(capacityBytes: 0).answer(for: key(0)) == nil)
    }
}
