import Foundation
import Testing

/// Every example of `docs/cli.md`, run through the real binary from the repository root.
///
/// A ```` ```console ```` block is a sequence of commands, each on a line starting with `$ `, followed by what it
/// prints (standard output, then standard error). The grammar is a small, strict subset of the shell, so that every
/// example can also be pasted into one:
///
/// - `$ [NAME=value …] backstop ARGS… [< FILE | <<'EOF'] [# exit N]`: runs the binary with those environment
///   variables (every inherited `BACKSTOP_*` variable is removed first), standard input from a file or a
///   here-document whose lines follow the command up to `EOF`, and checks its exit status (0 unless `# exit N`).
/// - `$ cat > $TMP/NAME <<'EOF'` writes a here-document to a file; `$ cat PATH` prints a file.
/// - A line ending in `\` continues on the next one. Words may be quoted with `'…'` or `"…"`.
/// - `$TMP` is a fresh temporary directory per block, shared by the commands of that block (which run in order);
///   it stands for the same directory in the expected output.
///
/// Anything else (pipes, `>` after `backstop`, other variables, globs, other programs, other comments) fails the
/// test: a documented command that cannot be run is a broken example, not one to skip.
///
/// The expected lines must match the output's lines in order and contiguously, blank lines and trailing spaces
/// ignored. A line that is exactly `…` skips any number of lines, including at the start or the end (without
/// one there, the output must start or end with the expected lines); `…` inside a line matches any text.
struct CLIDocTests {
    static let repository = ProvidersCommandTests.repository
    static let document = "docs/cli.md"
    /// Stands for `$TMP` in parsed words until the block's directory exists.
    static let temporaryMarker = "\u{1}TMP\u{1}"

    /// What a `$` line does.
    enum Action: Sendable {
        case backstop(arguments: [String], environment: [String: String])
        case writeFile(path: String)
        case readFile(path: String)
    }

    /// One `$` line with its input and expected output.
    struct Step: Sendable {
        let line: Int
        let source: String
        let action: Action
        /// A file to read standard input from (relative to the repository or under `$TMP`).
        let stdinFile: String?
        /// A here-document's text.
        let stdinText: String?
        let status: Int32
        let expected: [String]
    }

    /// One `console` block: its steps, or why it cannot be run.
    struct Block: Sendable, CustomTestStringConvertible {
        let line: Int
        let steps: [Step]
        let error: String?

        var testDescription: String {
            "\(CLIDocTests.document):\(line): " + (steps.first.map { "$ " + $0.source } ?? "unparseable block")
        }
    }

    static let blocks: [Block] = {
        do {
            let text = try String(contentsOf: repository.appendingPathComponent(document), encoding: .utf8)
            return parseDocument(text).blocks
        } catch {
            return [Block(line: 0, steps: [], error: "cannot read \(document): \(error)")]
        }
    }()

    // MARK: Tests

    @Test(arguments: blocks)
    func example(_ block: Block) throws {
        if let error = block.error {
            Issue.record("\(Self.document):\(block.line): \(error)")
            return
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-clidoc-\(UUID())")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        for step in block.steps {
            let (status, output) = try Self.run(step, temporary: temporary.path)
            let place = "\(Self.document):\(step.line): $ \(step.source)"
            guard status == step.status else {
                Issue.record("\(place)\nexit status \(status), expected \(step.status); output:\n\(output)")
                return
            }
            let expected = step.expected.map { $0.replacingOccurrences(of: "$TMP", with: temporary.path) }
            if let mismatch = Self.mismatch(expected: expected, actual: output) {
                Issue.record("\(place)\n\(mismatch)\nactual output:\n\(output)")
                return
            }
        }
    }

    /// Every leaf command of `backstop --help` has a tested example, except `serve` which has a `sh` block.
    @Test func everyCommandHasAnExample() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(Self.document), encoding: .utf8)
        let commands = try Self.leafCommands([])
        #expect(commands.count >= 12, "\(commands)")
        let tested = Self.blocks.flatMap(\.steps).compactMap { step -> [String]? in
            if case .backstop(let arguments, _) = step.action { return arguments }
            return nil
        }
        for command in commands {
            if command == ["serve"] {
                #expect(text.contains("```sh\nbackstop serve"), "docs/cli.md shows `backstop serve` in a sh block")
            } else {
                #expect(
                    tested.contains { $0.starts(with: command) },
                    "docs/cli.md has no tested example of backstop \(command.joined(separator: " "))"
                )
            }
        }
    }

    /// The document parses, has its examples, and shows no `$ backstop` line outside a console block.
    @Test func documentIsWellFormed() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(Self.document), encoding: .utf8)
        let parsed = Self.parseDocument(text)
        #expect(parsed.blocks.flatMap(\.steps).count >= 25)
        #expect(parsed.untested.isEmpty, "command lines outside a console block: \(parsed.untested)")
    }

    /// The checker itself: contiguous chunks, `…` lines and wildcards, the edges.
    @Test func matching() {
        let output = "a\nb\n\nc\nd\n"
        #expect(Self.mismatch(expected: ["a", "b", "c", "d"], actual: output) == nil)
        #expect(Self.mismatch(expected: ["a", "", "b", "c", "", "d"], actual: output) == nil)
        #expect(Self.mismatch(expected: ["a", "…", "d"], actual: output) == nil)
        #expect(Self.mismatch(expected: ["…", "c", "…"], actual: output) == nil)
        #expect(Self.mismatch(expected: ["a", "b", "…"], actual: output) == nil)
        #expect(Self.mismatch(expected: ["a", "c", "…"], actual: output) != nil)
        #expect(Self.mismatch(expected: ["a", "b"], actual: output) != nil)
        #expect(Self.mismatch(expected: ["b", "…"], actual: output) != nil)
        #expect(Self.mismatch(expected: ["d", "…", "a"], actual: output) != nil)
        #expect(Self.lineMatches("rate … per …", "rate 1.5% per month"))
        #expect(!Self.lineMatches("rate … per …", "rates 1.5% per month"))
        #expect(Self.lineMatches("…%", "15.86%"))
        #expect(!Self.lineMatches("…x…y", "yx"))
    }

    /// The parser itself: what runs, and what must fail.
    @Test func parsing() throws {
        let good = Self.parseConsole(
            [
                #"$ BACKSTOP_CATALOG=providers backstop apr --format 'json' "a b" \"#,
                #"    x\ y <<'EOF' # exit 65"#,
                #"{"t": 1}"#,
                "EOF",
                "out",
                "$ cat > $TMP/in.jsonl <<'EOF'",
                "line",
                "EOF",
                "$ backstop batch --in $TMP/in.jsonl --out - --date 2026-11-25 < examples/x.json",
            ],
            firstLine: 1
        )
        #expect(good.error == nil, "\(good.error ?? "")")
        let steps = good.steps
        try #require(steps.count == 3)
        guard case .backstop(let arguments, let environment) = steps[0].action else {
            Issue.record("not a backstop step")
            return
        }
        #expect(arguments == ["apr", "--format", "json", "a b", "x y"])
        #expect(environment == ["BACKSTOP_CATALOG": "providers"])
        #expect(steps[0].stdinText == "{\"t\": 1}\n")
        #expect(steps[0].status == 65)
        #expect(steps[0].expected == ["out"])
        guard case .writeFile(let path) = steps[1].action else {
            Issue.record("not a cat > step")
            return
        }
        #expect(path == Self.temporaryMarker + "/in.jsonl")
        #expect(steps[2].stdinFile == "examples/x.json")
        for bad in [
            "$ backstop quote --amount 1 | head",
            "$ backstop quote > out.txt",
            "$ backstop quote --amount $AMOUNT",
            "$ backstop quote --amount `echo 1`",
            "$ backstop quote # a comment",
            "$ backstop providers show *",
            "$ swift run backstop quote",
            "$ backstop apr <<EOF",
            "$ backstop apr <<'EOF'",
            "$ backstop quote 'unterminated",
            "$ backstop alternatives --chart chart.svg --date 2026-11-25",
            "$ backstop alternatives --profile p.json",
            "$ backstop quote --amount 1 --term 1",
            "text before any command",
        ] {
            #expect(Self.parseConsole([bad], firstLine: 1).error != nil, "\(bad)")
        }
    }

    /// The commands of `backstop --help` that have no subcommands, found through every `SUBCOMMANDS:` section.
    static func leafCommands(_ path: [String]) throws -> [[String]] {
        let help = try BinaryRunner.run(path + ["--help"]).stdout
        let lines = help.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [path] }
        var names: [String] = []
        for line in lines[(start + 1)...] where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            let name = line.dropFirst(2).prefix(while: { $0 != " " })
            guard name.first?.isLowercase == true, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" })
            else { continue }
            names.append(String(name))
        }
        return try names.flatMap { try leafCommands(path + [$0]) }
    }

    // MARK: Running

    static func run(_ step: Step, temporary: String) throws -> (Int32, String) {
        func resolve(_ path: String) -> String {
            let path = path.replacingOccurrences(of: temporaryMarker, with: temporary)
            return path.hasPrefix("/") ? path : repository.appendingPathComponent(path).path
        }
        var stdin = step.stdinText
        if let file = step.stdinFile { stdin = try String(contentsOfFile: resolve(file), encoding: .utf8) }
        switch step.action {
        case .writeFile(let path):
            try (stdin ?? "").write(toFile: resolve(path), atomically: true, encoding: .utf8)
            return (0, "")
        case .readFile(let path):
            return (0, try String(contentsOfFile: resolve(path), encoding: .utf8))
        case .backstop(let arguments, let variables):
            var environment = BinaryRunner.englishEnvironment.filter { !$0.key.hasPrefix("BACKSTOP_") }
            for (name, value) in variables {
                environment[name] = value.replacingOccurrences(of: temporaryMarker, with: temporary)
            }
            let result = try BinaryRunner.run(
                arguments.map { $0.replacingOccurrences(of: temporaryMarker, with: temporary) },
                stdin: stdin,
                timeout: 30,
                currentDirectory: repository,
                environment: environment
            )
            let separator = result.stdout.isEmpty || result.stdout.hasSuffix("\n") ? "" : "\n"
            return (result.status, result.stdout + separator + result.stderr)
        }
    }

    // MARK: Matching

    /// Nil when `actual` shows the `expected` lines (see the type's comment), else what is missing.
    static func mismatch(expected: [String], actual: String) -> String? {
        func trimmed(_ line: some StringProtocol) -> String {
            String(line.reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
        }
        let lines = actual.split(separator: "\n", omittingEmptySubsequences: false).map(trimmed).filter {
            !$0.isEmpty
        }
        let patterns = expected.map(trimmed)
        var chunks: [[String]] = [[]]
        for pattern in patterns {
            if pattern.trimmingCharacters(in: .whitespaces) == "…" {
                chunks.append([])
            } else if !pattern.isEmpty {
                chunks[chunks.count - 1].append(pattern)
            }
        }
        let skipsStart = chunks.first?.isEmpty == true
        let skipsEnd = chunks.count > 1 && chunks.last?.isEmpty == true
        let nonEmpty = chunks.filter { !$0.isEmpty }
        if nonEmpty.isEmpty { return lines.isEmpty || skipsStart ? nil : "expected no output" }
        var position = 0
        for (index, chunk) in nonEmpty.enumerated() {
            func matches(at start: Int) -> Bool {
                start >= position && start + chunk.count <= lines.count
                    && zip(chunk, lines[start...]).allSatisfy { lineMatches($0, $1) }
            }
            let candidates: [Int]
            if index == 0 && !skipsStart {
                candidates = [0]
            } else if index == nonEmpty.count - 1 && !skipsEnd {
                candidates = [lines.count - chunk.count]
            } else {
                candidates = Array(position..<max(position, lines.count - chunk.count + 1))
            }
            guard let start = candidates.first(where: matches) else {
                if candidates.count == 1, let start = candidates.first, start >= position {
                    // Anchored at an edge: name the first line that differs.
                    for (offset, pattern) in chunk.enumerated() {
                        let actual = start + offset < lines.count ? lines[start + offset] : "(end of output)"
                        if !lineMatches(pattern, actual) {
                            return "expected line \(offset + 1) of this excerpt:\n\(pattern)\ngot:\n\(actual)"
                        }
                    }
                }
                let edge =
                    index == 0 && !skipsStart
                    ? " at the start" : index == nonEmpty.count - 1 && !skipsEnd ? " at the end" : ""
                return "these expected lines are not in the output\(edge), in this order:\n"
                    + chunk.joined(separator: "\n")
            }
            if index == nonEmpty.count - 1 && !skipsEnd && start + chunk.count != lines.count {
                return "the output goes on after:\n" + chunk.joined(separator: "\n")
            }
            position = start + chunk.count
        }
        return nil
    }

    /// `pattern` equals `line`, where each `…` in `pattern` stands for any text.
    static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        let parts = pattern.components(separatedBy: "…")
        guard parts.count > 1 else { return pattern == line }
        guard line.hasPrefix(parts[0]) else { return false }
        var rest = line.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }

    // MARK: Parsing the document

    /// The console blocks, and the `$ backstop` lines found in other blocks (which would go untested).
    static func parseDocument(_ text: String) -> (blocks: [Block], untested: [Int]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var untested: [Int] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let indent = line.prefix(while: { $0 == " " }).count
            let fence = line.dropFirst(indent)
            guard fence.hasPrefix("```") || fence.hasPrefix("~~~") else {
                index += 1
                continue
            }
            let marker = String(fence.prefix(while: { $0 == fence.first }))
            let info = fence.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
            var body: [String] = []
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != marker {
                body.append(String(lines[end].dropFirst(min(indent, lines[end].prefix(while: { $0 == " " }).count))))
                end += 1
            }
            if info == "console" {
                blocks.append(parseConsole(body, firstLine: index + 2))
            } else {
                for (offset, text) in body.enumerated() where text.hasPrefix("$ backstop") {
                    untested.append(index + 2 + offset)
                }
            }
            index = end + 1
        }
        return (blocks, untested)
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    /// The steps of a console block whose first line is line `firstLine` of the document.
    static func parseConsole(_ lines: [String], firstLine: Int) -> Block {
        var steps: [Step] = []
        var index = 0
        do {
            while index < lines.count {
                let lineNumber = firstLine + index
                guard lines[index].hasPrefix("$ ") else {
                    guard lines[index].trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw ParseError(line: lineNumber, message: "expected a `$ ` command line first")
                    }
                    index += 1
                    continue
                }
                var source = String(lines[index].dropFirst(2))
                index += 1
                while source.hasSuffix("\\") {
                    guard index < lines.count else {
                        throw ParseError(line: lineNumber, message: "the last line ends in a backslash")
                    }
                    source += "\n" + lines[index]
                    index += 1
                }
                let command = try parseCommand(source, line: lineNumber)
                var stdinText: String?
                if let delimiter = command.hereDocument {
                    var text = ""
                    while index < lines.count, lines[index] != delimiter {
                        text += lines[index] + "\n"
                        index += 1
                    }
                    guard index < lines.count else {
                        throw ParseError(line: lineNumber, message: "no \(delimiter) line ends the here-document")
                    }
                    index += 1
                    stdinText = text
                }
                var expected: [String] = []
                while index < lines.count, !lines[index].hasPrefix("$ ") {
                    expected.append(lines[index])
                    index += 1
                }
                steps.append(
                    Step(
                        line: lineNumber,
                        source: source.replacingOccurrences(of: "\\\n", with: " "),
                        action: command.action,
                        stdinFile: command.stdinFile,
                        stdinText: stdinText,
                        status: command.status,
                        expected: expected
                    )
                )
            }
            guard !steps.isEmpty else { throw ParseError(line: firstLine, message: "a console block with no command") }
            return Block(line: firstLine, steps: steps, error: nil)
        } catch {
            return Block(line: firstLine, steps: steps, error: "\(error)")
        }
    }

    /// A parsed command line.
    struct Command {
        var action: Action
        var stdinFile: String?
        var hereDocument: String?
        var status: Int32
    }

    /// Splits a command line into words like the shell (quotes, backslashes, `$TMP`), and reads its redirections and
    /// `# exit N`; everything else the shell would interpret is refused.
    static func parseCommand(_ source: String, line: Int) throws -> Command {
        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message + ": " + source) }
        let characters = Array(source.replacingOccurrences(of: "\\\n", with: " "))
        var words: [String] = []
        var word: String?
        var stdinFile: String?
        var hereDocument: String?
        var output: String?
        var status: Int32 = 0
        /// Where the next word goes: an argument, or the target of `<`, `<<` or `>`.
        enum Target { case argument, stdinFile, hereDocument, output }
        var target = Target.argument
        var hereDocumentQuoted = false
        var index = 0

        func finishWord() throws {
            guard let finished = word else { return }
            switch target {
            case .argument: words.append(finished)
            case .stdinFile: stdinFile = finished
            case .output: output = finished
            case .hereDocument:
                guard hereDocumentQuoted else {
                    throw fail("quote the here-document's delimiter (<<'EOF') so that its text is taken as it is")
                }
                hereDocument = finished
            }
            word = nil
            target = .argument
            hereDocumentQuoted = false
        }
        /// `$TMP` or `${TMP}` at `index` (which is at the `$`).
        func variable() throws -> String {
            for form in ["${TMP}", "$TMP"] {
                let end = index + form.count
                guard end <= characters.count, String(characters[index..<end]) == form else { continue }
                if form == "$TMP", end < characters.count,
                    characters[end].isLetter || characters[end].isNumber || characters[end] == "_"
                {
                    continue
                }
                index = end
                return temporaryMarker
            }
            throw fail("only $TMP can be expanded")
        }

        while index < characters.count {
            let character = characters[index]
            switch character {
            case " ", "\t":
                try finishWord()
                index += 1
            case "'":
                guard let close = characters[(index + 1)...].firstIndex(of: "'") else {
                    throw fail("an unterminated single quote")
                }
                if target == .hereDocument { hereDocumentQuoted = true }
                word = (word ?? "") + String(characters[(index + 1)..<close])
                index = close + 1
            case "\"":
                if target == .hereDocument { hereDocumentQuoted = true }
                var text = word ?? ""
                index += 1
                while true {
                    guard index < characters.count else { throw fail("an unterminated double quote") }
                    let inner = characters[index]
                    if inner == "\"" {
                        index += 1
                        break
                    } else if inner == "\\", index + 1 < characters.count, "\"\\$`".contains(characters[index + 1]) {
                        text.append(characters[index + 1])
                        index += 2
                    } else if inner == "$" {
                        text += try variable()
                    } else if inner == "`" {
                        throw fail("command substitution cannot run")
                    } else {
                        text.append(inner)
                        index += 1
                    }
                }
                word = text
            case "\\":
                guard index + 1 < characters.count else { throw fail("a backslash at the end") }
                word = (word ?? "") + String(characters[index + 1])
                index += 2
            case "$":
                word = (word ?? "") + (try variable())
            case "#" where word == nil:
                try finishWord()
                let comment = String(characters[(index + 1)...]).trimmingCharacters(in: .whitespaces)
                let parts = comment.split(separator: " ")
                guard parts.count == 2, parts[0] == "exit", let code = Int32(parts[1]) else {
                    throw fail("the only comment allowed is `# exit N`")
                }
                status = code
                index = characters.count
            case "<":
                try finishWord()
                guard target == .argument, stdinFile == nil, hereDocument == nil else {
                    throw fail("one input redirection at most")
                }
                if index + 1 < characters.count, characters[index + 1] == "<" {
                    target = .hereDocument
                    index += 2
                } else {
                    target = .stdinFile
                    index += 1
                }
                while index < characters.count, characters[index] == " " { index += 1 }
            case ">":
                try finishWord()
                guard target == .argument, output == nil else { throw fail("one output redirection at most") }
                target = .output
                index += 1
                while index < characters.count, characters[index] == " " { index += 1 }
            case "|", "&", ";", "(", ")", "`", "*", "?", "[", "]", "{", "}", "!":
                throw fail("`\(character)` would need a shell")
            case "~" where word == nil:
                throw fail("`~` would need a shell")
            default:
                word = (word ?? "") + String(character)
                index += 1
            }
        }
        try finishWord()
        guard target == .argument else { throw fail("a redirection without its file") }

        var environment: [String: String] = [:]
        while let first = words.first, let equals = first.firstIndex(of: "="),
            first[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !first[..<equals].isEmpty
        {
            environment[String(first[..<equals])] = String(first[first.index(after: equals)...])
            words.removeFirst()
        }
        guard let program = words.first else { throw fail("no command") }
        let arguments = Array(words.dropFirst())
        switch program {
        case "backstop":
            guard output == nil else { throw fail("send backstop's output to a file with its own option, not >") }
            guard stdinFile == nil || hereDocument == nil else { throw fail("one input redirection at most") }
            try checkDate(arguments, fail: fail)
            try checkOutputs(arguments, fail: fail)
            return Command(
                action: .backstop(arguments: arguments, environment: environment),
                stdinFile: stdinFile,
                hereDocument: hereDocument,
                status: status
            )
        case "cat":
            guard environment.isEmpty, status == 0, stdinFile == nil else {
                throw fail("cat takes `cat > $TMP/FILE <<'EOF'` or `cat FILE`")
            }
            if let output {
                guard arguments.isEmpty, hereDocument != nil, output.hasPrefix(temporaryMarker + "/") else {
                    throw fail("write files only as `cat > $TMP/FILE <<'EOF'`")
                }
                return Command(action: .writeFile(path: output), hereDocument: hereDocument, status: 0)
            }
            guard arguments.count == 1, hereDocument == nil else { throw fail("print one file: `cat FILE`") }
            return Command(action: .readFile(path: arguments[0]), status: 0)
        default:
            throw fail("only backstop and cat commands can run")
        }
    }

    /// Outputs that depend on the date must give it (`--date`, or `--start` for `quote`) so that they stay stable.
    static func checkDate(_ arguments: [String], fail: (String) -> ParseError) throws {
        guard !arguments.contains(where: { ["--help", "-h", "--version"].contains($0) }) else { return }
        let flag: String
        if arguments.first == "quote" {
            flag = "--start"
        } else if arguments.starts(with: ["batch", "merge"]) {
            // Merges shard files: no date of its own (the shards' is in their trailers).
            return
        } else if arguments.first.map({ ["alternatives", "batch"].contains($0) }) == true
            || ["list", "show", "lint"].contains(where: { arguments.starts(with: ["providers", $0]) })
        {
            flag = "--date"
        } else {
            return
        }
        if !arguments.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) {
            throw fail("give \(flag) so that the output does not depend on today's date")
        }
    }

    /// Files the command writes are under `$TMP` (or standard output), unless they cannot be created at all.
    static func checkOutputs(_ arguments: [String], fail: (String) -> ParseError) throws {
        for (index, argument) in arguments.enumerated().dropLast()
        where ["--out", "--errors", "--chart", "--output"].contains(argument) {
            let path = arguments[index + 1]
            let parent = URL(fileURLWithPath: path, relativeTo: repository).deletingLastPathComponent().path
            guard
                path == "-" || path.hasPrefix(temporaryMarker + "/")
                    || (!path.contains(temporaryMarker) && !FileManager.default.fileExists(atPath: parent))
            else {
                throw fail("\(argument) writes into the repository: use $TMP/…")
            }
        }
    }
}
