import BackstopCatalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile documents are refused with a clear error, quickly, without touching a file or a socket.
struct HostileXMLTests {
    /// Checks a document and returns its issues, failing the test if it took longer than `seconds`.
    func refuse(_ data: Data, name: String, seconds: Double = 2) throws -> [CatalogIssue] {
        let clock = ContinuousClock()
        let start = clock.now
        let check = CatalogLoader().check(data: data, file: name, schema: try .shipped())
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(seconds), "\(name) took \(elapsed)")
        #expect(check.provider == nil, "\(name) was accepted")
        #expect(!check.issues.isEmpty)
        return check.issues
    }

    @Test(arguments: ["billion-laughs.xml", "parameter-entities.xml"] as [String])
    func entityAttacksStopAtTheDoctype(fixture: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Paths.fixture("hostile/" + fixture)))
        let issues = try refuse(data, name: fixture)
        #expect(issues[0].rule == .security)
        #expect(issues[0].message.contains("DOCTYPE declarations are not allowed"))
        #expect(issues[0].line == 2)
    }

    @Test func quadraticBlowupIsRefused() throws {
        let entity = String(repeating: "x", count: 50_000)
        let references = String(repeating: "&a;", count: 50_000)
        let xml =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"\(entity)\">]>\n<provider>\(references)</provider>"
        let issues = try refuse(Data(xml.utf8), name: "quadratic.xml")
        #expect(issues[0].rule == .security)
    }

    @Test func externalEntityToALocalFileIsNeverOpened() throws {
        // A FIFO: opening it for reading would block the parser, so finishing in time proves it was not opened,
        // and a non-blocking open for writing fails with ENXIO when no reader holds it.
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("secret").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE provider [<!ENTITY xxe SYSTEM "file://\(fifo)">]>
            <provider xmlns="urn:backstop:provider:1">&xxe;</provider>
            """
        let issues = try refuse(Data(xml.utf8), name: "xxe.xml")
        #expect(issues[0].rule == .security)
        let writer = open(fifo, O_WRONLY | O_NONBLOCK)
        #expect(writer == -1 && errno == ENXIO, "something opened the FIFO")
        if writer >= 0 { close(writer) }
    }

    @Test func externalDTDAndEntitiesOverHTTPNeverConnect() throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let url = "http://127.0.0.1:\(listener.port)/evil.dtd"
        let documents = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE provider SYSTEM \"\(url)\">\n<provider xmlns=\"urn:backstop:provider:1\"/>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY % pe SYSTEM \"\(url)\"> %pe;]>\n<provider/>",
            "<?xml version=\"1.0\"?>\n<provider xmlns=\"urn:backstop:provider:1\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(url)\"/></provider>",
            "<?xml version=\"1.0\"?>\n<provider xmlns=\"urn:backstop:provider:1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:backstop:provider:1 \(url)\"/>",
        ]
        for (index, xml) in documents.enumerated() {
            let issues = try refuse(Data(xml.utf8), name: "remote-\(index).xml")
            #expect([.security, .schema].contains(issues[0].rule), "\(issues)")
        }
        #expect(listener.connectionAttempts() == 0, "the loader connected to \(url)")
    }

    @Test func tenThousandDeepNestingIsRefusedWithoutRecursion() throws {
        let depth = 10_000
        let xml =
            "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth)
        let issues = try refuse(Data(xml.utf8), name: "deep.xml")
        #expect(
            issues[0].message.lowercased().contains("depth") || issues[0].message.contains("nested"),
            "\(issues[0])"
        )
    }

    @Test func moderatelyDeepNestingBeyondOurLimitIsRefused() throws {
        let xml =
            "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let issues = try refuse(Data(xml.utf8), name: "deep40.xml")
        #expect(issues[0].rule == .security)
        #expect(issues[0].message.contains("over the limit of 16"))
    }

    @Test func fiftyMegabyteAttributeIsRefusedBeforeParsingOrReading() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("huge.xml")
        var data = Data("<?xml version=\"1.0\"?>\n<provider id=\"".utf8)
        data.append(Data(repeating: UInt8(ascii: "a"), count: 50 << 20))
        data.append(Data("\"/>".utf8))
        try data.write(to: file)
        let clock = ContinuousClock()
        let start = clock.now
        let check = CatalogLoader().check(files: [file.path], schema: try .shipped())[0]
        #expect(clock.now - start < .milliseconds(500))
        #expect(check.issues.first?.rule == .security)
        #expect(check.issues.first?.message.contains("over the 1048576-byte limit") == true)
        // And in memory, straight to the parser: refused by size too.
        _ = try refuse(data, name: "huge-in-memory.xml")
    }

    @Test func utf16AndBOMDoctypesAreRefusedToo() throws {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE p [<!ENTITY a \"b\">]>\n<provider>&a;</provider>"
        var utf16 = Data([0xFF, 0xFE])
        for unit in xml.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let issues = try refuse(utf16, name: "utf16.xml")
        #expect(issues[0].rule == .security)
        var bom = Data([0xEF, 0xBB, 0xBF])
        bom.append(Data("<!DOCTYPE provider [<!ENTITY a \"b\">]><provider/>".utf8))
        #expect(try refuse(bom, name: "bom.xml")[0].rule == .security)
    }

    @Test func invalidUTF8IsASyntaxErrorWithAPosition() throws {
        var data = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<provider>".utf8)
        data.append(contentsOf: [0xC3, 0x28, 0xFF])
        data.append(Data("</provider>".utf8))
        let issues = try refuse(data, name: "bad-utf8.xml")
        #expect(issues[0].rule == .syntax)
        #expect(issues[0].line == 2)
    }

    @Test func undeclaredEntityReferencesAreRefused() throws {
        let issues = try refuse(
            Data("<?xml version=\"1.0\"?>\n<provider>&xxe;</provider>".utf8),
            name: "undeclared.xml"
        )
        #expect(issues[0].line == 2)
    }
}

/// A TCP listener on 127.0.0.1 (an ephemeral port) that counts connection attempts without serving them.
final class LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts (and closes) every pending connection, returning how many there were.
    func connectionAttempts() -> Int {
        var count = 0
        while true {
            let client = accept(descriptor, nil, nil)
            if client < 0 { break }
            Glibc.close(client)
            count += 1
        }
        return count
    }

    func close() { Glibc.close(descriptor) }
}
