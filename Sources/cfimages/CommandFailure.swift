/// A run-time failure reported as `Error: <message>` with exit code 1 (no usage text: the command line was fine).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
