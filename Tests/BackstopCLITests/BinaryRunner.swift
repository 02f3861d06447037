import Foundation
import Testing

/// Runs the real `backstop` binary (or `backstop-server`) built next to the test bundle.
struct BinaryRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `backstop` executable in the build products directory.
    static func executable() throws -> URL { try executable(named: "backstop") }

    /// The `backstop-server` executable (the HTTP service; `backstop serve` runs it) next to `backstop`.
    static func serverExecutable() throws -> URL { try executable(named: "backstop-server") }

    static func executable(named name: String) throws -> URL {
        var directory = Bundle.module.bundleURL.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw RunnerError(message: "\(name) binary not found near \(Bundle.module.bundleURL.path)")
    }

    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")).path
    }

    /// The test process's environment with an English locale.
    static var englishEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LC_ALL", "LC_MESSAGES"] { environment[name] = nil }
        environment["LANG"] = "C.UTF-8"
        return environment
    }

    /// Runs `backstop arguments…`, feeding `stdin`, and waits (at most `timeout` seconds) for it to exit.
    /// - Parameters:
    ///   - executable: the binary (default: `backstop`).
    ///   - currentDirectory: the working directory (default: the test process's).
    ///   - environment: the whole environment (default: the test process's, with the locale variables set to
    ///     `C.UTF-8` so the default language is English whatever the machine's locale; tests of the other language
    ///     pass `--lang zh` or their own environment).
    static func run(
        _ arguments: [String],
        stdin: String? = nil,
        timeout: Double = 60,
        currentDirectory: URL? = nil,
        environment: [String: String]? = nil,
        executable: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = try executable ?? Self.executable()
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.environment = environment ?? Self.englishEnvironment
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        // Read both pipes fully (a full pipe would block the child).
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw RunnerError(message: "backstop \(arguments) did not exit within \(timeout) s")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

struct RunnerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
