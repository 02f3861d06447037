import BackstopCLI

@main
struct Entry {
    /// Runs the command line with the CLI's promises (exit codes, escaped messages, standard output flushed).
    static func main() async {
        await CommandLineRun.main(ServeCommand.self)
    }
}
