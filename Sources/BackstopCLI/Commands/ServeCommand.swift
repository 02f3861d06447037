import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backstop serve`: runs the `backstop-server` binary that sits next to `backstop`, with the same arguments.
///
/// The HTTP service is its own executable so that this one links no web stack: building `backstop` builds no
/// Hummingbird, NIO or Prometheus. `backstop serve` stays the documented way to start the service: the process
/// replaces itself with `backstop-server` (`execv`, no shell), keeping its id, environment, standard streams and
/// signals, so a supervisor that started `backstop serve` talks to the server itself.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP JSON API (the backstop-server binary; see docs/http.md and docs/openapi.yaml).",
        discussion: """
            Runs the backstop-server binary found next to this one, with the same arguments: \
            `backstop serve --port 8080` is `backstop-server --port 8080`, and `backstop serve --help` lists its \
            options. Build it with `swift build -c release --product backstop-server` (a plain `swift build` \
            builds both binaries).
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "The options of backstop-server (backstop serve --help).")
    var arguments: [String] = []

    func run() throws {
        // `BackstopCommand.main()` hands over before parsing; this runs when the command is parsed another way.
        ServerHandOff.exec(arguments: arguments)
    }
}

/// Replaces this process with the sibling `backstop-server` binary.
enum ServerHandOff {
    /// The server binary's file name.
    static let binaryName = "backstop-server"

    /// The `backstop-server` next to this process's executable (the file itself, symbolic links followed, so a
    /// `/usr/local/bin/backstop` link to an installed tree finds the server of that tree).
    static func serverPath() -> String {
        let executable = URL(fileURLWithPath: currentExecutable()).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent(binaryName).path
    }

    /// This process's executable: `/proc/self/exe` on Linux, else the first argument.
    static func currentExecutable() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        let first = CommandLine.arguments.first ?? "backstop"
        if first.contains("/") { return first }
        // Run by name through PATH: find it the way the shell did.
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(first)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return first
    }

    /// Execs `backstop-server arguments…`; returns only by exiting, 1 after saying why, when it cannot.
    static func exec(arguments: [String]) -> Never {
        let path = serverPath()
        guard access(path, X_OK) == 0 else {
            let code = errno
            let problem = code == ENOENT ? "there is no \(binaryName) next to backstop" : "it cannot be run"
            exit(
                code: 1,
                message: """
                    error: backstop serve runs \(quoted(path)), and \(problem) \
                    (\(String(cString: strerror(code)))). Build it with \
                    `swift build -c release --product backstop-server` (or `swift build` for both binaries), \
                    or run backstop-server directly.
                    """
            )
        }
        // Nothing was written yet; flushing anyway keeps a buffered byte from being lost with the old image.
        fflush(nil)
        // An ignored signal stays ignored across exec: a hang-up from here until the server's reload handler is
        // installed is ignored, as the server itself does while it loads the catalog.
        signal(SIGHUP, SIG_IGN)
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        for pointer in argv { free(pointer) }
        exit(code: 1, message: "error: backstop serve cannot run \(quoted(path)): \(reason)")
    }

    private static func exit(code: Int32, message: String) -> Never {
        FileHandle.standardError.write(Data((printableMessage(message) + "\n").utf8))
        #if canImport(Glibc)
        Glibc.exit(code)
        #else
        Darwin.exit(code)
        #endif
    }
}
