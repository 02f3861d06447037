public import ArgumentParser

/// `backstop`: compare lending channels when Huabei or Jiebei is closed.
///
/// Exit codes scripts can rely on: 0 success, 64 bad usage (a flag's value), 65 bad input data (a JSON or XML
/// document), 66 an input file that cannot be read, 73 an output that cannot be created, 74 an output failing part
/// way, 130 interrupted (`batch`), 1 anything else.
public struct BackstopCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "backstop",
        abstract: "Compare licensed lending channels by their true cost.",
        // One exit code a line: help wraps a long paragraph at the terminal's width, wherever a space falls.
        discussion: """
            Exit codes:
              0    success
              64   bad usage (a flag's value)
              65   bad input data (a JSON or XML document)
              66   an input file that cannot be read
              73   an output that cannot be created
              74   an output that failed part way
              130  interrupted (batch)
              1    any other failure

            Every command: docs/cli.md.
            """,
        version: "0.1.0",
        subcommands: [
            AlternativesCommand.self, DiagnoseCommand.self, QuoteCommand.self, APRCommand.self, ProvidersCommand.self,
            ServeCommand.self, BatchCommand.self,
            BenchCommand.self,
        ]
    )

    public init() {}
}

/// Output formats shared by every command.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
