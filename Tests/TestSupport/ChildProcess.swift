import Foundation

/// Runs `executable` with `arguments`, its standard output and error together in a temp file (no pipe to fill), and
/// waits at most `timeout`; a process still running then is terminated. Returns its exit status (nil when it was
/// cut off) and what it wrote.
public func runProcess(_ executable: String, _ arguments: [String], timeout: Duration) throws -> (status: Int32?, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let outputPath = NSTemporaryDirectory() + "process-output-" + UUID().uuidString + ".txt"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
    let finished = !process.isRunning
    if !finished {
        process.terminate()
        process.waitUntilExit()
    }
    try output.close()
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (finished ? process.terminationStatus : nil, text)
}
