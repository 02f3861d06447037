import ArgumentParser
import BackstopCLI

@main
struct Entry {
    static func main() async {
        await BackstopCommand.main()
    }
}
