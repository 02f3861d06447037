internal import CLibXML2
import Foundation

/// Limits on untrusted XML. Documents beyond them are refused before or while parsing.
public struct XMLLimits: Hashable, Sendable {
    /// Largest file accepted, in bytes (default 1 MiB; a provider description is a few KiB).
    public var maxBytes: Int
    /// Deepest element nesting accepted (default 16; the provider schema needs 4).
    public var maxDepth: Int
    /// Most attributes (namespace declarations included) on one element (default 64; version 1 of the schema allows at
    /// most 8, version 2 at most 15, on a `fee`).
    /// libxml2 compares each attribute of a start tag with every earlier one and appends each to a list it walks
    /// from the start, so a tag with 50,000 attributes costs seconds: such a tag is refused before libxml2 reads it.
    public var maxAttributes: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 16, maxAttributes: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
    }
}

/// libxml2 is initialised once per process, thread-safely, by this immutable global's lazy initialiser.
private let libxml2Ready: Void = { xmlInitParser() }()

/// Collects libxml2's structured errors for one parse or one validation. Reached from C callbacks through
/// `ctxt->_private` or the validation context's user pointer; used by one thread only, for one call.
final class ErrorCollector {
    private(set) var issues: [CatalogIssue] = []
    /// Errors past ``maximumIssues``, counted but not kept.
    private(set) var omitted = 0
    var policyViolation: String?
    let file: String
    let rule: CatalogIssue.Rule
    /// Deepest element nesting the parser accepts (checked as each start tag is read).
    let maxDepth: Int
    /// Most attributes and namespace declarations on one element (checked as each start tag is read).
    let maxAttributes: Int
    /// The document's bytes, set only while libxml2 parses them (see `ReadSoFar`).
    var document: UnsafeBufferPointer<UInt8>?

    /// Most errors kept for one parse or one validation; a document can make libxml2 report one per attribute or
    /// element, and each costs a message.
    static let maximumIssues = 50
    /// Longest message kept, in characters: libxml2 quotes whole attribute values.
    static let maximumMessageCharacters = 300

    init(file: String, rule: CatalogIssue.Rule, maxDepth: Int = .max, maxAttributes: Int = .max) {
        self.file = file
        self.rule = rule
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
    }

    /// The issues kept, and one more saying how many were left out.
    var reported: [CatalogIssue] {
        guard omitted > 0 else { return issues }
        return issues + [
            CatalogIssue(
                file: file,
                line: nil,
                column: nil,
                rule: rule,
                message: "… and \(omitted) more \(rule.rawValue) error(s) in this file, not listed"
            )
        ]
    }

    func record(_ error: UnsafePointer<xmlError>) {
        let e = error.pointee
        guard e.level != XML_ERR_WARNING else { return }
        guard issues.count < Self.maximumIssues else {
            omitted += 1
            return
        }
        var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error \(e.code)"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "{urn:backstop:provider:1}", with: "")
            .replacingOccurrences(of: "{urn:backstop:provider:2}", with: "")
        if message.count > Self.maximumMessageCharacters {
            message = message.prefix(Self.maximumMessageCharacters) + "… (cut: \(message.count) characters in all)"
        }
        let line = e.line > 0 ? Int(e.line) : nil
        // Parser errors carry the column in int2; schema validation errors know only the node's line.
        let column = rule == .syntax && e.int2 > 0 ? Int(e.int2) : nil
        issues.append(CatalogIssue(file: file, line: line, column: column, rule: rule, message: message))
    }

    func refuse(_ what: String, at place: SourcePlace) {
        if policyViolation == nil {
            policyViolation = what
            issues.append(
                CatalogIssue(file: file, line: place.line, column: place.column, rule: .security, message: what)
            )
        }
    }
}

// C callbacks: nonisolated global functions without captures. Each finds its collector through the context.

private func collector(fromParserContext context: UnsafeMutableRawPointer?) -> ErrorCollector? {
    guard let context else { return nil }
    let ctxt = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let raw = ctxt.pointee._private else { return nil }
    return Unmanaged<ErrorCollector>.fromOpaque(raw).takeUnretainedValue()
}

private func parserContext(_ context: UnsafeMutableRawPointer?) -> xmlParserCtxtPtr? {
    context?.assumingMemoryBound(to: xmlParserCtxt.self)
}

/// A line and column (1-based; the column in characters, i.e. Unicode code points) in the document; either may be
/// unknown.
struct SourcePlace: Equatable {
    var line: Int?
    var column: Int?
}

/// What libxml2 has read so far of the current input, up to the parser's position, and the line it keeps for that
/// position. libxml2 calls the SAX callbacks below once it has read a construct, so the position is at or near the
/// construct's end; the callbacks find the construct's start in these bytes and `place(of:)` turns it into a line and
/// column. For a UTF-8 document (libxml2 converts nothing) the bytes are the document's own from its first byte, found
/// from libxml2's offset, so a start libxml2 has already discarded from its buffer can still be read; for a document
/// it converts to UTF-8 (UTF-16, a declared encoding), they are what its buffer still holds.
private struct ReadSoFar {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Whether `bytes` begin at the document's first byte.
    let fromDocumentStart: Bool
    let line: Int

    init?(_ context: UnsafeMutableRawPointer?) {
        guard let ctxt = parserContext(context), let input = ctxt.pointee.input else { return nil }
        line = Int(input.pointee.line)
        guard let base = input.pointee.base, let cur = input.pointee.cur, cur >= base else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            fromDocumentStart = false
            return
        }
        let buffered = UnsafeBufferPointer(start: base, count: cur - base)
        // libxml2 discards read bytes from its buffer's front, counting them in `consumed`; without an encoder the
        // buffer is the document's bytes, which the comparison confirms before they are used.
        if let document = collector(fromParserContext: context)?.document, input.pointee.buf?.pointee.encoder == nil {
            let end = Int(input.pointee.consumed) + buffered.count
            if end <= document.count && document[(end - buffered.count)..<end].elementsEqual(buffered) {
                bytes = UnsafeBufferPointer(rebasing: document[..<end])
                fromDocumentStart = true
                return
            }
        }
        bytes = buffered
        fromDocumentStart = false
    }

    static let newline = UInt8(ascii: "\n")

    /// Characters, not bytes: a UTF-8 continuation byte (10xxxxxx) does not start one.
    func characters(_ range: Range<Int>) -> Int { bytes[range].count(where: { $0 & 0xC0 != 0x80 }) }

    /// The line and column of the byte at `start`, the column counted from the line's start; unknown when the bytes
    /// no longer hold the line's start (a converted document's buffer).
    func place(of start: Int) -> SourcePlace {
        let startLine = line - bytes[start...].count(where: { $0 == Self.newline })
        if let lineStart = bytes[..<start].lastIndex(of: Self.newline) {
            return SourcePlace(line: startLine, column: characters((lineStart + 1)..<start) + 1)
        }
        guard fromDocumentStart else { return SourcePlace(line: startLine) }
        // The first line: libxml2 skips a UTF-8 byte order mark, which is no character of the line.
        let mark = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? min(3, start) : 0
        return SourcePlace(line: startLine, column: characters(mark..<start) + 1)
    }

    /// The start of the last `marker` in the bytes, if any.
    func lastIndex(of marker: String) -> Int? {
        let pattern = Array(marker.utf8)
        var index = bytes.count - pattern.count
        while index >= 0 {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index -= 1
        }
        return nil
    }
}

/// Reads the bytes before a position backwards, token by token, to find where a construct began.
private struct BackwardScan {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Everything from here on has been read.
    var index: Int

    mutating func skipBlanks() {
        while index > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index - 1]) { index -= 1 }
    }

    /// Steps back over `text` if the bytes end with it there.
    mutating func take(_ text: String) -> Bool {
        let pattern = Array(text.utf8)
        guard index >= pattern.count, bytes[(index - pattern.count)..<index].elementsEqual(pattern) else {
            return false
        }
        index -= pattern.count
        return true
    }

    /// Steps back over a quoted literal ending here (a literal never holds its own quote).
    mutating func takeQuoted() -> Bool {
        guard index > 0, bytes[index - 1] == UInt8(ascii: "\"") || bytes[index - 1] == UInt8(ascii: "'") else {
            return false
        }
        let quote = bytes[index - 1]
        guard let opening = bytes[..<(index - 1)].lastIndex(of: quote) else { return false }
        index = opening
        return true
    }

    /// Steps back over character data as libxml2 reported it, in which it turned each line end of the bytes ("\r\n"
    /// or a lone "\r") into "\n".
    mutating func takeReported(_ text: String) -> Bool {
        var scan = self
        for byte in text.utf8.reversed() {
            guard scan.index > 0 else { return false }
            let read = bytes[scan.index - 1]
            if byte == ReadSoFar.newline && read == UInt8(ascii: "\r") {
                scan.index -= 1
            } else if byte == read {
                scan.index -= 1
                if byte == ReadSoFar.newline && scan.index > 0 && bytes[scan.index - 1] == UInt8(ascii: "\r") {
                    scan.index -= 1
                }
            } else {
                return false
            }
        }
        self = scan
        return true
    }
}

private let onStructuredParserError: xmlStructuredErrorFunc = { context, error in
    guard let error, let collector = collector(fromParserContext: context) else { return }
    collector.record(UnsafePointer(error))
}

/// Records a policy violation on the context's collector and stops the parser: the shared body of the SAX callbacks
/// below, which differ only in what they found and where it starts.
private func refuseAndStop(
    _ context: UnsafeMutableRawPointer?,
    _ message: String,
    in read: ReadSoFar?,
    startingAt start: Int?
) {
    let place = read.map { read in start.map(read.place(of:)) ?? SourcePlace(line: read.line) } ?? SourcePlace()
    collector(fromParserContext: context)?.refuse(message, at: place)
    if let ctxt = parserContext(context) { xmlStopParser(ctxt) }
}

private func text(_ pointer: UnsafePointer<xmlChar>?) -> String { pointer.map { String(cString: $0) } ?? "?" }

/// Called once libxml2 has read `<!DOCTYPE name ExternalID?` and the blanks after it, before any `[`: read back over
/// the blanks, the external id's one or two literals and its keyword, and the name.
private let onInternalSubset: internalSubsetSAXFunc = { context, name, _, _ in
    var start: Int?
    let read = ReadSoFar(context)
    if let read {
        var scan = BackwardScan(bytes: read.bytes, index: read.bytes.count)
        scan.skipBlanks()
        var literals = 0
        while literals < 2 && scan.takeQuoted() {
            literals += 1
            scan.skipBlanks()
        }
        let externalID = literals == 0 || scan.take("SYSTEM") || scan.take("PUBLIC")
        scan.skipBlanks()
        if externalID && scan.take(text(name)) {
            scan.skipBlanks()
            if scan.take("<!DOCTYPE") { start = scan.index }
        }
    }
    refuseAndStop(
        context,
        "DOCTYPE declarations are not allowed (found <!DOCTYPE \(text(name)) …>): DTDs and entities are refused",
        in: read,
        startingAt: start
    )
}

/// Defence in depth: a DOCTYPE is refused before its internal subset is read, so this is not reached today.
private let onEntityDeclaration: entityDeclSAXFunc = { context, name, _, _, _, _ in
    let read = ReadSoFar(context)
    refuseAndStop(
        context,
        "entity declarations are not allowed (found \(text(name)))",
        in: read,
        startingAt: read?.lastIndex(of: "<!ENTITY")
    )
}

/// Called once libxml2 has read the closing `?>`: read back over it, the data as reported, the blanks and the target.
/// (The data may hold `<?target` itself, and a comment before may too, so searching for the marker would not do.)
private let onProcessingInstruction: processingInstructionSAXFunc = { context, target, data in
    var start: Int?
    let read = ReadSoFar(context)
    if let read {
        var scan = BackwardScan(bytes: read.bytes, index: read.bytes.count)
        if scan.take("?>") && scan.takeReported(data.map { String(cString: $0) } ?? "") {
            scan.skipBlanks()
            if scan.take(text(target)) && scan.take("<?") { start = scan.index }
        }
    }
    refuseAndStop(
        context,
        "processing instructions are not allowed (found <?\(text(target)) …?>)",
        in: read,
        startingAt: start
    )
}

/// Defence in depth: without a DTD no entity is declared, so libxml2 reports an undeclared reference as a syntax
/// error and the predefined ones as text; this is not reached today.
private let onReference: referenceSAXFunc = { context, name in
    let read = ReadSoFar(context)
    refuseAndStop(
        context,
        "entity references are not allowed (found &\(text(name));)",
        in: read,
        startingAt: read?.lastIndex(of: "&" + text(name) + ";")
    )
}

/// Builds the element as libxml2's tree builder does, then refuses it when it is nested deeper than the limit, at its
/// start tag. libxml2 calls this while reading the tag, after its attributes: the last "<" read starts it (an
/// attribute value cannot hold a raw "<", and nothing else lies between).
private let onStartElement: startElementNsSAX2Func = {
    context,
    localName,
    prefix,
    uri,
    namespaceCount,
    namespaces,
    attributeCount,
    defaultedCount,
    attributes in
    if let collector = collector(fromParserContext: context),
        Int(attributeCount) + Int(namespaceCount) > collector.maxAttributes
    {
        // Refused before the tree builder appends each attribute to the element's list (quadratic in libxml2).
        let read = ReadSoFar(context)
        refuseAndStop(
            context,
            crowdedMessage(
                (prefix.map { text($0) + ":" } ?? "") + text(localName),
                Int(attributeCount) + Int(namespaceCount),
                collector.maxAttributes
            ),
            in: read,
            startingAt: read?.lastIndex(of: "<")
        )
        return
    }
    xmlSAX2StartElementNs(
        context,
        localName,
        prefix,
        uri,
        namespaceCount,
        namespaces,
        attributeCount,
        defaultedCount,
        attributes
    )
    guard let ctxt = parserContext(context), let collector = collector(fromParserContext: context) else { return }
    // The tree builder has just pushed this element: the node stack's height is its depth.
    let depth = Int(ctxt.pointee.nodeNr)
    if depth > collector.maxDepth {
        let read = ReadSoFar(context)
        refuseAndStop(
            context,
            "elements are nested \(depth) deep, over the limit of \(collector.maxDepth)",
            in: read,
            startingAt: read?.lastIndex(of: "<")
        )
    }
}

/// The refusal of an element with too many attributes, the same whether the pre-scan or libxml2 counted them.
func crowdedMessage(_ element: String, _ count: Int, _ limit: Int) -> String {
    "element <\(element)> has \(count) attributes (namespace declarations included), over the limit of \(limit)"
}

private let onStructuredValidationError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue().record(UnsafePointer(error))
}

/// A compiled XML Schema. libxml2 documents a compiled schema as read-only during validation, and every
/// validation here makes its own validation context, so one schema may serve several threads.
final class CompiledSchema: @unchecked Sendable {
    // @unchecked: the two pointers are written once in init and freed in deinit; between those, libxml2 only
    // reads the schema (xmlSchemaValidateDoc takes it through a per-call xmlSchemaValidCtxt), so concurrent use
    // from several threads is safe. Nothing else can reach the pointers: they are private to this class.
    private let document: xmlDocPtr
    fileprivate let schema: xmlSchemaPtr

    /// Parses (with the same safe parser as the catalog) and compiles an XSD.
    init(data: Data, file: String, limits: XMLLimits) throws(CatalogError) {
        _ = libxml2Ready
        var document: xmlDocPtr?
        let issues = SafeXML.parse(
            data,
            file: file,
            limits: XMLLimits(maxBytes: max(limits.maxBytes, 4 << 20), maxDepth: 64)
        ) {
            document = $0
            return false  // keep the document: the compiled schema points into it
        }
        guard let document, issues.isEmpty else {
            throw CatalogError(
                issues: issues.isEmpty
                    ? [
                        CatalogIssue(
                            file: file,
                            line: nil,
                            column: nil,
                            rule: .schema,
                            message: "schema could not be parsed"
                        )
                    ] : issues
            )
        }
        let collector = ErrorCollector(file: file, rule: .schema)
        let parserContext = xmlSchemaNewDocParserCtxt(document)
        let box = Unmanaged.passUnretained(collector).toOpaque()
        xmlSchemaSetParserStructuredErrors(parserContext, onStructuredValidationError, box)
        let compiled = parserContext.flatMap { xmlSchemaParse($0) }
        xmlSchemaFreeParserCtxt(parserContext)
        guard let compiled else {
            xmlFreeDoc(document)
            throw CatalogError(
                issues: collector.issues.isEmpty
                    ? [
                        CatalogIssue(
                            file: file,
                            line: nil,
                            column: nil,
                            rule: .schema,
                            message: "the XSD does not compile"
                        )
                    ]
                    : collector.reported
            )
        }
        self.document = document
        self.schema = compiled
    }

    deinit {
        xmlSchemaFree(schema)
        xmlFreeDoc(document)
    }
}

/// The hostile-input-safe parser: no network, no DTD, no entities, no processing instructions, bounded size and
/// depth, errors collected per context with file, line and column.
enum SafeXML {
    /// Parses `data`, validates it against `schema` when given, and hands the root element to `body` while the
    /// document is alive. `body` returns whether the document should be freed (always true outside this file).
    /// - Returns: the issues found; empty when `body` ran on a valid document.
    static func parse(
        _ data: Data,
        file: String,
        limits: XMLLimits,
        schema: CompiledSchema? = nil,
        alternatives: [String: CompiledSchema] = [:],
        precheck: ((xmlDocPtr) -> CatalogIssue?)? = nil,
        body: (xmlDocPtr) -> Bool
    ) -> [CatalogIssue] {
        _ = libxml2Ready
        guard data.count <= limits.maxBytes else {
            return [
                CatalogIssue(
                    file: file,
                    line: nil,
                    column: nil,
                    rule: .security,
                    message: "file is \(data.count) bytes, over the \(limits.maxBytes)-byte limit"
                )
            ]
        }
        guard !data.isEmpty else {
            return [CatalogIssue(file: file, line: 1, column: 1, rule: .syntax, message: "file is empty")]
        }
        guard let ctxt = xmlNewParserCtxt() else {
            return [
                CatalogIssue(
                    file: file,
                    line: nil,
                    column: nil,
                    rule: .io,
                    message: "libxml2 could not allocate a parser"
                )
            ]
        }
        defer { xmlFreeParserCtxt(ctxt) }
        if let crowded = CrowdedTagScan.first(in: data, limit: limits.maxAttributes) {
            return [
                CatalogIssue(
                    file: file,
                    line: crowded.line,
                    column: crowded.column,
                    rule: .security,
                    message: crowdedMessage(crowded.element, crowded.count, limits.maxAttributes)
                )
            ]
        }
        let collector = ErrorCollector(
            file: file,
            rule: .syntax,
            maxDepth: limits.maxDepth,
            maxAttributes: limits.maxAttributes
        )
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        ctxt.pointee._private = box.toOpaque()
        if let sax = ctxt.pointee.sax {
            sax.pointee.serror = onStructuredParserError
            sax.pointee.internalSubset = onInternalSubset
            sax.pointee.externalSubset = onInternalSubset
            sax.pointee.entityDecl = onEntityDeclaration
            sax.pointee.unparsedEntityDecl = nil
            sax.pointee.processingInstruction = onProcessingInstruction
            sax.pointee.reference = onReference
            sax.pointee.startElementNs = onStartElement
        }
        // NONET: no network. No NOENT (entities are not substituted), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE, no
        // HUGE (libxml2 keeps its own depth and text-size limits). BIG_LINES: real line numbers past 65535.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue
        )
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            collector.document = raw.assumingMemoryBound(to: UInt8.self)
            defer { collector.document = nil }
            return xmlCtxtReadMemory(
                ctxt,
                base.assumingMemoryBound(to: CChar.self),
                Int32(raw.count),
                file,
                nil,
                options
            )
        }
        var freeDocument = true
        defer { if freeDocument, let document { xmlFreeDoc(document) } }
        if collector.policyViolation != nil { return collector.reported }
        guard let document, ctxt.pointee.wellFormed != 0, collector.issues.isEmpty else {
            return collector.issues.isEmpty
                ? [CatalogIssue(file: file, line: nil, column: nil, rule: .syntax, message: "not well-formed XML")]
                : collector.reported
        }
        // The tree must not carry anything the SAX callbacks should have refused, nor be deeper than allowed.
        if let problem = inspect(document, maxDepth: limits.maxDepth) {
            return [
                CatalogIssue(file: file, line: problem.line, column: nil, rule: .security, message: problem.message)
            ]
        }
        if let precheck, let issue = precheck(document) { return [issue] }
        // The schema of the root element's namespace (provider-2.xsd for urn:backstop:provider:2), else the main one,
        // which then names the namespace it does not know.
        let rootNamespace = xmlDocGetRootElement(document)?.pointee.ns?.pointee.href.map { String(cString: $0) }
        if let schema = rootNamespace.flatMap({ alternatives[$0] }) ?? schema {
            let validation = ErrorCollector(file: file, rule: .schema)
            guard let vctxt = xmlSchemaNewValidCtxt(schema.schema) else {
                return [
                    CatalogIssue(
                        file: file,
                        line: nil,
                        column: nil,
                        rule: .io,
                        message: "libxml2 could not allocate a validator"
                    )
                ]
            }
            defer { xmlSchemaFreeValidCtxt(vctxt) }
            let validationBox = Unmanaged.passRetained(validation)
            defer { validationBox.release() }
            xmlSchemaSetValidStructuredErrors(vctxt, onStructuredValidationError, validationBox.toOpaque())
            let result = xmlSchemaValidateDoc(vctxt, document)
            if result != 0 {
                // libxml2 keeps validating after a structural error and may add consequential ones; the first is
                // the cause, and all are reported in document order.
                return validation.issues.isEmpty
                    ? [
                        CatalogIssue(
                            file: file,
                            line: nil,
                            column: nil,
                            rule: .schema,
                            message: "not valid against the provider schema"
                        )
                    ]
                    : validation.reported
            }
        }
        freeDocument = body(document)
        return []
    }

    /// Finds DTD nodes, entity references, processing instructions or excessive depth in a parsed tree.
    private static func inspect(_ document: xmlDocPtr, maxDepth: Int) -> (line: Int?, message: String)? {
        var node = document.pointee.children
        while let current = node {
            if current.pointee.type == XML_DTD_NODE { return (nil, "DOCTYPE declarations are not allowed") }
            if current.pointee.type == XML_PI_NODE {
                return (Int(xmlGetLineNo(current)), "processing instructions are not allowed")
            }
            node = current.pointee.next
        }
        guard let root = xmlDocGetRootElement(document) else { return (nil, "the document has no root element") }
        // Iterative depth-first walk (no recursion on untrusted depth).
        var stack: [(xmlNodePtr, Int)] = [(root, 1)]
        while let (current, depth) = stack.popLast() {
            switch current.pointee.type {
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
                return (Int(xmlGetLineNo(current)), "entity references are not allowed")
            case XML_PI_NODE:
                return (Int(xmlGetLineNo(current)), "processing instructions are not allowed")
            case XML_XINCLUDE_START, XML_XINCLUDE_END:
                return (Int(xmlGetLineNo(current)), "XInclude is not allowed")
            case XML_ELEMENT_NODE:
                if depth > maxDepth {
                    return (
                        Int(xmlGetLineNo(current)), "elements are nested \(depth) deep, over the limit of \(maxDepth)"
                    )
                }
            default: break
            }
            var child = current.pointee.children
            while let next = child {
                stack.append((next, depth + 1))
                child = next.pointee.next
            }
        }
        return nil
    }
}
