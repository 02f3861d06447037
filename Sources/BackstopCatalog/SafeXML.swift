internal import CLibXML2
import Foundation

/// Limits on untrusted XML. Documents beyond them are refused before or while parsing.
public struct XMLLimits: Hashable, Sendable {
    /// Largest file accepted, in bytes (default 1 MiB; a provider description is a few KiB).
    public var maxBytes: Int
    /// Deepest element nesting accepted (default 16; the provider schema needs 4).
    public var maxDepth: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 16) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}

/// libxml2 is initialised once per process, thread-safely, by this immutable global's lazy initialiser.
private let libxml2Ready: Void = { xmlInitParser() }()

/// Collects libxml2's structured errors for one parse or one validation. Reached from C callbacks through
/// `ctxt->_private` or the validation context's user pointer; used by one thread only, for one call.
final class ErrorCollector {
    var issues: [CatalogIssue] = []
    var policyViolation: String?
    let file: String
    let rule: CatalogIssue.Rule
    /// Deepest element nesting the parser accepts (checked as each start tag is read).
    let maxDepth: Int

    init(file: String, rule: CatalogIssue.Rule, maxDepth: Int = .max) {
        self.file = file
        self.rule = rule
        self.maxDepth = maxDepth
    }

    func record(_ error: UnsafePointer<xmlError>) {
        let e = error.pointee
        guard e.level != XML_ERR_WARNING else { return }
        var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error \(e.code)"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "{urn:backstop:provider:1}", with: "")
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

/// A line and column (1-based, in characters) in the document; either may be unknown.
struct SourcePlace: Equatable {
    var line: Int?
    var column: Int?
}

/// Where the construct that the parser has just read began, placed by counting back from the line and column libxml2
/// keeps for its position: libxml2 calls the SAX callbacks below only once a construct is read, so its position is the
/// construct's end. The start is the last `marker` before that position, ignoring the last `tail` bytes; or, with
/// `earliestAfter`, the first `marker` after the last `earliestAfter` there (for a construct whose body may repeat
/// its marker but never holds `earliestAfter`). Works in libxml2's input buffer, which is UTF-8 whatever the
/// document's encoding; without the marker there, only the parser's line is known.
private func placeOfConstruct(
    _ context: UnsafeMutableRawPointer?,
    marker: String,
    tail: Int = 0,
    earliestAfter stop: String? = nil
) -> SourcePlace {
    guard let ctxt = parserContext(context), let input = ctxt.pointee.input else { return SourcePlace() }
    let here = SourcePlace(line: Int(input.pointee.line), column: Int(input.pointee.col))
    guard let base = input.pointee.base, let cur = input.pointee.cur, cur > base else {
        return SourcePlace(line: here.line)
    }
    let read = UnsafeBufferPointer(start: base, count: cur - base)
    func occurs(_ pattern: [UInt8], at index: Int) -> Bool {
        index >= 0 && index + pattern.count <= read.count
            && read[index..<(index + pattern.count)].elementsEqual(pattern)
    }
    let pattern = Array(marker.utf8)
    let stopPattern = stop.map { Array($0.utf8) }
    var found: Int?
    var index = read.count - tail - pattern.count
    while index >= 0 {
        if occurs(pattern, at: index) {
            found = index
            if stopPattern == nil { break }
        } else if let stopPattern, occurs(stopPattern, at: index) {
            break
        }
        index -= 1
    }
    guard let start = found, let line = here.line, let column = here.column else {
        return SourcePlace(line: here.line)
    }
    let newline = UInt8(ascii: "\n")
    // Characters, not bytes: a UTF-8 continuation byte (10xxxxxx) does not start one.
    func characters(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int { bytes.count(where: { $0 & 0xC0 != 0x80 }) }
    let skipped = read[start...]
    let linesBack = skipped.count(where: { $0 == newline })
    if linesBack == 0 {
        let startColumn = column - characters(skipped)
        return SourcePlace(line: line, column: startColumn >= 1 ? startColumn : nil)
    }
    guard let lineStart = read[..<start].lastIndex(of: newline) else { return SourcePlace(line: line - linesBack) }
    return SourcePlace(line: line - linesBack, column: characters(read[(lineStart + 1)..<start]) + 1)
}

private let onStructuredParserError: xmlStructuredErrorFunc = { context, error in
    guard let error, let collector = collector(fromParserContext: context) else { return }
    collector.record(UnsafePointer(error))
}

/// Records a policy violation on the context's collector and stops the parser: the shared body of the SAX callbacks
/// below, which differ only in what they found.
private func refuseAndStop(_ context: UnsafeMutableRawPointer?, _ message: String, at place: SourcePlace) {
    collector(fromParserContext: context)?.refuse(message, at: place)
    if let ctxt = parserContext(context) { xmlStopParser(ctxt) }
}

private func text(_ pointer: UnsafePointer<xmlChar>?) -> String { pointer.map { String(cString: $0) } ?? "?" }

private let onInternalSubset: internalSubsetSAXFunc = { context, name, _, _ in
    refuseAndStop(
        context,
        "DOCTYPE declarations are not allowed (found <!DOCTYPE \(text(name)) …>): DTDs and entities are refused",
        at: placeOfConstruct(context, marker: "<!DOCTYPE")
    )
}

private let onEntityDeclaration: entityDeclSAXFunc = { context, name, _, _, _, _ in
    refuseAndStop(
        context,
        "entity declarations are not allowed (found \(text(name)))",
        at: placeOfConstruct(context, marker: "<!ENTITY")
    )
}

private let onProcessingInstruction: processingInstructionSAXFunc = { context, target, _ in
    // Called after the closing "?>". The data inside may repeat "<?target" but cannot hold "?>": the first "<?target"
    // after the previous "?>" starts it.
    refuseAndStop(
        context,
        "processing instructions are not allowed (found <?\(text(target)) …?>)",
        at: placeOfConstruct(context, marker: "<?" + text(target), tail: 2, earliestAfter: "?>")
    )
}

private let onReference: referenceSAXFunc = { context, name in
    refuseAndStop(
        context,
        "entity references are not allowed (found &\(text(name));)",
        at: placeOfConstruct(context, marker: "&" + text(name) + ";")
    )
}

/// Builds the element as libxml2's tree builder does, then refuses it when it is nested deeper than the limit, at its
/// start tag (called after the tag's ">"; an attribute value cannot hold a raw "<", so the last "<" starts the tag).
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
        refuseAndStop(
            context,
            "elements are nested \(depth) deep, over the limit of \(collector.maxDepth)",
            at: placeOfConstruct(context, marker: "<")
        )
    }
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
                    : collector.issues
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
        let collector = ErrorCollector(file: file, rule: .syntax, maxDepth: limits.maxDepth)
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
        if collector.policyViolation != nil { return collector.issues }
        guard let document, ctxt.pointee.wellFormed != 0, collector.issues.isEmpty else {
            return collector.issues.isEmpty
                ? [CatalogIssue(file: file, line: nil, column: nil, rule: .syntax, message: "not well-formed XML")]
                : collector.issues
        }
        // The tree must not carry anything the SAX callbacks should have refused, nor be deeper than allowed.
        if let problem = inspect(document, maxDepth: limits.maxDepth) {
            return [
                CatalogIssue(file: file, line: problem.line, column: nil, rule: .security, message: problem.message)
            ]
        }
        if let schema {
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
                    : validation.issues
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
